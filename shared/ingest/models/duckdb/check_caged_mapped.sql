-- The CAGED mapping check: the first landed cell of the file whose
-- município code the territorial table does not have (a cell keeps the line
-- of its first record), with the movements of every such cell.
SELECT s.line, s.municipio6, coalesce(u.uf, left(s.municipio6, 2)), (sum(s.movements) OVER ())::BIGINT
FROM staging.caged s LEFT JOIN core.dim_uf u ON u.uf_code = left(s.municipio6, 2)
WHERE s.file_sha256 = $file_sha256 AND s.municipio IS NULL
ORDER BY s.line LIMIT 1;
