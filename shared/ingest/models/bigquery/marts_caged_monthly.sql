-- Marts: the scope's months rebuilt from every file kind: in-time and late
-- movements add, exclusions subtract.
MERGE marts.caged_monthly AS t
USING (
  SELECT f.month, EXTRACT(YEAR FROM f.month) AS year, f.municipio, ANY_VALUE(d.municipio_nome) AS municipio_nome,
         ANY_VALUE(d.regiao_imediata) AS regiao_imediata, ANY_VALUE(d.regiao_imediata_nome) AS regiao_imediata_nome,
         ANY_VALUE(d.uf) AS uf, ANY_VALUE(d.region) AS region, f.cnae_section, ANY_VALUE(s.cnae_section_name) AS cnae_section_name,
         SUM(IF(f.kind = 'exc', -f.admissions, f.admissions)) AS admissions,
         SUM(IF(f.kind = 'exc', -f.separations, f.separations)) AS separations,
         SUM(IF(f.kind = 'exc', -1, 1) * (f.admissions - f.separations)) AS net
  FROM core.fact_caged f
  JOIN core.dim_municipio d ON d.municipio = f.municipio
  JOIN core.dim_cnae_secao s ON s.cnae_section = f.cnae_section
  WHERE f.month IN UNNEST(@periods)
  GROUP BY f.month, f.municipio, f.cnae_section
) AS s
ON FALSE
WHEN NOT MATCHED BY SOURCE AND t.month IN UNNEST(@periods) THEN DELETE
WHEN NOT MATCHED THEN INSERT (month, year, municipio, municipio_nome, regiao_imediata, regiao_imediata_nome, uf, region,
  cnae_section, cnae_section_name, admissions, separations, net)
  VALUES (s.month, s.year, s.municipio, s.municipio_nome, s.regiao_imediata, s.regiao_imediata_nome, s.uf, s.region,
  s.cnae_section, s.cnae_section_name, s.admissions, s.separations, s.net);
