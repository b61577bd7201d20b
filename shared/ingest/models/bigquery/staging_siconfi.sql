-- Staging: this file's rows, Cod.IBGE checked against the territorial table
-- (6-digit codes completed to 7); percentages flagged.
CREATE TEMP TABLE staging_siconfi AS
SELECT l.file_sha256, l.line, CAST(l.exercicio AS INT64) AS year, l.report, COALESCE(d7.municipio, d6.municipio) AS municipio, l.cod_ibge, l.poder, l.populacao,
       l.coluna, l.conta, l.account, l.valor AS value, STARTS_WITH(TRIM(l.conta), '%') AS is_percent
FROM landing.siconfi l
LEFT JOIN core.dim_municipio d7 ON d7.municipio = l.cod_ibge
LEFT JOIN (SELECT municipio, LEFT(municipio, 6) AS m6 FROM core.dim_municipio) d6
  ON d6.m6 = IF(LENGTH(l.cod_ibge) = 6, l.cod_ibge, NULL)
WHERE l.file_sha256 = @file_sha256 AND l._PARTITIONDATE >= DATE_SUB(CURRENT_DATE(), INTERVAL 1 DAY);
