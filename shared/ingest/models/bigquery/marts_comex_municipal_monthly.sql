-- Marts: the file's months of its flow by municipality, rebuilt from core with
-- names. Only rows with a municipality: the codes Comex Stat publishes without
-- one (municipio NULL in core) are in Brazil's totals, never in this mart.
-- UF and regions come from the territorial table (core's uf stands in for a
-- code the table has since dropped).
MERGE marts.comex_municipal_monthly AS t
USING (
  WITH agg AS (
    SELECT month, flow, uf, municipio, sh4, sh2, country, CAST(SUM(vl_fob) AS FLOAT64) AS vl_fob_usd,
           CAST(SUM(kg_liquido) AS FLOAT64) AS kg_liquido
    FROM core.fact_comex_municipio
    WHERE flow = @flow AND month IN UNNEST(@periods) AND municipio IS NOT NULL
    GROUP BY month, flow, uf, municipio, sh4, sh2, country
  )
  SELECT a.month, EXTRACT(YEAR FROM a.month) AS year, a.flow, COALESCE(d.uf, a.uf) AS uf, COALESCE(d.region, u.region) AS region,
         a.municipio, d.municipio_nome, d.regiao_imediata, d.regiao_imediata_nome, a.sh4, s4.sh4_name, a.sh2, s2.sh2_name,
         a.country, p.country_name, a.vl_fob_usd, a.kg_liquido
  FROM agg a
  LEFT JOIN core.dim_municipio d ON d.municipio = a.municipio
  LEFT JOIN core.dim_uf u ON u.uf = a.uf
  LEFT JOIN (SELECT sh4, ANY_VALUE(sh4_name) AS sh4_name FROM core.dim_sh GROUP BY sh4) s4 ON s4.sh4 = a.sh4
  LEFT JOIN (SELECT sh2, ANY_VALUE(sh2_name) AS sh2_name FROM core.dim_sh GROUP BY sh2) s2 ON s2.sh2 = a.sh2
  LEFT JOIN (SELECT country, ANY_VALUE(country_name) AS country_name FROM core.dim_pais GROUP BY country) p ON p.country = a.country
) AS s
ON FALSE
WHEN NOT MATCHED BY SOURCE AND t.flow = @flow AND t.month IN UNNEST(@periods) THEN DELETE
WHEN NOT MATCHED THEN INSERT (month, year, flow, uf, region, municipio, municipio_nome, regiao_imediata, regiao_imediata_nome,
  sh4, sh4_name, sh2, sh2_name, country, country_name, vl_fob_usd, kg_liquido)
  VALUES (s.month, s.year, s.flow, s.uf, s.region, s.municipio, s.municipio_nome, s.regiao_imediata, s.regiao_imediata_nome,
  s.sh4, s.sh4_name, s.sh2, s.sh2_name, s.country, s.country_name, s.vl_fob_usd, s.kg_liquido);
