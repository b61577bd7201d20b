# One service account per deployable and per caller identity, per environment. Only the accounts
# live here; each grant sits next to the resource it is on (resource-level IAM), in the module
# that owns that resource, so that reading function_api.tf tells everything the api may do.
#
# account_id: "mirante-<deployable>-<env>" (at most 30 characters; the environment is dev or prod).

# --- the deployables: each Cloud Run service or job runs as its own account -------------------

resource "google_service_account" "api" {
  project      = var.project_id
  account_id   = "mirante-api-${var.environment}"
  display_name = "Mirante api (${var.environment})"
  description  = "Runtime identity of the api Cloud Run service."
}

resource "google_service_account" "scheduler" {
  project      = var.project_id
  account_id   = "mirante-scheduler-${var.environment}"
  display_name = "Mirante scheduler (${var.environment})"
  description  = "Runtime identity of the scheduler Cloud Run service (creates Cloud Tasks)."
}

resource "google_service_account" "dispatch" {
  project      = var.project_id
  account_id   = "mirante-dispatch-${var.environment}"
  display_name = "Mirante dispatch (${var.environment})"
  description  = "Runtime identity of the dispatch Cloud Run service (orders scheduled reports)."
}

resource "google_service_account" "ingest" {
  project      = var.project_id
  account_id   = "mirante-ingest-${var.environment}"
  display_name = "Mirante ingest (${var.environment})"
  description  = "Runtime identity of the ingest Cloud Run service (raw -> landing -> marts)."
}

resource "google_service_account" "quarto_job" {
  project      = var.project_id
  account_id   = "mirante-quarto-job-${var.environment}"
  display_name = "Mirante quarto-job (${var.environment})"
  description  = "Runtime identity of the quarto-job Cloud Run Job (renders reports)."
}

# --- caller identities: what Google services present when they call ours ---------------------
# Separate from the deployables so that each receiving service trusts exactly one caller.

resource "google_service_account" "pubsub_push" {
  project      = var.project_id
  account_id   = "mirante-pubsub-push-${var.environment}"
  display_name = "Mirante Pub/Sub push (${var.environment})"
  description  = "OIDC identity of Pub/Sub push subscriptions (ingest-events -> ingest)."
}

resource "google_service_account" "tasks_invoker" {
  project      = var.project_id
  account_id   = "mirante-tasks-${var.environment}"
  display_name = "Mirante Cloud Tasks invoker (${var.environment})"
  description  = "OIDC identity of the report-dispatch tasks (Cloud Tasks -> dispatch)."
}

resource "google_service_account" "cron_invoker" {
  project      = var.project_id
  account_id   = "mirante-cron-${var.environment}"
  display_name = "Mirante Cloud Scheduler invoker (${var.environment})"
  description  = "Identity of Cloud Scheduler jobs (-> scheduler service, -> quarto-job run)."
}

# --- the deployer -------------------------------------------------------------------------

resource "google_service_account" "deployer" {
  project      = var.project_id
  account_id   = "mirante-deployer-${var.environment}"
  display_name = "Mirante Cloud Build deployer (${var.environment})"
  description  = "Cloud Build runs as this account: push images, migrate, deploy Run and Hosting."
}
