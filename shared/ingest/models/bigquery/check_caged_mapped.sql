-- The CAGED mapping check, after staging_caged and before core: every
-- landed cell must reach core with its municipality. One SELECT whose CASE
-- calls ERROR() only for a refusal, naming the first cell (a cell keeps the
-- line of its first record) whose município code the territorial table
-- does not have.
SELECT CASE
  WHEN COUNT(*) > 0 THEN ERROR(FORMAT('mirante-contract: line %d, column "município": município "%s" (%s) not in the territorial table (records of this file with a município code it does not have: %d) :end-contract',
    MIN(s.line), ARRAY_AGG(s.municipio6 ORDER BY s.line LIMIT 1)[SAFE_OFFSET(0)],
    ARRAY_AGG(COALESCE(u.uf, LEFT(s.municipio6, 2)) ORDER BY s.line LIMIT 1)[SAFE_OFFSET(0)], SUM(s.movements)))
  ELSE 'every municipality mapped'
END AS caged_mapping
FROM staging_caged s LEFT JOIN core.dim_uf u ON u.uf_code = LEFT(s.municipio6, 2)
WHERE s.municipio IS NULL;
