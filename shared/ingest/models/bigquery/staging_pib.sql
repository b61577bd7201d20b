-- Staging: this file's rows with the IBGE code from UF and normalised name; R$ (not thousands).
CREATE TEMP TABLE staging_pib AS
SELECT l.file_sha256, l.line, l.nome, l.uf, n.municipio, CAST(l.year AS INT64) AS year, l.pib_mil * 1000 AS pib_brl
FROM landing.pib l
LEFT JOIN (SELECT uf, name_key, ANY_VALUE(municipio) AS municipio FROM core.municipio_name GROUP BY uf, name_key) n
  ON n.uf = l.uf AND n.name_key = l.name_key
WHERE l.file_sha256 = @file_sha256 AND l._PARTITIONDATE >= DATE_SUB(CURRENT_DATE(), INTERVAL 1 DAY);
