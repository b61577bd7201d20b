-- Core: NCM names from NCM.csv. A full snapshot: it replaces the dimension.
DELETE FROM landing.comex_aux_ncm WHERE file_sha256 <> $file_sha256;
DELETE FROM core.dim_ncm;
INSERT INTO core.dim_ncm
SELECT co_ncm, no_ncm_por, co_sh6, co_unid
FROM landing.comex_aux_ncm
WHERE file_sha256 = $file_sha256;
