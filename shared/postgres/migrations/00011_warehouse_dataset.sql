-- A dataset-mode org's warehouse dataset is named in the SQL that reads and
-- loads its data, so its name is a boundary: it carries the tenant_ prefix
-- (no org can name marts, landing or core, where every row-mode tenant's
-- rows live) and belongs to one org. infra/modules/bigquery validates
-- tenant_datasets with the same pattern, and tenant.ValidDataset checks it
-- before any insert.
--
-- Existing orgs must already comply: the migration names any that does not
-- and changes nothing, since renaming means moving a BigQuery dataset.

-- +goose Up
-- +goose StatementBegin
DO $$
DECLARE
  bad text;
BEGIN
  SELECT string_agg(format('%s (%s)', slug, warehouse_dataset), ', ' ORDER BY slug) INTO bad
  FROM orgs WHERE warehouse_dataset !~ '^tenant_[a-z0-9_]{1,120}$';
  IF bad IS NOT NULL THEN
    RAISE EXCEPTION 'orgs.warehouse_dataset must be tenant_ then 1 to 120 of a-z, 0-9 and _; these orgs are not: %', bad
      USING HINT = 'copy each dataset in BigQuery to a tenant_ name, list it in tenant_datasets (infra/envs), update the org''s warehouse_dataset, then migrate again';
  END IF;
END
$$;
-- +goose StatementEnd
ALTER TABLE orgs DROP CONSTRAINT orgs_warehouse_dataset_check;
ALTER TABLE orgs ADD CONSTRAINT orgs_warehouse_dataset_prefix CHECK (warehouse_dataset ~ '^tenant_[a-z0-9_]{1,120}$');
ALTER TABLE orgs ADD CONSTRAINT orgs_warehouse_dataset UNIQUE USING INDEX orgs_warehouse_dataset;

-- +goose Down
ALTER TABLE orgs DROP CONSTRAINT orgs_warehouse_dataset;
CREATE UNIQUE INDEX orgs_warehouse_dataset ON orgs (warehouse_dataset);
ALTER TABLE orgs DROP CONSTRAINT orgs_warehouse_dataset_prefix;
ALTER TABLE orgs ADD CONSTRAINT orgs_warehouse_dataset_check CHECK (warehouse_dataset ~ '^[a-z][a-z0-9_]{0,127}$');
