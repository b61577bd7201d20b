-- Core: HS names from NCM_SH.csv. A full snapshot: it replaces the dimension.
DELETE FROM landing.comex_aux_ncm_sh WHERE file_sha256 <> $file_sha256;
DELETE FROM core.dim_sh;
INSERT INTO core.dim_sh
SELECT co_sh6, no_sh6_por, co_sh4, no_sh4_por, co_sh2, no_sh2_por
FROM landing.comex_aux_ncm_sh
WHERE file_sha256 = $file_sha256;
