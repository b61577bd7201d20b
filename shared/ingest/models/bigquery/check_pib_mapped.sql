-- The PIB mapping check, after staging_pib and before core: every landed
-- row must resolve its name to a municipality. One SELECT whose CASE calls
-- ERROR() only for a refusal, naming the first such row.
SELECT CASE
  WHEN COUNT(*) > 0 THEN ERROR(FORMAT('mirante-contract: line %d, column "Unidade da Federação e Município": município "%s" (%s) not in the territorial table (%d values of this file name no known municipality) :end-contract',
    MIN(line), ARRAY_AGG(nome ORDER BY line LIMIT 1)[SAFE_OFFSET(0)], ARRAY_AGG(uf ORDER BY line LIMIT 1)[SAFE_OFFSET(0)], COUNT(*)))
  ELSE 'every municipality mapped'
END AS pib_mapping
FROM staging_pib WHERE municipio IS NULL;
