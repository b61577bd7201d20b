-- Marts: names follow the dimensions (an auxiliary table was loaded).
UPDATE marts.comex_monthly AS m SET
  ncm_name = (SELECT ANY_VALUE(d.ncm_name) FROM core.dim_ncm d WHERE d.ncm = m.ncm),
  sh4_name = (SELECT ANY_VALUE(d.sh4_name) FROM core.dim_sh d WHERE d.sh4 = m.sh4),
  sh2_name = (SELECT ANY_VALUE(d.sh2_name) FROM core.dim_sh d WHERE d.sh2 = m.sh2),
  country_name = (SELECT ANY_VALUE(d.country_name) FROM core.dim_pais d WHERE d.country = m.country)
WHERE m.month >= DATE '1990-01-01';
