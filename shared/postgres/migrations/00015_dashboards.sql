-- Dashboards: a named grid of saved views with shared filters and a time
-- range. A panel references its view within the same org, and goes with it:
-- deleting a view (or a dashboard) deletes its panels, so no panel ever
-- points at nothing. Both tables are tenant rows like any other (forced RLS,
-- the tenant_isolation policy).

-- +goose Up
CREATE TABLE dashboards (
  id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  org_id      uuid NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
  owner_id    uuid NOT NULL REFERENCES users (id),
  name        text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  description text NOT NULL DEFAULT '' CHECK (length(description) <= 2000),
  visibility  text NOT NULL DEFAULT 'private' CHECK (visibility IN ('private', 'org')),
  filters     jsonb NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(filters) = 'array'),
  time_range  jsonb CHECK (time_range IS NULL OR jsonb_typeof(time_range) = 'object'),
  version     integer NOT NULL DEFAULT 1,
  created_at  timestamptz NOT NULL DEFAULT now(),
  updated_at  timestamptz NOT NULL DEFAULT now(),
  UNIQUE (org_id, name),
  UNIQUE (org_id, id)
);
CREATE INDEX dashboards_org_created ON dashboards (org_id, created_at DESC, id DESC);

CREATE TABLE dashboard_panels (
  org_id       uuid NOT NULL,
  dashboard_id uuid NOT NULL,
  position     integer NOT NULL CHECK (position BETWEEN 0 AND 23),
  view_id      uuid NOT NULL,
  x            integer NOT NULL CHECK (x BETWEEN 0 AND 11),
  y            integer NOT NULL CHECK (y >= 0),
  w            integer NOT NULL CHECK (w BETWEEN 1 AND 12 AND x + w <= 12),
  h            integer NOT NULL CHECK (h BETWEEN 1 AND 12),
  title        text NOT NULL DEFAULT '' CHECK (length(title) <= 200),
  PRIMARY KEY (org_id, dashboard_id, position),
  FOREIGN KEY (org_id, dashboard_id) REFERENCES dashboards (org_id, id) ON DELETE CASCADE,
  FOREIGN KEY (org_id, view_id) REFERENCES views (org_id, id) ON DELETE CASCADE
);
-- Finding the dashboards that show a view (deleting or unsharing it).
CREATE INDEX dashboard_panels_view ON dashboard_panels (org_id, view_id);

ALTER TABLE dashboards       ENABLE ROW LEVEL SECURITY;
ALTER TABLE dashboards       FORCE ROW LEVEL SECURITY;
ALTER TABLE dashboard_panels ENABLE ROW LEVEL SECURITY;
ALTER TABLE dashboard_panels FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON dashboards       USING (org_id = app_org_id()) WITH CHECK (org_id = app_org_id());
CREATE POLICY tenant_isolation ON dashboard_panels USING (org_id = app_org_id()) WITH CHECK (org_id = app_org_id());

GRANT SELECT, INSERT, UPDATE, DELETE ON dashboards, dashboard_panels TO mirante_app;

-- +goose Down
DROP TABLE dashboard_panels, dashboards;
