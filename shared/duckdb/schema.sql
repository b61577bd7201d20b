-- The local warehouse: the same marts as BigQuery's (infra/ holds their
-- BigQuery schemas), in one DuckDB file. Layers are schemas: landing,
-- staging, core, marts; each dataset-mode tenant gets a schema of its own
-- (created by EnsureTenantSchema). Statements are idempotent.

CREATE SCHEMA IF NOT EXISTS landing;
CREATE SCHEMA IF NOT EXISTS staging;
CREATE SCHEMA IF NOT EXISTS core;
CREATE SCHEMA IF NOT EXISTS marts;

-- IBGE territorial table, one row per municipality.
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

CREATE TABLE IF NOT EXISTS marts.comex_monthly (
  month        DATE    NOT NULL, -- first day of the month
  year         INTEGER NOT NULL,
  flow         VARCHAR NOT NULL, -- export | import
  uf           VARCHAR NOT NULL,
  region       VARCHAR,
  ncm          VARCHAR NOT NULL, -- 8 digits
  ncm_name     VARCHAR,
  sh4          VARCHAR NOT NULL,
  sh4_name     VARCHAR,
  sh2          VARCHAR NOT NULL,
  sh2_name     VARCHAR,
  country      VARCHAR NOT NULL, -- Comex Stat CO_PAIS, 3 digits
  country_name VARCHAR,
  vl_fob_usd   DOUBLE  NOT NULL,
  kg_liquido   DOUBLE  NOT NULL
);

-- Comex Stat trade by the exporter's or importer's municipality and SH4: only
-- trade with a municipality (CO_MUN 9999999 and 9300000 are in no municipality).
CREATE TABLE IF NOT EXISTS marts.comex_municipal_monthly (
  month                DATE    NOT NULL, -- first day of the month
  year                 INTEGER NOT NULL,
  flow                 VARCHAR NOT NULL, -- export | import
  uf                   VARCHAR NOT NULL,
  region               VARCHAR,
  municipio            VARCHAR NOT NULL, -- 7-digit IBGE code
  municipio_nome       VARCHAR,
  regiao_imediata      VARCHAR,          -- 6 digits
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

CREATE TABLE IF NOT EXISTS marts.antaq_monthly (
  month        DATE    NOT NULL,
  year         INTEGER NOT NULL,
  port         VARCHAR NOT NULL,
  uf           VARCHAR NOT NULL,
  region       VARCHAR,
  nav_type     VARCHAR NOT NULL, -- longo_curso | cabotagem | interior | apoio_maritimo | apoio_portuario
  cargo_nature VARCHAR NOT NULL, -- granel_solido | granel_liquido | carga_geral | conteiner
  direction    VARCHAR NOT NULL, -- embarque | desembarque
  tonnes       DOUBLE  NOT NULL,
  teu          DOUBLE  NOT NULL,
  berthings    BIGINT  NOT NULL
);

CREATE TABLE IF NOT EXISTS marts.caged_monthly (
  month                DATE    NOT NULL,
  year                 INTEGER NOT NULL,
  municipio            VARCHAR NOT NULL,
  municipio_nome       VARCHAR,
  regiao_imediata      VARCHAR,
  regiao_imediata_nome VARCHAR,
  uf                   VARCHAR NOT NULL,
  region               VARCHAR,
  cnae_section         VARCHAR NOT NULL, -- A..U
  cnae_section_name    VARCHAR,
  admissions           BIGINT  NOT NULL,
  separations          BIGINT  NOT NULL,
  net                  BIGINT  NOT NULL
);

CREATE TABLE IF NOT EXISTS marts.pib_municipal (
  year                 INTEGER NOT NULL,
  municipio            VARCHAR NOT NULL,
  municipio_nome       VARCHAR,
  regiao_imediata      VARCHAR,
  regiao_imediata_nome VARCHAR,
  uf                   VARCHAR NOT NULL,
  region               VARCHAR,
  pib_brl              DOUBLE,          -- R$ (not thousands)
  population           BIGINT,
  pib_per_capita_brl   DOUBLE
);

CREATE TABLE IF NOT EXISTS marts.ipca_monthly (
  month   DATE    NOT NULL,
  year    INTEGER NOT NULL,
  "index" DOUBLE  NOT NULL, -- Dec 1993 = 100
  mom_pct DOUBLE,
  yoy_pct DOUBLE
);

CREATE TABLE IF NOT EXISTS marts.siconfi_annual (
  year           INTEGER NOT NULL,
  municipio      VARCHAR NOT NULL,
  municipio_nome VARCHAR,
  uf             VARCHAR NOT NULL,
  region         VARCHAR,
  account        VARCHAR NOT NULL, -- FINBRA Conta, qualified by its parent and power
  coluna         VARCHAR,          -- FINBRA Coluna as the file labels it: the figure's date or span
  value_brl      DOUBLE  NOT NULL  -- one declared figure, never a sum
);
ALTER TABLE marts.siconfi_annual ADD COLUMN IF NOT EXISTS coluna VARCHAR;

-- Row-mode tenants share this table; the compiler always adds tenant_key.
CREATE TABLE IF NOT EXISTS marts.tenant_metrics (
  tenant_key     VARCHAR NOT NULL, -- the org id
  month          DATE    NOT NULL,
  year           INTEGER NOT NULL,
  municipio      VARCHAR,
  municipio_nome VARCHAR,
  uf             VARCHAR,
  region         VARCHAR,
  metric         VARCHAR NOT NULL,
  value          DOUBLE  NOT NULL
);
