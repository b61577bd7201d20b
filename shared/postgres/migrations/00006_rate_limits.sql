-- Rate limits per plan: each budget per org and, smaller, per user of the
-- org, so that one user cannot spend the whole org's.

-- +goose Up
ALTER TABLE plans
  ADD COLUMN user_queries_per_minute       integer NOT NULL DEFAULT 20 CHECK (user_queries_per_minute > 0),
  ADD COLUMN report_orders_per_minute      integer NOT NULL DEFAULT 5  CHECK (report_orders_per_minute > 0),
  ADD COLUMN user_report_orders_per_minute integer NOT NULL DEFAULT 3  CHECK (user_report_orders_per_minute > 0),
  ADD COLUMN uploads_per_minute            integer NOT NULL DEFAULT 5  CHECK (uploads_per_minute > 0),
  ADD COLUMN user_uploads_per_minute       integer NOT NULL DEFAULT 3  CHECK (user_uploads_per_minute > 0);

UPDATE plans SET user_queries_per_minute = 60,  report_orders_per_minute = 10, user_report_orders_per_minute = 5,
  uploads_per_minute = 10, user_uploads_per_minute = 5 WHERE id = 'standard';
UPDATE plans SET user_queries_per_minute = 200, report_orders_per_minute = 30, user_report_orders_per_minute = 10,
  uploads_per_minute = 30, user_uploads_per_minute = 10 WHERE id = 'enterprise';

-- +goose Down
ALTER TABLE plans
  DROP COLUMN user_queries_per_minute, DROP COLUMN report_orders_per_minute, DROP COLUMN user_report_orders_per_minute,
  DROP COLUMN uploads_per_minute, DROP COLUMN user_uploads_per_minute;
