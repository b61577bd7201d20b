-- The app role appends to audit_log through append_audit only.
--
-- append_audit (00016) locks each batch's org and users as audit_log's
-- foreign keys did; a row the app role inserted directly would skip those
-- locks and could name an org or a user deleted at the same moment. 00016
-- left the role its INSERT grant for the revisions that were still serving
-- while it deployed (migrations expand first, see cloudbuild.yaml); every
-- revision since appends through the function, so the grant goes. Rolling
-- back to a revision built before 00016 needs this migration's Down first.

-- +goose Up
REVOKE INSERT ON audit_log FROM mirante_app;

-- +goose Down
GRANT INSERT ON audit_log TO mirante_app;
