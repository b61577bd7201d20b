# Mirante's infrastructure. One Google Cloud project per environment, one tfvars file per
# environment (infra/envs/dev.tfvars, infra/envs/prod.tfvars), one state prefix per environment
# in the GCS backend. The modules under infra/modules/ each own one concern; this file only wires
# them together. infra/DEPLOY.md gives the order of commands; infra/policy_test.go enforces the
# policy (region, IAM, buckets, Pub/Sub, Cloud SQL, alerts) on every .tf file here.
#
# Every variable, output and provider of the root module stays in this one file on purpose: the
# repository layout fixes main.tf at the root, and infra/ holds the modules.

terraform {
  # 1.6: the language features used here (optional object attributes, moved/import blocks).
  required_version = ">= 1.6"

  required_providers {
    # Pinned exactly (the policy test checks it): a provider upgrade is a reviewed change of
    # this file, never a side effect of `terraform init`. google and google-beta move together.
    google = {
      source  = "hashicorp/google"
      version = "= 6.50.0"
    }
    google-beta = {
      source  = "hashicorp/google-beta"
      version = "= 6.50.0"
    }
    random = {
      source  = "hashicorp/random"
      version = "= 3.7.2"
    }
  }

  # State per environment: terraform init -backend-config="bucket=<state bucket>" \
  #   -backend-config="prefix=mirante/<env>" (infra/DEPLOY.md creates the bucket first).
  backend "gcs" {}
}

# ---------------------------------------------------------------------------------------------
# Variables: infra/envs/<env>.tfvars fills them in.
# ---------------------------------------------------------------------------------------------

variable "project_id" {
  description = "Google Cloud project of this environment (one project per environment)."
  type        = string
}

variable "environment" {
  description = "Environment name; suffixes service accounts and labels every resource."
  type        = string

  validation {
    condition     = contains(["dev", "prod"], var.environment)
    error_message = "The environment must be dev or prod."
  }
}

variable "region" {
  description = "Region of every regional resource; BigQuery's location equals it (no cross-region data)."
  type        = string
  default     = "southamerica-east1"
}

variable "billing_account" {
  description = "Billing account id (XXXXXX-XXXXXX-XXXXXX) that the budget alerts watch."
  type        = string
}

variable "monthly_budget_brl" {
  description = "Monthly budget of the project in BRL; alerts at 50%, 90%, 100% and forecast 100%."
  type        = number
}

variable "alert_emails" {
  description = "E-mail addresses that receive alert and budget notifications."
  type        = list(string)
}

variable "tenant_datasets" {
  description = "BigQuery dataset names of the dataset-mode tenants (orgs.warehouse_dataset), e.g. tenant_banco_regional."
  type        = list(string)
  default     = []
}

variable "deletion_protection" {
  description = "Protects Cloud SQL, BigQuery tables and Cloud Run from terraform destroy; true in prod."
  type        = bool
}

variable "db_tier" {
  description = "Cloud SQL machine tier (edition ENTERPRISE)."
  type        = string
}

variable "db_availability_type" {
  description = "ZONAL or REGIONAL (high availability across zones of the region)."
  type        = string
}

variable "redis_tier" {
  description = "Memorystore tier: BASIC or STANDARD_HA."
  type        = string
}

variable "redis_memory_gb" {
  description = "Memorystore capacity in GiB."
  type        = number
}

variable "hosting_site_id" {
  description = "Firebase Hosting site id (globally unique; becomes <id>.web.app)."
  type        = string
}

variable "build_repository" {
  description = "Cloud Build 2nd-gen repository resource (projects/P/locations/R/connections/C/repositories/N); empty skips the trigger."
  type        = string
  default     = ""
}

variable "build_branch" {
  description = "Branch regex whose pushes deploy this environment."
  type        = string
  default     = "^main$"
}

variable "api_min_instances" {
  description = "Warm api instances (cold starts cost the first request of a burst)."
  type        = number
  default     = 0
}

variable "bigquery_daily_bytes_budget" {
  description = "Bytes billed by BigQuery per day across the project above which an alert fires."
  type        = number
}

