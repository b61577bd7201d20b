-- The Siconfi mapping check: the first landed row of the file whose
-- Cod.IBGE is not in the territorial table, with the count of such rows.
SELECT line, cod_ibge, count(*) OVER ()
FROM staging.siconfi
WHERE file_sha256 = $file_sha256 AND municipio IS NULL
ORDER BY line LIMIT 1;
