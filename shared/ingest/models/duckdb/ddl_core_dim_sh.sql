-- Core: HS6/HS4/HS2 names (NCM_SH.csv).
CREATE TABLE IF NOT EXISTS core.dim_sh (
  sh6 VARCHAR, sh6_name VARCHAR, sh4 VARCHAR, sh4_name VARCHAR, sh2 VARCHAR, sh2_name VARCHAR
);
