# Development environment. Fill in the values marked FILL IN before the first apply
# (infra/DEPLOY.md). The region is not set here on purpose: it is main.tf's default,
# southamerica-east1, for every environment.

project_id      = "mirante-dev" # FILL IN: the dev project's id
environment     = "dev"
billing_account = "000000-000000-000000"     # FILL IN: gcloud billing accounts list
hosting_site_id = "mirante-dev"              # FILL IN: globally unique (<id>.web.app)
alert_emails    = ["oncall-dev@example.com"] # FILL IN

monthly_budget_brl          = 1500
bigquery_daily_bytes_budget = 107374182400 # 100 GiB

# Dataset-mode tenants (orgs.isolation = 'dataset'): one dataset each.
tenant_datasets = ["tenant_banco_regional"]

# Small and cheap; nothing here is protected against destroy.
deletion_protection  = false
db_tier              = "db-g1-small"
db_availability_type = "ZONAL"
redis_tier           = "BASIC"
redis_memory_gb      = 1
api_min_instances    = 0

# Set once the Cloud Build GitHub connection exists (DEPLOY.md step 6); empty = no trigger.
build_repository = ""
build_branch     = "^main$"