variable "latency_slo_routes" {
  description = "p95 latency objective per api route template, in milliseconds."
  type        = map(number)
  default = {
    "/v1/me"                      = 300
    "/v1/orgs/{org}/datasets"     = 500
    "/v1/orgs/{org}/query"        = 2500
    "/v1/orgs/{org}/views"        = 400
    "/v1/orgs/{org}/reports"      = 500
    "/v1/orgs/{org}/reports/{id}" = 300
  }
}

# ---------------------------------------------------------------------------------------------
# Providers: configured here only; modules inherit them.
# ---------------------------------------------------------------------------------------------

provider "google" {
  project = var.project_id
  region  = var.region
  # Bill API quota to this project even with a person's credentials (the Billing Budgets API
  # refuses requests without a quota project).
  user_project_override = true
  billing_project       = var.project_id
  default_labels = {
    app = "mirante"
    env = var.environment
  }
}

provider "google-beta" {
  project = var.project_id
  region  = var.region
  # Bill API quota to this project even with a person's credentials (the Billing Budgets API
  # refuses requests without a quota project).
  user_project_override = true
  billing_project       = var.project_id
  default_labels = {
    app = "mirante"
    env = var.environment
  }
}

# random generates the database passwords inside the cloudsql module; it needs no settings, and
# is configured here only so that the root module (the only place providers are configured)
# pins and owns it.
provider "random" {}

# ---------------------------------------------------------------------------------------------
# Modules: one per concern (Terraform orders them by the references between them).
# ---------------------------------------------------------------------------------------------

module "apis" {
  source     = "./infra/modules/apis"
  project_id = var.project_id
}

module "iam" {
  source      = "./infra/modules/iam"
  project_id  = var.project_id
  environment = var.environment

  depends_on = [module.apis]
}

module "network" {
  source     = "./infra/modules/network"
  project_id = var.project_id
  region     = var.region

  depends_on = [module.apis]
}

module "cloudsql" {
  source              = "./infra/modules/cloudsql"
  project_id          = var.project_id
  region              = var.region
  network_id          = module.network.network_id
  tier                = var.db_tier
  availability_type   = var.db_availability_type
  deletion_protection = var.deletion_protection

  # Private IP needs the private services connection first.
  depends_on = [module.network]
}

module "redis" {
  source     = "./infra/modules/redis"
  project_id = var.project_id
  region     = var.region
  network_id = module.network.network_id
  tier       = var.redis_tier
  memory_gb  = var.redis_memory_gb

  depends_on = [module.network]
}

module "storage" {
  source               = "./infra/modules/storage"
  project_id           = var.project_id
  region               = var.region
  ingest_events_topic  = module.pubsub.ingest_events_topic_id
  ingest_object_prefix = ["sources/", "orgs/"]

  depends_on = [module.apis]
}

module "bigquery" {
  source              = "./infra/modules/bigquery"
  project_id          = var.project_id
  region              = var.region
  tenant_datasets     = var.tenant_datasets
  deletion_protection = var.deletion_protection
  # Principals that see every row of marts.tenant_metrics (defence in depth: anyone else who is
  # ever given read access to marts sees no tenant rows at all).
  tenant_metrics_readers = [
    "serviceAccount:${module.iam.emails.api}",
    "serviceAccount:${module.iam.emails.ingest}",
    "serviceAccount:${module.iam.emails.quarto_job}",
  ]

  depends_on = [module.apis]
}

module "pubsub" {
  source            = "./infra/modules/pubsub"
  project_id        = var.project_id
  region            = var.region
  project_number    = module.apis.project_number
  ingest_push_url   = module.run.ingest_url
  push_invoker_sa   = module.iam.emails.pubsub_push
  push_invoker_name = module.iam.names.pubsub_push

  depends_on = [module.apis]
}

module "tasks" {
  source     = "./infra/modules/tasks"
  project_id = var.project_id
  region     = var.region

  depends_on = [module.apis]
}

module "run" {
  source              = "./infra/modules/run"
  project_id          = var.project_id
  project_number      = module.apis.project_number
  region              = var.region
  deletion_protection = var.deletion_protection
  api_min_instances   = var.api_min_instances
  network_id          = module.network.network_id
  subnetwork_id       = module.network.run_subnetwork_id
  service_accounts    = module.iam.emails
  service_account_ids = module.iam.names

