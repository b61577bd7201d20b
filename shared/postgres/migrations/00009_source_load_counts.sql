-- What each load read, and what its source's contract left unpublished
-- (counted, with what it was), beside what it landed.

-- +goose Up
ALTER TABLE source_loads ADD COLUMN rows_read bigint;
ALTER TABLE source_loads ADD COLUMN rows_skipped bigint;
ALTER TABLE source_loads ADD COLUMN skipped_why text;

-- +goose Down
ALTER TABLE source_loads DROP COLUMN skipped_why;
ALTER TABLE source_loads DROP COLUMN rows_skipped;
ALTER TABLE source_loads DROP COLUMN rows_read;
