-- rows_loaded counts the rows a load published to the marts (in core once
-- its models ran); rows_landed what it landed, rows_skipped what its
-- source's contract left unpublished. For the catalog, the current load's.

-- +goose Up
ALTER TABLE source_loads ADD COLUMN rows_landed bigint;
ALTER TABLE source_catalog ADD COLUMN rows_landed bigint;
ALTER TABLE source_catalog ADD COLUMN rows_skipped bigint;
GRANT UPDATE (rows_landed, rows_skipped) ON source_catalog TO mirante_app;

-- +goose Down
REVOKE UPDATE (rows_landed, rows_skipped) ON source_catalog FROM mirante_app;
ALTER TABLE source_catalog DROP COLUMN rows_skipped;
ALTER TABLE source_catalog DROP COLUMN rows_landed;
ALTER TABLE source_loads DROP COLUMN rows_landed;
