-- Core: the IBGE territorial table, one row per municipality. Its one
-- declaration: shared/duckdb creates it with the warehouse, and a load runs
-- it again (idempotent) so the models stand alone.
CREATE TABLE IF NOT EXISTS core.dim_municipio (
  municipio                 VARCHAR PRIMARY KEY, -- 7-digit IBGE code
  municipio_nome            VARCHAR NOT NULL,
  uf                        VARCHAR NOT NULL,    -- two letters
  uf_code                   VARCHAR NOT NULL,    -- two digits
  uf_nome                   VARCHAR,
  region                    VARCHAR NOT NULL,    -- Norte, Nordeste, Sudeste, Sul, Centro-Oeste
  regiao_imediata           VARCHAR,             -- 6 digits
  regiao_imediata_nome      VARCHAR,
  regiao_intermediaria      VARCHAR,             -- 4 digits
  regiao_intermediaria_nome VARCHAR,
  capital                   BOOLEAN NOT NULL DEFAULT false
);
