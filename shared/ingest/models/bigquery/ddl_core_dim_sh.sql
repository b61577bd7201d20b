-- Core: HS6/HS4/HS2 names (NCM_SH.csv).
CREATE TABLE IF NOT EXISTS core.dim_sh (
  sh6 STRING, sh6_name STRING, sh4 STRING, sh4_name STRING, sh2 STRING, sh2_name STRING
);
