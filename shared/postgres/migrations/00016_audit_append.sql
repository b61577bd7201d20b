-- The audit log checks its org and users once per batch, not once per row.
--
-- Every request writes an audit entry, cached reads included, and the two
-- foreign keys of audit_log ran a referential check, a locked lookup of the
-- org and of the user, for each of them. Entries are appended in batches of
-- one org, by a handful of users, so append_audit does the same checks once
-- per batch: it locks the org's row and the rows of the batch's users
-- (FOR KEY SHARE, as those checks did), so neither can be deleted before the
-- batch commits, refuses a batch whose org does not exist (foreign_key_violation,
-- as the key did), and stores an entry whose user no longer exists without
-- one, as ON DELETE SET NULL would have made it. The app appends only
-- through append_audit; the app role keeps its INSERT grant for the
-- revisions still serving while this one deploys (migrations expand first,
-- see cloudbuild.yaml), and a later release revokes it. The deletes the
-- keys cascaded are triggers now:
-- deleting an org deletes its entries, deleting a user clears it from
-- theirs. audit_log stays FORCE'd for its owner too, so append_audit, which
-- runs as the owner, writes only into the org the transaction names, and
-- the triggers name each org they change.

-- +goose Up
ALTER TABLE audit_log DROP CONSTRAINT audit_log_org_id_fkey, DROP CONSTRAINT audit_log_user_id_fkey;

-- +goose StatementBegin
CREATE FUNCTION append_audit(p_org uuid, p_users text[], p_actions text[], p_resources text[],
    p_summaries text[], p_statuses integer[], p_traces text[], p_ats timestamptz[])
  RETURNS void
  LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp
AS $$
DECLARE
  known uuid[];
BEGIN
  PERFORM FROM orgs WHERE id = p_org FOR KEY SHARE;
  IF NOT FOUND THEN
    RAISE foreign_key_violation USING
      MESSAGE = format('audit entries for org %s, which does not exist', p_org),
      CONSTRAINT = 'audit_log_org';
  END IF;
  SELECT coalesce(array_agg(k.id), '{}') INTO known
  FROM (SELECT id FROM users
        WHERE id IN (SELECT DISTINCT nullif(u, '')::uuid FROM unnest(p_users) AS u)
        FOR KEY SHARE) AS k;
  INSERT INTO audit_log (org_id, user_id, action, resource, summary, status, trace_id, at)
  SELECT p_org, CASE WHEN nullif(u, '')::uuid = ANY (known) THEN u::uuid END,
         act, res, s::jsonb, st, nullif(tr, ''), at
  FROM unnest(p_users, p_actions, p_resources, p_summaries, p_statuses, p_traces, p_ats)
    AS x(u, act, res, s, st, tr, at);
END
$$;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE FUNCTION audit_log_forget_org() RETURNS trigger
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp
AS $$
DECLARE
  prev text := current_setting('app.org_id', true);
BEGIN
  PERFORM set_config('app.org_id', OLD.id::text, true);
  DELETE FROM audit_log WHERE org_id = OLD.id;
  PERFORM set_config('app.org_id', coalesce(prev, ''), true);
  RETURN OLD;
END
$$;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE FUNCTION audit_log_forget_user() RETURNS trigger
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp
AS $$
DECLARE
  prev text := current_setting('app.org_id', true);
  org uuid;
BEGIN
  FOR org IN SELECT id FROM orgs LOOP
    PERFORM set_config('app.org_id', org::text, true);
    UPDATE audit_log SET user_id = NULL WHERE org_id = org AND user_id = OLD.id;
  END LOOP;
  PERFORM set_config('app.org_id', coalesce(prev, ''), true);
  RETURN OLD;
END
$$;
-- +goose StatementEnd

CREATE TRIGGER audit_log_forget_org AFTER DELETE ON orgs FOR EACH ROW EXECUTE FUNCTION audit_log_forget_org();
CREATE TRIGGER audit_log_forget_user AFTER DELETE ON users FOR EACH ROW EXECUTE FUNCTION audit_log_forget_user();

REVOKE ALL ON FUNCTION append_audit(uuid, text[], text[], text[], text[], integer[], text[], timestamptz[]) FROM PUBLIC;
REVOKE ALL ON FUNCTION audit_log_forget_org(), audit_log_forget_user() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION append_audit(uuid, text[], text[], text[], text[], integer[], text[], timestamptz[]) TO mirante_app;

-- +goose Down
DROP TRIGGER audit_log_forget_user ON users;
DROP TRIGGER audit_log_forget_org ON orgs;
DROP FUNCTION audit_log_forget_user();
DROP FUNCTION audit_log_forget_org();
DROP FUNCTION append_audit(uuid, text[], text[], text[], text[], integer[], text[], timestamptz[]);
ALTER TABLE audit_log
  ADD CONSTRAINT audit_log_org_id_fkey FOREIGN KEY (org_id) REFERENCES orgs (id) ON DELETE CASCADE,
  ADD CONSTRAINT audit_log_user_id_fkey FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE SET NULL;
