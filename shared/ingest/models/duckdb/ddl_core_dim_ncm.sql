-- Core: NCM codes and names (NCM.csv).
CREATE TABLE IF NOT EXISTS core.dim_ncm (
  ncm VARCHAR, ncm_name VARCHAR, sh6 VARCHAR, unid VARCHAR
);
