-- Core: UFs and pseudo-UFs from UF.csv. A full snapshot: it replaces the dimension.
DELETE FROM landing.comex_aux_uf WHERE file_sha256 <> $file_sha256;
DELETE FROM core.dim_comex_uf;
INSERT INTO core.dim_comex_uf
SELECT co_uf, upper(trim(sg_uf)), no_uf, no_regiao
FROM landing.comex_aux_uf
WHERE file_sha256 = $file_sha256;
