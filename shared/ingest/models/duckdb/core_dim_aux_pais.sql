-- Core: country names from PAIS.csv. A full snapshot: it replaces the dimension.
DELETE FROM landing.comex_aux_pais WHERE file_sha256 <> $file_sha256;
DELETE FROM core.dim_pais;
INSERT INTO core.dim_pais
SELECT co_pais, no_pais, co_pais_isoa3
FROM landing.comex_aux_pais
WHERE file_sha256 = $file_sha256;
