-- Reports and schedules: the scheduler's one cross-tenant read, and the
-- worker's lease on a running report.
--
-- The scheduler must find due schedules in every org, but schedules is a
-- FORCE'd tenant table. due_schedules() runs as the owner (SECURITY DEFINER),
-- walks the orgs the owner's provisioning policy shows, and returns only ids
-- and times: what a schedule orders is read later, in its own org's
-- transaction, by the dispatch function.

-- +goose Up
-- +goose StatementBegin
CREATE FUNCTION due_schedules(at timestamptz, per_org integer)
RETURNS TABLE (org_id uuid, schedule_id uuid, run_at timestamptz)
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp
AS $$
DECLARE
  o    uuid;
  prev text := current_setting('app.org_id', true);
BEGIN
  FOR o IN SELECT id FROM orgs ORDER BY id LOOP
    PERFORM set_config('app.org_id', o::text, true);
    RETURN QUERY
      SELECT s.org_id, s.id, s.next_run_at FROM schedules s
      WHERE s.enabled AND s.next_run_at IS NOT NULL AND s.next_run_at <= at
      ORDER BY s.next_run_at
      LIMIT per_org;
  END LOOP;
  PERFORM set_config('app.org_id', coalesce(prev, ''), true);
END
$$;
-- +goose StatementEnd
REVOKE ALL ON FUNCTION due_schedules(timestamptz, integer) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION due_schedules(timestamptz, integer) TO mirante_app;

-- A running report belongs to its worker until lease_until; after that a
-- redelivered request may take it over (the worker was killed mid-render).
ALTER TABLE reports ADD COLUMN lease_until timestamptz;
ALTER TABLE reports ADD COLUMN file_sha256 text;
ALTER TABLE reports ADD COLUMN file_bytes bigint;
CREATE INDEX schedules_due ON schedules (org_id, next_run_at) WHERE enabled;

-- +goose Down
DROP INDEX schedules_due;
ALTER TABLE reports DROP COLUMN file_bytes;
ALTER TABLE reports DROP COLUMN file_sha256;
ALTER TABLE reports DROP COLUMN lease_until;
DROP FUNCTION due_schedules(timestamptz, integer);
