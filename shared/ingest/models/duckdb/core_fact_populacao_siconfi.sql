-- Core: the populations this FINBRA file declares replace the ones FINBRA
-- gave before for the same year and municipalities.
DELETE FROM core.fact_populacao WHERE source = 'siconfi' AND year = $year
  AND municipio IN (SELECT municipio FROM staging.siconfi WHERE file_sha256 = $file_sha256 AND populacao IS NOT NULL);
INSERT INTO core.fact_populacao (year, municipio, population, source)
SELECT year, municipio, max(populacao), 'siconfi'
FROM staging.siconfi
WHERE file_sha256 = $file_sha256 AND municipio IS NOT NULL AND populacao IS NOT NULL
GROUP BY year, municipio;
