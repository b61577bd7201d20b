-- Marts: names follow the dimensions (an auxiliary table was loaded).
UPDATE marts.comex_monthly AS m SET
  ncm_name = (SELECT d.ncm_name FROM core.dim_ncm d WHERE d.ncm = m.ncm LIMIT 1),
  sh4_name = (SELECT any_value(d.sh4_name) FROM core.dim_sh d WHERE d.sh4 = m.sh4),
  sh2_name = (SELECT any_value(d.sh2_name) FROM core.dim_sh d WHERE d.sh2 = m.sh2),
  country_name = (SELECT d.country_name FROM core.dim_pais d WHERE d.country = m.country LIMIT 1);
