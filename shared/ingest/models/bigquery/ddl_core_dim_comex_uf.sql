-- Core: Comex Stat UFs, pseudo-UFs included (UF.csv).
CREATE TABLE IF NOT EXISTS core.dim_comex_uf (
  uf_code STRING, uf STRING, uf_nome STRING, region_comex STRING
);
