# Delivery: the Artifact Registry repository, the Cloud Build private worker pool, the deployer
# account's grants, and (once the GitHub connection exists) the trigger.
#
# The pool is peered with the VPC through the same private services connection as Cloud SQL, so
# the build's migration step reaches the instance's private IP through the Cloud SQL Auth Proxy
# (--private-ip); Cloud Build's default pool could not. Workers keep public egress for base
# images and Go/npm modules.
#
# The deployer may: push images to this repository, deploy new revisions of the four services
# and the job (run.developer on each, and act as their five runtime accounts only), read the
# owner's and the app role's database passwords, connect to Cloud SQL, deploy Hosting.

resource "google_artifact_registry_repository" "images" {
  project       = var.project_id
  location      = var.region
  repository_id = "mirante"
  description   = "Mirante container images (functions, quarto-job), tagged by commit."
  format        = "DOCKER"

  docker_config {
    # A commit's tag never moves: what ran is what was built from that commit.
    immutable_tags = true
  }

  cleanup_policy_dry_run = false

  cleanup_policies {
    id     = "keep-recent"
    action = "KEEP"
    most_recent_versions {
      keep_count = 30
    }
  }

  cleanup_policies {
    id     = "delete-old"
    action = "DELETE"
    condition {
      tag_state  = "ANY"
      older_than = "7776000s" # 90 days
    }
  }
}

resource "google_cloudbuild_worker_pool" "pool" {
  project  = var.project_id
  name     = "mirante-build"
  location = var.region

  worker_config {
    machine_type   = "e2-standard-4"
    disk_size_gb   = 100
    no_external_ip = false
  }

  network_config {
    # The API wants the project number in this name.
    peered_network          = "projects/${var.project_number}/global/networks/${var.network_name}"
    peered_network_ip_range = "/29"
  }
}

# --- the deployer's grants -----------------------------------------------------------------

resource "google_artifact_registry_repository_iam_member" "deployer_pushes" {
  project    = var.project_id
  location   = var.region
  repository = google_artifact_registry_repository.images.name
  role       = "roles/artifactregistry.writer"
  member     = "serviceAccount:${var.deployer_email}"
}

resource "google_cloud_run_v2_service_iam_member" "deployer_deploys" {
  for_each = toset(var.run_services)

  project  = var.project_id
  location = var.region
  name     = each.value
  role     = "roles/run.developer"
  member   = "serviceAccount:${var.deployer_email}"
}

resource "google_cloud_run_v2_job_iam_member" "deployer_deploys" {
  for_each = toset(var.run_jobs)

  project  = var.project_id
  location = var.region
  name     = each.value
  role     = "roles/run.developer"
  member   = "serviceAccount:${var.deployer_email}"
}

# Deploying a revision that runs as an account requires acting as it: these five only.
resource "google_service_account_iam_member" "deployer_acts_as_runtime" {
  for_each = var.runtime_sa_names

  service_account_id = each.value
  role               = "roles/iam.serviceAccountUser"
  member             = "serviceAccount:${var.deployer_email}"
}

resource "google_secret_manager_secret_iam_member" "deployer_db_passwords" {
  for_each = {
    owner = var.owner_secret_id
    app   = var.app_secret_id
  }

  project   = var.project_id
  secret_id = each.value
  role      = "roles/secretmanager.secretAccessor"
  member    = "serviceAccount:${var.deployer_email}"
}

# Project-level by nature: Cloud SQL has no instance-level IAM, Hosting and service usage are
# per project, and build logs and private pool use are per project.
resource "google_project_iam_member" "deployer" {
  for_each = toset([
    "roles/cloudsql.client",
    "roles/firebasehosting.admin",
    "roles/serviceusage.serviceUsageConsumer",
    "roles/logging.logWriter",
    "roles/cloudbuild.workerPoolUser",
  ])

  project = var.project_id
  role    = each.value
  member  = "serviceAccount:${var.deployer_email}"
}

# --- the trigger ---------------------------------------------------------------------------
# Needs a Cloud Build 2nd-gen GitHub connection and repository, created once in the console
# (the GitHub app authorisation is interactive); until var.build_repository is set, no trigger.

resource "google_cloudbuild_trigger" "deploy" {
  count = var.build_repository == "" ? 0 : 1

  project         = var.project_id
  name            = "mirante-deploy-${var.environment}"
  location        = var.region
  description     = "Test, build, migrate and deploy ${var.environment} on every push to ${var.build_branch}."
  filename        = "cloudbuild.yaml"
  service_account = var.deployer_name

  repository_event_config {
    repository = var.build_repository
    push {
      branch = var.build_branch
    }
  }

  substitutions = {
    _REGION       = var.region
    _ENV          = var.environment
    _REPO         = google_artifact_registry_repository.images.repository_id
    _POOL         = google_cloudbuild_worker_pool.pool.name
    _SQL_INSTANCE = var.sql_connection
    _HOSTING_SITE = var.hosting_site_id
  }
}
