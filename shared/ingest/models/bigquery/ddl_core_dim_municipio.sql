-- Core: the territorial table, one row per municipality.
CREATE TABLE IF NOT EXISTS core.dim_municipio (
  municipio                 STRING NOT NULL,
  municipio_nome            STRING NOT NULL,
  uf                        STRING NOT NULL,
  uf_code                   STRING NOT NULL,
  uf_nome                   STRING,
  region                    STRING NOT NULL,
  regiao_imediata           STRING,
  regiao_imediata_nome      STRING,
  regiao_intermediaria      STRING,
  regiao_intermediaria_nome STRING,
  capital                   BOOL NOT NULL
)
CLUSTER BY uf, municipio;
