-- Invites: membership is offered to an e-mail address and taken by whoever
-- signs in with that address verified, never attached to an account that
-- merely claims it.
--
-- The accepting token is random (32 bytes) and only its SHA-256 is kept. An
-- invite is a tenant row like any other (forced RLS, the tenant_isolation
-- policy): admins list, create and revoke their org's invites in tenant
-- transactions. Acceptance happens before the caller is a member of
-- anything, so it goes through accept_invite(), a SECURITY DEFINER function
-- owned by the migration owner: it finds the invite by its token's hash
-- (the only invite the owner may see there, by the invite_by_token policy),
-- checks it, marks it accepted and inserts the membership in one statement.
-- The app role reads no invite outside its tenant and calls nothing else.

-- +goose Up
CREATE TABLE invites (
  id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  org_id      uuid NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
  email       text NOT NULL CHECK (email = lower(email) AND length(email) BETWEEN 3 AND 254),
  role        text NOT NULL CHECK (role IN ('owner', 'admin', 'analyst', 'viewer')),
  token_hash  bytea NOT NULL UNIQUE CHECK (octet_length(token_hash) = 32),
  created_by  uuid REFERENCES users (id) ON DELETE SET NULL,
  created_at  timestamptz NOT NULL DEFAULT now(),
  expires_at  timestamptz NOT NULL,
  accepted_at timestamptz,
  accepted_by uuid REFERENCES users (id) ON DELETE SET NULL,
  revoked_at  timestamptz,
  CHECK (expires_at > created_at),
  CHECK (accepted_at IS NULL OR revoked_at IS NULL),
  UNIQUE (org_id, id)
);
CREATE INDEX invites_org_created ON invites (org_id, created_at DESC, id DESC);
-- One live link per address and org: issuing a new invite revokes the old.
CREATE UNIQUE INDEX invites_one_pending ON invites (org_id, email)
  WHERE accepted_at IS NULL AND revoked_at IS NULL;

ALTER TABLE invites ENABLE ROW LEVEL SECURITY;
ALTER TABLE invites FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON invites USING (org_id = app_org_id()) WITH CHECK (org_id = app_org_id());

-- The token hash accept_invite() is looking for, hex-encoded; unset means none.
CREATE FUNCTION app_invite_token_hash() RETURNS bytea
  LANGUAGE sql STABLE PARALLEL SAFE
  AS $$ SELECT decode(nullif(current_setting('app.invite_token_hash', true), ''), 'hex') $$;

-- The owner (who runs accept_invite) sees the one invite whose token hash
-- the transaction names, in any org, and no other outside a tenant.
CREATE POLICY invite_by_token ON invites TO CURRENT_USER
  USING (token_hash = app_invite_token_hash())
  WITH CHECK (token_hash = app_invite_token_hash());

-- Two dataset-mode orgs sharing a warehouse dataset would read each other's
-- data: a dataset belongs to one org.
CREATE UNIQUE INDEX orgs_warehouse_dataset ON orgs (warehouse_dataset);

-- accept_invite takes the SHA-256 of an invite token and the caller as the
-- API verified them (the user row's id, the token's e-mail and its
-- email_verified claim). outcome is one of accepted, not_found, revoked,
-- used, expired, email_mismatch, unverified, already_member; invite_org is
-- set whenever the token named an invite (for that org's audit log), and
-- nothing changes unless the outcome is accepted. It gives app.org_id and
-- app.invite_token_hash back the values they had when it returns, so the
-- caller's transaction keeps no tenant of the invite's (an error aborts the
-- transaction, settings included).
-- +goose StatementBegin
CREATE FUNCTION accept_invite(
  p_token_hash bytea, p_user_id uuid, p_email text, p_email_verified boolean,
  OUT outcome text, OUT invite_org uuid, OUT invite_role text, OUT invite_id uuid)
  LANGUAGE plpgsql VOLATILE SECURITY DEFINER
  SET search_path = pg_catalog, public, pg_temp
AS $$
DECLARE
  inv invites%ROWTYPE;
  prev_org text := coalesce(current_setting('app.org_id', true), '');
  prev_hash text := coalesce(current_setting('app.invite_token_hash', true), '');
BEGIN
  outcome := 'not_found';
  IF p_token_hash IS NOT NULL AND octet_length(p_token_hash) = 32 AND p_user_id IS NOT NULL THEN
    PERFORM set_config('app.invite_token_hash', encode(p_token_hash, 'hex'), true);
    SELECT * INTO inv FROM invites i WHERE i.token_hash = p_token_hash FOR UPDATE;
    IF FOUND THEN
      invite_org := inv.org_id;
      invite_role := inv.role;
      invite_id := inv.id;
      IF inv.revoked_at IS NOT NULL THEN
        outcome := 'revoked';
      ELSIF inv.accepted_at IS NOT NULL THEN
        outcome := 'used';
      ELSIF inv.expires_at <= now() THEN
        outcome := 'expired';
      ELSIF lower(coalesce(p_email, '')) <> inv.email
         OR NOT EXISTS (SELECT FROM users u WHERE u.id = p_user_id AND u.email = inv.email) THEN
        outcome := 'email_mismatch';
      ELSIF NOT coalesce(p_email_verified, false) THEN
        outcome := 'unverified';
      ELSE
        PERFORM set_config('app.org_id', inv.org_id::text, true);
        INSERT INTO memberships (org_id, user_id, role) VALUES (inv.org_id, p_user_id, inv.role)
          ON CONFLICT (org_id, user_id) DO NOTHING;
        IF FOUND THEN
          UPDATE invites SET accepted_at = now(), accepted_by = p_user_id WHERE id = inv.id;
          outcome := 'accepted';
        ELSE
          outcome := 'already_member';
        END IF;
      END IF;
    END IF;
  END IF;
  PERFORM set_config('app.org_id', prev_org, true);
  PERFORM set_config('app.invite_token_hash', prev_hash, true);
END
$$;
-- +goose StatementEnd

REVOKE ALL ON FUNCTION accept_invite(bytea, uuid, text, boolean) FROM PUBLIC;
REVOKE ALL ON FUNCTION app_invite_token_hash() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION accept_invite(bytea, uuid, text, boolean) TO mirante_app;
GRANT SELECT, INSERT, UPDATE ON invites TO mirante_app;

-- +goose Down
DROP FUNCTION accept_invite(bytea, uuid, text, boolean);
DROP INDEX orgs_warehouse_dataset;
DROP TABLE invites;
DROP FUNCTION app_invite_token_hash();
