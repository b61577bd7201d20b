-- Core: Comex Stat UFs, pseudo-UFs included (UF.csv).
CREATE TABLE IF NOT EXISTS core.dim_comex_uf (
  uf_code VARCHAR, uf VARCHAR, uf_nome VARCHAR, region_comex VARCHAR
);
