-- Tenant uploads: each org's own data files. The raw file is kept in the raw
-- bucket under the org's prefix; this row says whose it is, what it held and
-- whether it reached the tenant mart. The same file twice is the same upload.

-- +goose Up
CREATE TABLE uploads (
  id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  org_id       uuid NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
  uploaded_by  uuid REFERENCES users (id) ON DELETE SET NULL,
  file_name    text NOT NULL CHECK (length(file_name) BETWEEN 1 AND 200),
  sha256       text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
  bytes        bigint NOT NULL,
  row_count    bigint NOT NULL,
  metrics      text[] NOT NULL,
  period_from  text,
  period_to    text,
  object_name  text NOT NULL,
  status       text NOT NULL DEFAULT 'received' CHECK (status IN ('received', 'loaded', 'failed')),
  error        text,
  created_at   timestamptz NOT NULL DEFAULT now(),
  loaded_at    timestamptz,
  UNIQUE (org_id, sha256),
  UNIQUE (org_id, id)
);
CREATE INDEX uploads_org_created ON uploads (org_id, created_at DESC, id DESC);
ALTER TABLE uploads ENABLE ROW LEVEL SECURITY;
ALTER TABLE uploads FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON uploads USING (org_id = app_org_id()) WITH CHECK (org_id = app_org_id());
GRANT SELECT, INSERT, UPDATE ON uploads TO mirante_app;

-- +goose Down
DROP TABLE uploads;
