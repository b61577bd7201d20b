-- Core: customs units from URF.csv. A full snapshot: it replaces the dimension.
DELETE FROM landing.comex_aux_urf WHERE file_sha256 <> $file_sha256;
DELETE FROM core.dim_urf;
INSERT INTO core.dim_urf
SELECT co_urf, no_urf
FROM landing.comex_aux_urf
WHERE file_sha256 = $file_sha256;
