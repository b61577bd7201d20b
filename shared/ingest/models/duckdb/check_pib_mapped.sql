-- The PIB mapping check: the first landed row of the file whose name
-- resolves to no municipality, with the count of such rows.
SELECT line, nome, uf, count(*) OVER ()
FROM staging.pib
WHERE file_sha256 = $file_sha256 AND municipio IS NULL
ORDER BY line LIMIT 1;
