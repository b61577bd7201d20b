-- The ingest log: one row per file loaded (the raw layer's checksum, the
-- hash of its typed rows, counts and the periods it covers).
CREATE TABLE IF NOT EXISTS landing.ingest_files (
  source         STRING    NOT NULL,
  layout         STRING    NOT NULL,
  scope          STRING    NOT NULL,
  file_name      STRING    NOT NULL,
  file_sha256    STRING    NOT NULL,
  content_sha256 STRING    NOT NULL,
  bytes          INT64     NOT NULL,
  rows_read      INT64     NOT NULL,
  rows_loaded    INT64     NOT NULL,
  periods        STRING    NOT NULL,
  watermark      STRING,
  loaded_at      TIMESTAMP NOT NULL,
  seq            INT64     NOT NULL,
  rows_published INT64,
  rows_skipped   INT64,
  skipped_why    STRING,
  deps_sha256    STRING
);
