-- The ingest function records each load in the source catalog: a global
-- table, written only through these columns.

-- +goose Up
ALTER TABLE source_catalog ADD COLUMN last_error text;
ALTER TABLE source_catalog ADD COLUMN rows_loaded bigint;
GRANT UPDATE (watermark, checksum, last_updated_at, status, synthetic, schema_version, last_error, rows_loaded)
  ON source_catalog TO mirante_app;

-- +goose Down
REVOKE UPDATE ON source_catalog FROM mirante_app;
ALTER TABLE source_catalog DROP COLUMN rows_loaded;
ALTER TABLE source_catalog DROP COLUMN last_error;
