-- The ingest log: one row per file loaded (the raw layer's checksum, the
-- hash of its typed rows, counts and the periods it covers).
CREATE SCHEMA IF NOT EXISTS landing;
CREATE SCHEMA IF NOT EXISTS staging;
CREATE SCHEMA IF NOT EXISTS core;
CREATE SCHEMA IF NOT EXISTS marts;
CREATE TABLE IF NOT EXISTS landing.ingest_files (
  source         VARCHAR   NOT NULL,
  layout         VARCHAR   NOT NULL,
  scope          VARCHAR   NOT NULL,
  file_name      VARCHAR   NOT NULL,
  file_sha256    VARCHAR   NOT NULL,
  content_sha256 VARCHAR   NOT NULL,
  bytes          BIGINT    NOT NULL,
  rows_read      BIGINT    NOT NULL,
  rows_loaded    BIGINT    NOT NULL,
  periods        VARCHAR   NOT NULL,
  watermark      VARCHAR,
  loaded_at      TIMESTAMP NOT NULL,
  seq            BIGINT    NOT NULL
);
-- A two-step load (Comex Stat NCM files: landing commits before the models
-- run) stamps its landed rows with a number from load_seq, never reused,
-- and logs it here when it publishes; core shows a two-step table's rows
-- only once their load_seq is logged.
CREATE SEQUENCE IF NOT EXISTS landing.load_seq;
ALTER TABLE landing.ingest_files ADD COLUMN IF NOT EXISTS load_seq BIGINT;
