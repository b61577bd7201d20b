-- Marts: comex_municipal_monthly, declared here only: shared/duckdb creates it with the
-- warehouse, and a load runs this again (idempotent) so the models stand
-- alone. DuckDB has no partitions or clustering: the models insert rows
-- ordered by the catalog's partition and cluster keys.
CREATE TABLE IF NOT EXISTS marts.comex_municipal_monthly (
  month                DATE    NOT NULL, -- first day of the month
  year                 INTEGER NOT NULL,
  flow                 VARCHAR NOT NULL, -- export | import
  uf                   VARCHAR NOT NULL,
  region               VARCHAR,
  municipio            VARCHAR NOT NULL, -- 7-digit IBGE code
  municipio_nome       VARCHAR,
  regiao_imediata      VARCHAR,
  regiao_imediata_nome VARCHAR,
  sh4                  VARCHAR NOT NULL,
  sh4_name             VARCHAR,
  sh2                  VARCHAR NOT NULL,
  sh2_name             VARCHAR,
  country              VARCHAR NOT NULL, -- Comex Stat CO_PAIS, 3 digits
  country_name         VARCHAR,
  vl_fob_usd           DOUBLE  NOT NULL,
  kg_liquido           DOUBLE  NOT NULL
);
