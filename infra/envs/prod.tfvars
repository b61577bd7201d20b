# Production. Fill in the values marked FILL IN before the first apply (infra/DEPLOY.md).
# The region is not set here on purpose: it is main.tf's default, southamerica-east1.

project_id      = "mirante-prod" # FILL IN: the prod project's id
environment     = "prod"
billing_account = "000000-000000-000000" # FILL IN: gcloud billing accounts list
hosting_site_id = "mirante-app"          # FILL IN: globally unique (<id>.web.app)
alert_emails    = ["oncall@example.com"] # FILL IN

monthly_budget_brl          = 8000
bigquery_daily_bytes_budget = 1099511627776 # 1 TiB

tenant_datasets = ["tenant_banco_regional"]

# Protected, highly available, warm.
deletion_protection  = true
db_tier              = "db-custom-2-7680"
db_availability_type = "REGIONAL"
redis_tier           = "STANDARD_HA"
redis_memory_gb      = 2
api_min_instances    = 1

# Set once the Cloud Build GitHub connection exists (DEPLOY.md step 6); empty = no trigger.
build_repository = ""
build_branch     = "^main$"
