-- What the marts publish of the load (rows in core once the models ran),
-- what its source's contract left out, and the fingerprint of the
-- reference data its rows resolved against (see Requirement). A
-- log created before them gains them here.
ALTER TABLE landing.ingest_files ADD COLUMN IF NOT EXISTS rows_published BIGINT;
ALTER TABLE landing.ingest_files ADD COLUMN IF NOT EXISTS rows_skipped BIGINT;
ALTER TABLE landing.ingest_files ADD COLUMN IF NOT EXISTS skipped_why VARCHAR;
ALTER TABLE landing.ingest_files ADD COLUMN IF NOT EXISTS deps_sha256 VARCHAR;
