-- Marts: caged_monthly, declared here only: shared/duckdb creates it with the
-- warehouse, and a load runs this again (idempotent) so the models stand
-- alone. DuckDB has no partitions or clustering: the models insert rows
-- ordered by the catalog's partition and cluster keys.
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
