-- Marts: the scope's months rebuilt from every file kind: in-time and late
-- movements add, exclusions subtract. Every cell of core has a municipality
-- and a section (the loader refuses or skips the rest). Ordered by month,
-- then the cluster keys.
DELETE FROM marts.caged_monthly WHERE month IN (SELECT period FROM load_scope);
INSERT INTO marts.caged_monthly (month, year, municipio, municipio_nome, regiao_imediata, regiao_imediata_nome, uf, region,
  cnae_section, cnae_section_name, admissions, separations, net)
SELECT f.month, year(f.month)::INTEGER, f.municipio, any_value(d.municipio_nome), any_value(d.regiao_imediata),
       any_value(d.regiao_imediata_nome), any_value(d.uf), any_value(d.region), f.cnae_section, any_value(s.cnae_section_name),
       sum(CASE WHEN f.kind = 'exc' THEN -f.admissions ELSE f.admissions END) AS admissions,
       sum(CASE WHEN f.kind = 'exc' THEN -f.separations ELSE f.separations END) AS separations,
       sum(CASE WHEN f.kind = 'exc' THEN -1 ELSE 1 END * (f.admissions - f.separations)) AS net
FROM core.fact_caged f
JOIN core.dim_municipio d ON d.municipio = f.municipio
JOIN core.dim_cnae_secao s ON s.cnae_section = f.cnae_section
WHERE f.month IN (SELECT period FROM load_scope)
GROUP BY f.month, f.municipio, f.cnae_section
ORDER BY f.month, any_value(d.uf), f.municipio, f.cnae_section;
