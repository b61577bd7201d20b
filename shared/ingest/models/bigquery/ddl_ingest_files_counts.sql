-- What the marts publish of the load (rows in core once the models ran),
-- what its source's contract left out, and the fingerprint of the
-- reference data its rows resolved against (see Requirement); added to a
-- log created before them.
ALTER TABLE landing.ingest_files
  ADD COLUMN IF NOT EXISTS rows_published INT64,
  ADD COLUMN IF NOT EXISTS rows_skipped INT64,
  ADD COLUMN IF NOT EXISTS skipped_why STRING,
  ADD COLUMN IF NOT EXISTS deps_sha256 STRING;
