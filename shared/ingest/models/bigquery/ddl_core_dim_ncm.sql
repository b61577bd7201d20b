-- Core: NCM codes and names (NCM.csv).
CREATE TABLE IF NOT EXISTS core.dim_ncm (
  ncm STRING, ncm_name STRING, sh6 STRING, unid STRING
);
