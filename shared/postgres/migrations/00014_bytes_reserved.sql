-- Bytes of the day's budget held for queries that are running: a query's
-- dry-run estimate is reserved before it runs (only if processed plus
-- reserved plus the estimate fit the plan's bytes_per_day) and released
-- when its billed bytes are added to bytes_processed. A process that dies
-- mid-query leaves its reservation held until the day ends, which refuses
-- too much, never too little.

-- +goose Up
ALTER TABLE usage ADD COLUMN bytes_reserved bigint NOT NULL DEFAULT 0;

-- +goose Down
ALTER TABLE usage DROP COLUMN bytes_reserved;
