-- Marts: caged_monthly with the columns of shared/duckdb/schema.sql (the ones the
-- semantic catalog reads), partitioned and clustered as the catalog says
-- (partition month by month; cluster uf, municipio, cnae_section).
CREATE TABLE IF NOT EXISTS marts.caged_monthly (
  month DATE NOT NULL,
  year INT64 NOT NULL,
  municipio STRING NOT NULL,
  municipio_nome STRING,
  regiao_imediata STRING,
  regiao_imediata_nome STRING,
  uf STRING NOT NULL,
  region STRING,
  cnae_section STRING NOT NULL,
  cnae_section_name STRING,
  admissions INT64 NOT NULL,
  separations INT64 NOT NULL,
  net INT64 NOT NULL
)
PARTITION BY DATE_TRUNC(month, MONTH)
CLUSTER BY uf, municipio, cnae_section;
