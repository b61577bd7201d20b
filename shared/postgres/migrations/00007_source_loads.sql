-- Every notification the ingest function handled for an official source
-- file, by object and generation: what became of it. make ingest waits on
-- its object's row; operators read why a file did not load. Global, not
-- tenant data (official sources only; uploads keep their own status).

-- +goose Up
CREATE TABLE source_loads (
  object      text        NOT NULL CHECK (object LIKE 'sources/%'),
  generation  bigint      NOT NULL,
  source_id   text        NOT NULL REFERENCES source_catalog (id),
  outcome     text        NOT NULL CHECK (outcome IN ('loaded', 'unchanged', 'refused', 'failed')),
  rows_loaded bigint,
  watermark   text,
  error       text,
  attempts    integer     NOT NULL DEFAULT 1,
  at          timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (object, generation)
);
GRANT SELECT, INSERT, UPDATE ON source_loads TO mirante_app;

-- +goose Down
DROP TABLE source_loads;
