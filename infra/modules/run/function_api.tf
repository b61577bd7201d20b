# api: the REST API behind Firebase Hosting's /v1/** rewrite.
#
# Invokers: allUsers. This is the one public deployable, on purpose: Hosting rewrites cannot
# carry an identity, so the api authenticates every request itself with the Firebase ID token
# (ARCHITECTURE.md). Its account may:
#   read marts and the dataset-mode tenants' datasets, run BigQuery jobs (project-level: jobs
#   have no narrower scope), write tenant uploads into the raw bucket, see objects of the reports
#   bucket and sign their V4 URLs (signBlob on itself, no key file), publish report requests,
#   start the quarto-job right away, read APP_DATABASE_URL and REDIS_URL.

locals {
  api_env = merge(local.common_env, local.pubsub_env, local.warehouse_env, {
    FUNCTION_TARGET       = "API"
    FIREBASE_PROJECT_ID   = var.project_id
    RAW_BUCKET            = var.raw_bucket
    REPORTS_BUCKET        = var.reports_bucket
    REPORT_REQUESTS_TOPIC = var.report_requests_topic_name
    QUARTO_JOB            = google_cloud_run_v2_job.quarto.id
    SIGNED_URL_TTL        = "15m"
  })
  api_secrets = merge(local.common_secrets, {
    REDIS_URL     = var.redis_url_secret
    CURSOR_SECRET = google_secret_manager_secret.cursor_secret.secret_id
  })
}

resource "google_cloud_run_v2_service" "api" {
  project             = var.project_id
  name                = "api"
  location            = var.region
  ingress             = "INGRESS_TRAFFIC_ALL"
  deletion_protection = var.deletion_protection

  template {
    service_account                  = var.service_accounts.api
    timeout                          = "60s"
    max_instance_request_concurrency = 80
    execution_environment            = "EXECUTION_ENVIRONMENT_GEN2"

    scaling {
      min_instance_count = var.api_min_instances
      max_instance_count = 20
    }

    vpc_access {
      network_interfaces {
        network    = var.network_id
        subnetwork = var.subnetwork_id
      }
      egress = local.vpc_egress
    }

    containers {
      image = var.functions_image

      resources {
        limits = {
          cpu    = "1"
          memory = "512Mi"
        }
        cpu_idle          = true
        startup_cpu_boost = true
      }

      dynamic "env" {
        for_each = local.api_env
        content {
          name  = env.key
          value = env.value
        }
      }

      dynamic "env" {
        for_each = local.api_secrets
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

  lifecycle {
    ignore_changes = [template[0].containers[0].image, client, client_version]
  }

  # The first revision already reads its secrets.
  depends_on = [google_secret_manager_secret_iam_member.api]
}

# The single documented public binding (see the header): the policy test allows allUsers here
# and nowhere else.
resource "google_cloud_run_v2_service_iam_member" "api_public" {
  project  = var.project_id
  location = var.region
  name     = google_cloud_run_v2_service.api.name
  role     = "roles/run.invoker"
  member   = "allUsers"
}

resource "google_project_iam_member" "api" {
  for_each = toset(concat(local.telemetry_roles, ["roles/bigquery.jobUser"]))

  project = var.project_id
  role    = each.value
  member  = "serviceAccount:${var.service_accounts.api}"
}

resource "google_bigquery_dataset_iam_member" "api_reads" {
  for_each = toset(concat([var.datasets["marts"]], var.tenant_dataset_ids))

  project    = var.project_id
  dataset_id = each.value
  role       = "roles/bigquery.dataViewer"
  member     = "serviceAccount:${var.service_accounts.api}"
}

resource "google_storage_bucket_iam_member" "api_uploads_raw" {
  bucket = var.raw_bucket
  role   = "roles/storage.objectCreator"
  member = "serviceAccount:${var.service_accounts.api}"
}

resource "google_storage_bucket_iam_member" "api_reads_reports" {
  bucket = var.reports_bucket
  role   = "roles/storage.objectViewer"
  member = "serviceAccount:${var.service_accounts.api}"
}

# V4 signed URLs without a key file: the api signs with signBlob as itself, and only itself.
resource "google_service_account_iam_member" "api_signs_as_itself" {
  service_account_id = var.service_account_ids.api
  role               = "roles/iam.serviceAccountTokenCreator"
  member             = "serviceAccount:${var.service_accounts.api}"
}

resource "google_pubsub_topic_iam_member" "api_publishes_reports" {
  project = var.project_id
  topic   = var.report_requests_topic
  role    = "roles/pubsub.publisher"
  member  = "serviceAccount:${var.service_accounts.api}"
}

resource "google_cloud_run_v2_job_iam_member" "api_starts_quarto" {
  project  = var.project_id
  location = var.region
  name     = google_cloud_run_v2_job.quarto.name
  role     = "roles/run.invoker"
  member   = "serviceAccount:${var.service_accounts.api}"
}

resource "google_secret_manager_secret_iam_member" "api" {
  for_each = local.api_secrets

  project   = var.project_id
  secret_id = each.value
  role      = "roles/secretmanager.secretAccessor"
  member    = "serviceAccount:${var.service_accounts.api}"
}

# The HMAC key of list and query cursors: the API refuses to start in
# production without it. Generated once; rotating it invalidates open cursors.
resource "random_password" "cursor_secret" {
  length  = 48
  special = false
}

resource "google_secret_manager_secret" "cursor_secret" {
  project   = var.project_id
  secret_id = "api-cursor-secret"

  replication {
    user_managed {
      replicas {
        location = var.region
      }
    }
  }
}

resource "google_secret_manager_secret_version" "cursor_secret" {
  secret      = google_secret_manager_secret.cursor_secret.id
  secret_data = random_password.cursor_secret.result
}
