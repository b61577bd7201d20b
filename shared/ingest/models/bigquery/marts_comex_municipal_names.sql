-- Marts: names in marts.comex_municipal_monthly follow the dimensions (an
-- auxiliary table was loaded), as marts_comex_names does for comex_monthly.
UPDATE marts.comex_municipal_monthly AS m SET
  sh4_name = (SELECT ANY_VALUE(d.sh4_name) FROM core.dim_sh d WHERE d.sh4 = m.sh4),
  sh2_name = (SELECT ANY_VALUE(d.sh2_name) FROM core.dim_sh d WHERE d.sh2 = m.sh2),
  country_name = (SELECT ANY_VALUE(d.country_name) FROM core.dim_pais d WHERE d.country = m.country)
WHERE m.month >= DATE '1990-01-01';