  app_database_url_secret = module.cloudsql.app_database_url_secret_id
  redis_url_secret        = module.redis.redis_url_secret_id

  raw_bucket                      = module.storage.raw_bucket
  reports_bucket                  = module.storage.reports_bucket
  report_requests_topic           = module.pubsub.report_requests_topic_id
  report_requests_topic_name      = module.pubsub.report_requests_topic_name
  report_worker_subscription      = module.pubsub.report_worker_subscription_id
  report_worker_subscription_name = module.pubsub.report_worker_subscription_name
  tasks_queue_id                  = module.tasks.queue_id
  tasks_queue_name                = module.tasks.queue_name
  datasets                        = module.bigquery.dataset_ids
  tenant_dataset_ids              = module.bigquery.tenant_dataset_ids

  depends_on = [module.apis]
}

module "scheduler" {
  source         = "./infra/modules/scheduler"
  project_id     = var.project_id
  region         = var.region
  scheduler_url  = module.run.scheduler_url
  quarto_job     = module.run.quarto_job_name
  cron_invoker   = module.iam.emails.cron_invoker
  tick_schedule  = "* * * * *"
  drain_schedule = "*/2 * * * *"

  depends_on = [module.apis]
}

module "cicd" {
  source           = "./infra/modules/cicd"
  project_id       = var.project_id
  region           = var.region
  project_number   = module.apis.project_number
  environment      = var.environment
  network_name     = module.network.network_name
  deployer_email   = module.iam.emails.deployer
  deployer_name    = module.iam.names.deployer
  runtime_sa_names = module.iam.runtime_names
  run_services     = module.run.service_names
  run_jobs         = [module.run.quarto_job_name]
  owner_secret_id  = module.cloudsql.owner_password_secret_id
  app_secret_id    = module.cloudsql.app_password_secret_id
  sql_connection   = module.cloudsql.connection_name
  hosting_site_id  = module.hosting.site_id
  build_repository = var.build_repository
  build_branch     = var.build_branch

  # The pool peers through the private services connection.
  depends_on = [module.apis, module.network]
}

module "hosting" {
  source          = "./infra/modules/hosting"
  project_id      = var.project_id
  hosting_site_id = var.hosting_site_id

  depends_on = [module.apis]
}

module "monitoring" {
  source                      = "./infra/modules/monitoring"
  project_id                  = var.project_id
  project_number              = module.apis.project_number
  environment                 = var.environment
  billing_account             = var.billing_account
  monthly_budget_brl          = var.monthly_budget_brl
  alert_emails                = var.alert_emails
  bigquery_daily_bytes_budget = var.bigquery_daily_bytes_budget
  latency_slo_routes          = var.latency_slo_routes
  report_worker_subscription  = module.pubsub.report_worker_subscription_name
  dead_letter_subscriptions   = module.pubsub.dead_letter_subscription_names
  api_service                 = "api"
  ingest_service              = "ingest"

  depends_on = [module.apis]
}

# ---------------------------------------------------------------------------------------------
# Outputs: what infra/DEPLOY.md and Cloud Build need.
# ---------------------------------------------------------------------------------------------

output "api_url" {
  description = "The api Cloud Run service URL (Hosting rewrites /v1/** to it)."
  value       = module.run.api_url
}

output "hosting_url" {
  description = "Default URL of the Firebase Hosting site."
  value       = module.hosting.default_url
}

output "sql_connection_name" {
  description = "Cloud SQL instance connection name (project:region:instance), for the Auth Proxy."
  value       = module.cloudsql.connection_name
}

output "artifact_registry" {
  description = "Docker repository that Cloud Build pushes to."
  value       = module.cicd.repository_url
}

output "build_pool" {
  description = "Cloud Build private worker pool (peered with the VPC, so migrations reach Cloud SQL's private IP)."
  value       = module.cicd.worker_pool_id
}

output "deployer_service_account" {
  description = "Service account that Cloud Build runs as."
  value       = module.iam.emails.deployer
}
