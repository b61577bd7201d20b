-- Watermarks: up to when each dataset's data is complete. Public marts keep
-- theirs in source_catalog (one per source); each org's own data keeps its
-- own in tenant_data, a tenant table like the others. synthetic marks data
-- generated for the demo stack, which the API says it is.

-- +goose Up
ALTER TABLE source_catalog ADD COLUMN synthetic boolean NOT NULL DEFAULT false;

CREATE TABLE tenant_data (
  org_id     uuid NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
  dataset    text NOT NULL CHECK (dataset ~ '^[a-z][a-z0-9_]{0,62}$'),
  watermark  text,
  row_count  bigint NOT NULL DEFAULT 0,
  synthetic  boolean NOT NULL DEFAULT false,
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (org_id, dataset)
);
ALTER TABLE tenant_data ENABLE ROW LEVEL SECURITY;
ALTER TABLE tenant_data FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON tenant_data USING (org_id = app_org_id()) WITH CHECK (org_id = app_org_id());
GRANT SELECT, INSERT, UPDATE ON tenant_data TO mirante_app;

-- +goose Down
DROP TABLE tenant_data;
ALTER TABLE source_catalog DROP COLUMN synthetic;
