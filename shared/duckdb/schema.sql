-- The local warehouse: the same marts as BigQuery's (infra/ holds their
-- BigQuery schemas), in one DuckDB file. Layers are schemas: landing,
-- staging, core, marts; each dataset-mode tenant gets a schema of its own
-- (created by EnsureTenantSchema). Statements are idempotent.
--
-- The public marts and the territorial table they join are declared once,
-- by the ingest models that fill them (shared/ingest/models/duckdb/
-- ddl_marts_*.sql, ddl_core_dim_municipio.sql): Open runs those after this
-- file (see marts.go). Only the tenant mart, which no model fills, is here.

CREATE SCHEMA IF NOT EXISTS landing;
CREATE SCHEMA IF NOT EXISTS staging;
CREATE SCHEMA IF NOT EXISTS core;
CREATE SCHEMA IF NOT EXISTS marts;

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
