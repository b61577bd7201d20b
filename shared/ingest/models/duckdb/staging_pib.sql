-- Staging: the IBGE code from UF and normalised name; R$ (not thousands).
CREATE OR REPLACE VIEW staging.pib AS
SELECT l.file_sha256, l.line, l.nome, l.uf, n.municipio, l.year::INTEGER AS year, l.pib_mil * 1000 AS pib_brl
FROM landing.pib l
LEFT JOIN (SELECT uf, name_key, any_value(municipio) AS municipio FROM core.municipio_name GROUP BY uf, name_key) n
  ON n.uf = l.uf AND n.name_key = l.name_key;
