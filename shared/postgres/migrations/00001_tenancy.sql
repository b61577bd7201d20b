-- The tenancy foundation: orgs, users, memberships, and every tenant table with
-- row-level security enabled and FORCED, so that even the owner obeys it.
--
-- Every policy reads the tenant from the transaction-local setting app.org_id.
-- nullif(..., '') matters: after a transaction that set the value locally ends,
-- PostgreSQL leaves the setting as '' on that pooled connection, and ''::uuid
-- would raise instead of matching nothing. Unset means no rows, never all rows.

-- +goose Up
-- +goose StatementBegin
DO $$
BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'mirante_app') THEN
    RAISE EXCEPTION 'role mirante_app does not exist: create it (LOGIN NOSUPERUSER NOBYPASSRLS) before migrating';
  END IF;
END
$$;
-- +goose StatementEnd

-- Only the owner creates objects (already PostgreSQL 15's default; explicit for older servers).
REVOKE CREATE ON SCHEMA public FROM PUBLIC;

CREATE FUNCTION app_org_id() RETURNS uuid
  LANGUAGE sql STABLE PARALLEL SAFE
  AS $$ SELECT nullif(current_setting('app.org_id', true), '')::uuid $$;

CREATE FUNCTION app_user_id() RETURNS uuid
  LANGUAGE sql STABLE PARALLEL SAFE
  AS $$ SELECT nullif(current_setting('app.user_id', true), '')::uuid $$;

CREATE FUNCTION app_firebase_uid() RETURNS text
  LANGUAGE sql STABLE PARALLEL SAFE
  AS $$ SELECT nullif(current_setting('app.firebase_uid', true), '') $$;

-- Plans carry the limits that rate limits, quotas and byte budgets read.
CREATE TABLE plans (
  id                  text PRIMARY KEY,
  name                text NOT NULL,
  queries_per_minute  integer NOT NULL CHECK (queries_per_minute > 0),
  reports_per_day     integer NOT NULL CHECK (reports_per_day >= 0),
  uploads_per_day     integer NOT NULL CHECK (uploads_per_day >= 0),
  bytes_per_day       bigint  NOT NULL CHECK (bytes_per_day >= 0),
  max_bytes_per_query bigint  NOT NULL CHECK (max_bytes_per_query > 0)
);

INSERT INTO plans VALUES
  ('free',       'Free',        30,   5,   5,     10737418240,  1073741824),
  ('standard',   'Standard',   120,  50,  50,    107374182400, 10737418240),
  ('enterprise', 'Enterprise', 600, 500, 500,   1099511627776, 107374182400);

CREATE TABLE orgs (
  id                uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  slug              text NOT NULL UNIQUE
                    CHECK (slug ~ '^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$')
                    -- a slug that looked like a uuid would make {org} ambiguous
                    CHECK (slug !~ '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$'),
  name              text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  plan              text NOT NULL DEFAULT 'standard' REFERENCES plans (id),
  isolation         text NOT NULL DEFAULT 'row' CHECK (isolation IN ('row', 'dataset')),
  warehouse_dataset text CHECK (warehouse_dataset ~ '^[a-z][a-z0-9_]{0,127}$'),
  created_at        timestamptz NOT NULL DEFAULT now(),
  CHECK ((isolation = 'dataset') = (warehouse_dataset IS NOT NULL))
);

CREATE TABLE users (
  id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  firebase_uid text NOT NULL UNIQUE CHECK (length(firebase_uid) BETWEEN 1 AND 128),
  email        text NOT NULL CHECK (email = lower(email)),
  locale       text NOT NULL DEFAULT 'pt-BR' CHECK (locale IN ('pt-BR', 'en')),
  created_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX users_email ON users (email);

CREATE TABLE memberships (
  org_id     uuid NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
  user_id    uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  role       text NOT NULL CHECK (role IN ('owner', 'admin', 'analyst', 'viewer')),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (org_id, user_id)
);
CREATE INDEX memberships_user ON memberships (user_id);

CREATE TABLE entitlements (
  org_id     uuid NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
  dataset    text NOT NULL CHECK (dataset ~ '^[a-z][a-z0-9_]{0,62}$'),
  granted_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (org_id, dataset)
);

CREATE TABLE views (
  id         uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  org_id     uuid NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
  owner_id   uuid NOT NULL REFERENCES users (id),
  name       text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  config     jsonb NOT NULL,
  visibility text NOT NULL DEFAULT 'private' CHECK (visibility IN ('private', 'org')),
  version    integer NOT NULL DEFAULT 1,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (org_id, name),
  -- lets other tables reference a view only within the same org
  UNIQUE (org_id, id)
);

CREATE TABLE audit_log (
  id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  org_id     uuid NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
  user_id    uuid REFERENCES users (id) ON DELETE SET NULL,
  action     text NOT NULL,
  resource   text NOT NULL,
  summary    jsonb CHECK (summary IS NULL OR octet_length(summary::text) <= 2048),
  status     integer NOT NULL,
  trace_id   text,
  at         timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX audit_log_org_at ON audit_log (org_id, at DESC, id DESC);

CREATE TABLE schedules (
  id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  org_id      uuid NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
  created_by  uuid REFERENCES users (id) ON DELETE SET NULL,
  name        text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  cron        text NOT NULL,
  timezone    text NOT NULL DEFAULT 'America/Sao_Paulo',
  template    text NOT NULL,
  format      text NOT NULL CHECK (format IN ('pdf', 'docx', 'html')),
  view_id     uuid,
  spec        jsonb,
  params      jsonb NOT NULL DEFAULT '{}',
  recipients  text[] NOT NULL DEFAULT '{}',
  enabled     boolean NOT NULL DEFAULT true,
  last_run_at timestamptz,
  next_run_at timestamptz,
  created_at  timestamptz NOT NULL DEFAULT now(),
  updated_at  timestamptz NOT NULL DEFAULT now(),
  UNIQUE (org_id, name),
  UNIQUE (org_id, id),
  FOREIGN KEY (org_id, view_id) REFERENCES views (org_id, id) ON DELETE SET NULL (view_id)
);

CREATE TABLE reports (
  id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  org_id          uuid NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
  requested_by    uuid REFERENCES users (id) ON DELETE SET NULL,
  schedule_id     uuid,
  template        text NOT NULL,
  format          text NOT NULL CHECK (format IN ('pdf', 'docx', 'html')),
  view_id         uuid,
  spec            jsonb,
  params          jsonb NOT NULL DEFAULT '{}',
  status          text NOT NULL DEFAULT 'queued'
                  CHECK (status IN ('queued', 'running', 'succeeded', 'failed')),
  idempotency_key text NOT NULL,
  attempts        integer NOT NULL DEFAULT 0,
  error           text,
  object_name     text,
  manifest        jsonb,
  created_at      timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now(),
  started_at      timestamptz,
  finished_at     timestamptz,
  UNIQUE (org_id, idempotency_key),
  UNIQUE (org_id, id),
  FOREIGN KEY (org_id, view_id) REFERENCES views (org_id, id) ON DELETE SET NULL (view_id),
  FOREIGN KEY (org_id, schedule_id) REFERENCES schedules (org_id, id) ON DELETE SET NULL (schedule_id)
);
CREATE INDEX reports_org_created ON reports (org_id, created_at DESC, id DESC);

CREATE TABLE usage (
  org_id          uuid NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
  day             date NOT NULL,
  queries         integer NOT NULL DEFAULT 0,
  bytes_processed bigint  NOT NULL DEFAULT 0,
  reports         integer NOT NULL DEFAULT 0,
  uploads         integer NOT NULL DEFAULT 0,
  PRIMARY KEY (org_id, day)
);

-- The source catalog describes public data: global, not tenant data.
CREATE TABLE source_catalog (
  id              text PRIMARY KEY,
  title           text NOT NULL,
  owner           text NOT NULL,
  frequency       text NOT NULL CHECK (frequency IN ('daily', 'weekly', 'monthly', 'quarterly', 'annual', 'irregular')),
  sla             interval NOT NULL,
  url             text,
  last_updated_at timestamptz,
  checksum        text,
  watermark       text,
  schema_version  integer NOT NULL DEFAULT 1,
  status          text NOT NULL DEFAULT 'empty' CHECK (status IN ('empty', 'ok', 'stale', 'failed'))
);

INSERT INTO source_catalog (id, title, owner, frequency, sla, url) VALUES
  ('ibge_territorio', 'IBGE — Divisão Territorial Brasileira', 'IBGE', 'annual', '400 days',
   'https://www.ibge.gov.br/geociencias/organizacao-do-territorio/estrutura-territorial/23701-divisao-territorial-brasileira.html'),
  ('ipca', 'IPCA — Índice Nacional de Preços ao Consumidor Amplo', 'IBGE', 'monthly', '45 days',
   'https://sidra.ibge.gov.br/tabela/1737'),
  ('comex', 'Comex Stat — exportações e importações', 'MDIC/SECEX', 'monthly', '45 days',
   'https://balanca.economia.gov.br/balanca/bd/comexstat-bd/ncm/'),
  ('antaq', 'ANTAQ — Estatístico Aquaviário', 'ANTAQ', 'monthly', '75 days',
   'https://web3.antaq.gov.br/ea/sense/download.html'),
  ('caged', 'Novo CAGED — movimentações', 'MTE', 'monthly', '60 days',
   'ftp://ftp.mtps.gov.br/pdet/microdados/NOVO%20CAGED/'),
  ('pib_municipal', 'PIB dos Municípios', 'IBGE', 'annual', '760 days',
   'https://sidra.ibge.gov.br/tabela/5938'),
  ('siconfi', 'Siconfi — FINBRA', 'Tesouro Nacional', 'annual', '200 days',
   'https://siconfi.tesouro.gov.br/siconfi/pages/public/consulta_finbra/finbra_list.jsf');

-- Row-level security. Tenant tables: one policy, org_id against app.org_id.
ALTER TABLE memberships  ENABLE ROW LEVEL SECURITY;
ALTER TABLE memberships  FORCE ROW LEVEL SECURITY;
ALTER TABLE entitlements ENABLE ROW LEVEL SECURITY;
ALTER TABLE entitlements FORCE ROW LEVEL SECURITY;
ALTER TABLE views        ENABLE ROW LEVEL SECURITY;
ALTER TABLE views        FORCE ROW LEVEL SECURITY;
ALTER TABLE audit_log    ENABLE ROW LEVEL SECURITY;
ALTER TABLE audit_log    FORCE ROW LEVEL SECURITY;
ALTER TABLE schedules    ENABLE ROW LEVEL SECURITY;
ALTER TABLE schedules    FORCE ROW LEVEL SECURITY;
ALTER TABLE reports      ENABLE ROW LEVEL SECURITY;
ALTER TABLE reports      FORCE ROW LEVEL SECURITY;
ALTER TABLE usage        ENABLE ROW LEVEL SECURITY;
ALTER TABLE usage        FORCE ROW LEVEL SECURITY;

CREATE POLICY tenant_isolation ON memberships  USING (org_id = app_org_id()) WITH CHECK (org_id = app_org_id());
CREATE POLICY tenant_isolation ON entitlements USING (org_id = app_org_id()) WITH CHECK (org_id = app_org_id());
CREATE POLICY tenant_isolation ON views        USING (org_id = app_org_id()) WITH CHECK (org_id = app_org_id());
CREATE POLICY tenant_isolation ON audit_log    USING (org_id = app_org_id()) WITH CHECK (org_id = app_org_id());
CREATE POLICY tenant_isolation ON schedules    USING (org_id = app_org_id()) WITH CHECK (org_id = app_org_id());
CREATE POLICY tenant_isolation ON reports      USING (org_id = app_org_id()) WITH CHECK (org_id = app_org_id());
CREATE POLICY tenant_isolation ON usage        USING (org_id = app_org_id()) WITH CHECK (org_id = app_org_id());

-- A signed-in user may read their own memberships in every org (for /v1/me and
-- the org switcher) when a transaction sets app.user_id, and only then. Tenant
-- transactions never set app.user_id, so inside one org nothing else shows.
CREATE POLICY own_memberships ON memberships FOR SELECT USING (user_id = app_user_id());

-- Orgs: visible as the current tenant or to their members; written only with
-- app.org_id naming the row (provisioning runs as the owner and sets it).
ALTER TABLE orgs ENABLE ROW LEVEL SECURITY;
ALTER TABLE orgs FORCE ROW LEVEL SECURITY;
CREATE POLICY org_self ON orgs USING (id = app_org_id()) WITH CHECK (id = app_org_id());
CREATE POLICY org_member ON orgs FOR SELECT
  USING (id IN (SELECT m.org_id FROM memberships m WHERE m.user_id = app_user_id()));

-- Users: a user sees and writes their own row (by Firebase uid or id); inside a
-- tenant transaction the members of that org are visible, nobody else.
ALTER TABLE users ENABLE ROW LEVEL SECURITY;
ALTER TABLE users FORCE ROW LEVEL SECURITY;
CREATE POLICY user_self ON users
  USING (firebase_uid = app_firebase_uid() OR id = app_user_id())
  WITH CHECK (firebase_uid = app_firebase_uid() OR id = app_user_id());
CREATE POLICY user_org_member ON users FOR SELECT
  USING (id IN (SELECT m.user_id FROM memberships m WHERE m.org_id = app_org_id()));

-- Provisioning (creating orgs, seeding users) runs as the owner, the role that
-- runs these migrations (CURRENT_USER here), which sees the two directory
-- tables whole. Tenant tables stay FORCE'd for it: it must name the org.
CREATE POLICY provisioning ON orgs  TO CURRENT_USER USING (true) WITH CHECK (true);
CREATE POLICY provisioning ON users TO CURRENT_USER USING (true) WITH CHECK (true);

-- The app role: data rights only, no ownership, no DDL. audit_log is append-only.
GRANT SELECT ON plans, source_catalog, orgs TO mirante_app;
GRANT SELECT, INSERT, UPDATE ON users TO mirante_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON memberships, entitlements, views, schedules, reports TO mirante_app;
GRANT SELECT, INSERT, UPDATE ON usage TO mirante_app;
GRANT SELECT, INSERT ON audit_log TO mirante_app;
GRANT EXECUTE ON FUNCTION app_org_id(), app_user_id(), app_firebase_uid() TO mirante_app;

-- +goose Down
REVOKE ALL ON ALL TABLES IN SCHEMA public FROM mirante_app;
DROP TABLE usage, reports, schedules, audit_log, views, entitlements, memberships, users, orgs, plans, source_catalog;
DROP FUNCTION app_org_id(), app_user_id(), app_firebase_uid();
