-- Core: the territorial table (its DuckDB DDL is shared/duckdb/schema.sql's;
-- repeated here, idempotent, so the models stand alone).
CREATE TABLE IF NOT EXISTS core.dim_municipio (
  municipio                 VARCHAR PRIMARY KEY,
  municipio_nome            VARCHAR NOT NULL,
  uf                        VARCHAR NOT NULL,
  uf_code                   VARCHAR NOT NULL,
  uf_nome                   VARCHAR,
  region                    VARCHAR NOT NULL,
  regiao_imediata           VARCHAR,
  regiao_imediata_nome      VARCHAR,
  regiao_intermediaria      VARCHAR,
  regiao_intermediaria_nome VARCHAR,
  capital                   BOOLEAN NOT NULL DEFAULT false
);
