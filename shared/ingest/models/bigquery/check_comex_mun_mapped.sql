-- The Comex Stat municipal mapping check, after staging_comex_mun and
-- before core: every landed row but CO_MUN 9999999 and 9300000 (the codes
-- the layout publishes without a municipality) must map to one. One SELECT
-- whose CASE calls ERROR() only for a refusal, naming the first such row.
SELECT CASE
  WHEN COUNT(*) > 0 THEN ERROR(FORMAT('mirante-contract: line %d, column "CO_MUN": CO_MUN "%s" (SG_UF_MUN %s) maps to no municipality of the territorial table (%d rows of this file map nowhere, and only 9999999, 9300000 are published without one) :end-contract',
    MIN(line), ARRAY_AGG(co_mun ORDER BY line LIMIT 1)[SAFE_OFFSET(0)], ARRAY_AGG(uf ORDER BY line LIMIT 1)[SAFE_OFFSET(0)], COUNT(*)))
  ELSE 'every CO_MUN mapped'
END AS comex_mun_mapping
FROM staging_comex_mun WHERE municipio IS NULL AND co_mun NOT IN ('9999999', '9300000');
