# quarto-job: the report worker, a Cloud Run Job. Each execution pulls report requests from the
# report-requests-worker subscription until it is empty (or max reports), renders each with
# Quarto and uploads it to the reports bucket. Executions start from three places: the api and
# dispatch right after they publish (low latency), and Cloud Scheduler every two minutes (so a
# request is never stranded). A job cannot receive Pub/Sub pushes, hence the pull subscription.
#
# Runners: the cron-invoker, api and dispatch accounts (roles/run.invoker on this job only).
# Its account may: pull (and ack) report-requests-worker, read marts and the tenant datasets, run
# BigQuery jobs, write and read back objects in the reports bucket, read APP_DATABASE_URL and
# REDIS_URL.

locals {
  quarto_env = merge(local.common_env, local.pubsub_env, local.warehouse_env, {
    REPORTS_BUCKET               = var.reports_bucket
    REPORT_REQUESTS_SUBSCRIPTION = var.report_worker_subscription_name
    REPORT_MAX_PER_EXECUTION     = "20"
    RENDER_QUARTO                = "/usr/local/bin/quarto"
  })
  quarto_secrets = merge(local.common_secrets, {
    REDIS_URL = var.redis_url_secret
  })
}

resource "google_cloud_run_v2_job" "quarto" {
  project             = var.project_id
  name                = "quarto-job"
  location            = var.region
  deletion_protection = var.deletion_protection

  template {
    task_count  = 1
    parallelism = 1

    template {
      service_account       = var.service_accounts.quarto_job
      timeout               = "1800s"
      max_retries           = 1
      execution_environment = "EXECUTION_ENVIRONMENT_GEN2"

      vpc_access {
        network_interfaces {
          network    = var.network_id
          subnetwork = var.subnetwork_id
        }
        egress = local.vpc_egress
      }

      containers {
        image = var.job_image

        # Quarto, pandoc and headless Chromium in one container.
        resources {
          limits = {
            cpu    = "2"
            memory = "4Gi"
          }
        }

        dynamic "env" {
          for_each = local.quarto_env
          content {
            name  = env.key
            value = env.value
          }
        }

        dynamic "env" {
          for_each = local.quarto_secrets
          content {
            name = env.key
            value_source {
              secret_key_ref {
                secret  = env.value
                version = "latest"
              }
            }
          }
        }
      }
    }
  }

  lifecycle {
    ignore_changes = [template[0].template[0].containers[0].image, client, client_version]
  }

  depends_on = [google_secret_manager_secret_iam_member.quarto_job]
}

resource "google_cloud_run_v2_job_iam_member" "quarto_cron_runs" {
  project  = var.project_id
  location = var.region
  name     = google_cloud_run_v2_job.quarto.name
  role     = "roles/run.invoker"
  member   = "serviceAccount:${var.service_accounts.cron_invoker}"
}

resource "google_project_iam_member" "quarto_job" {
  for_each = toset(concat(local.telemetry_roles, ["roles/bigquery.jobUser"]))

  project = var.project_id
  role    = each.value
  member  = "serviceAccount:${var.service_accounts.quarto_job}"
}

resource "google_pubsub_subscription_iam_member" "quarto_job_pulls" {
  project      = var.project_id
  subscription = var.report_worker_subscription
  role         = "roles/pubsub.subscriber"
  member       = "serviceAccount:${var.service_accounts.quarto_job}"
}

resource "google_bigquery_dataset_iam_member" "quarto_job_reads" {
  for_each = toset(concat([var.datasets["marts"]], var.tenant_dataset_ids))

  project    = var.project_id
  dataset_id = each.value
  role       = "roles/bigquery.dataViewer"
  member     = "serviceAccount:${var.service_accounts.quarto_job}"
}

# Write the file, then read it back before marking the report succeeded.
resource "google_storage_bucket_iam_member" "quarto_job_reports" {
  for_each = toset(["roles/storage.objectCreator", "roles/storage.objectViewer"])

  bucket = var.reports_bucket
  role   = each.value
  member = "serviceAccount:${var.service_accounts.quarto_job}"
}

resource "google_secret_manager_secret_iam_member" "quarto_job" {
  for_each = local.quarto_secrets

  project   = var.project_id
  secret_id = each.value
  role      = "roles/secretmanager.secretAccessor"
  member    = "serviceAccount:${var.service_accounts.quarto_job}"
}
