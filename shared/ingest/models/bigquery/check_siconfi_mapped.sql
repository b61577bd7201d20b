-- The Siconfi mapping check, after staging_siconfi and before core: every
-- Cod.IBGE must be in the territorial table. One SELECT whose CASE calls
-- ERROR() only for a refusal, naming the first such row. The message is a
-- single-quoted literal: no apostrophe in it.
SELECT CASE
  WHEN COUNT(*) > 0 THEN ERROR(FORMAT('mirante-contract: line %d, column "Cod.IBGE": "%s" is not in the territorial table (%d rows of this file name a code it does not have) :end-contract',
    MIN(line), ARRAY_AGG(cod_ibge ORDER BY line LIMIT 1)[SAFE_OFFSET(0)], COUNT(*)))
  ELSE 'every Cod.IBGE mapped'
END AS siconfi_mapping
FROM staging_siconfi WHERE municipio IS NULL;
