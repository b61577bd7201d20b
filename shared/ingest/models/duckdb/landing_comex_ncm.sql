-- Landing: Comex Stat EXP_/IMP_ NCM-level rows as typed. The codes (NCM,
-- unit, country, mode, customs unit) are integers here, checked for digits
-- and width by the loader; staging pads them back to text. DuckDB appends
-- and stores integers several times faster than text, in both the landing
-- step and its commit.
-- The UF and the flow are enums (one byte a row instead of a string):
-- comex_uf is Comex Stat's UF table (UF.csv: the 27 states and the
-- pseudo-UFs EX, CB, MN, RE, ED, ND, ZN), in alphabetical order so that
-- sorting the enum sorts the text; the loader refuses any other value with
-- its line; the enums make both the appender and the landing commit
-- cheaper than text would. Staging casts both back to text.
-- load_seq is the load that landed the row (see ddl_ingest_files), NULL
-- for rows landed before loads were numbered.
CREATE TYPE IF NOT EXISTS landing.comex_uf AS ENUM ('AC', 'AL', 'AM', 'AP', 'BA', 'CB', 'CE', 'DF', 'ED', 'ES', 'EX', 'GO',
  'MA', 'MG', 'MN', 'MS', 'MT', 'ND', 'PA', 'PB', 'PE', 'PI', 'PR', 'RE', 'RJ', 'RN', 'RO', 'RR', 'RS', 'SC', 'SE', 'SP',
  'TO', 'ZN');
CREATE TYPE IF NOT EXISTS landing.comex_flow AS ENUM ('export', 'import');
CREATE TABLE IF NOT EXISTS landing.comex_ncm (
  file_sha256 VARCHAR NOT NULL, line BIGINT NOT NULL,
  flow landing.comex_flow NOT NULL, co_ano BIGINT NOT NULL, co_mes BIGINT NOT NULL, co_ncm INTEGER NOT NULL, co_unid SMALLINT,
  co_pais SMALLINT NOT NULL, sg_uf_ncm landing.comex_uf NOT NULL, co_via SMALLINT, co_urf INTEGER,
  qt_estat BIGINT, kg_liquido BIGINT NOT NULL, vl_fob BIGINT NOT NULL, vl_frete BIGINT, vl_seguro BIGINT,
  load_seq BIGINT
);
ALTER TABLE landing.comex_ncm ADD COLUMN IF NOT EXISTS load_seq BIGINT;
