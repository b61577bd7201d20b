-- Staging: Cod.IBGE checked against the territorial table (6-digit codes
-- completed to 7); percentages flagged.
CREATE OR REPLACE VIEW staging.siconfi AS
SELECT l.file_sha256, l.line, l.exercicio::INTEGER AS year, l.report, coalesce(d7.municipio, d6.municipio) AS municipio, l.cod_ibge, l.poder, l.populacao,
       l.coluna, l.conta, l.account, l.valor AS value, starts_with(trim(l.conta), '%') AS is_percent
FROM landing.siconfi l
LEFT JOIN core.dim_municipio d7 ON d7.municipio = l.cod_ibge
LEFT JOIN (SELECT municipio, left(municipio, 6) AS m6 FROM core.dim_municipio) d6
  ON d6.m6 = CASE WHEN length(l.cod_ibge) = 6 THEN l.cod_ibge END;
