-- The Comex Stat municipal mapping check: the first landed row of the file
-- whose CO_MUN maps to no municipality, but 9999999 and 9300000 (the codes
-- the layout publishes without one), with the count of such rows.
SELECT line, co_mun, uf, count(*) OVER ()
FROM staging.comex_mun
WHERE file_sha256 = $file_sha256 AND municipio IS NULL AND co_mun NOT IN ('9999999', '9300000')
ORDER BY line LIMIT 1;
