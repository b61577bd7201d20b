# ingest: receives the raw bucket's OBJECT_FINALIZE notifications (JSON_API_V1) as Pub/Sub pushes
# of the ingest-events topic (an HTTP function: the push envelope, answered 2xx to ack, 5xx to be
# redelivered) and runs raw -> landing -> (staging, TEMP tables) -> core -> marts for the source, updating the
# source catalog and source_loads in PostgreSQL.
#
# Invokers: the pubsub-push account only (the push subscription's OIDC token); internal ingress.
# Its account may: read the raw bucket and move refused files to quarantine/ (objectUser on that
# bucket only), edit the warehouse layers and the tenant datasets, run BigQuery jobs, read
# APP_DATABASE_URL.

locals {
  ingest_env = merge(local.common_env, local.warehouse_env, {
    FUNCTION_TARGET = "Ingest"
    RAW_BUCKET      = var.raw_bucket
  })
  ingest_secrets = local.common_secrets
}

resource "google_cloud_run_v2_service" "ingest" {
  project             = var.project_id
  name                = "ingest"
  location            = var.region
  ingress             = "INGRESS_TRAFFIC_INTERNAL_ONLY"
  deletion_protection = var.deletion_protection

  template {
    service_account = var.service_accounts.ingest
    # The push subscription's ack deadline is 600 s; a load must finish within it.
    timeout                          = "600s"
    max_instance_request_concurrency = 1
    execution_environment            = "EXECUTION_ENVIRONMENT_GEN2"

    scaling {
      min_instance_count = 0
      max_instance_count = 4
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
          cpu    = "2"
          memory = "2Gi"
        }
        cpu_idle = true
      }

      dynamic "env" {
        for_each = local.ingest_env
        content {
          name  = env.key
          value = env.value
        }
      }

      dynamic "env" {
        for_each = local.ingest_secrets
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
  depends_on = [google_secret_manager_secret_iam_member.ingest]
}

resource "google_cloud_run_v2_service_iam_member" "ingest_invoker" {
  project  = var.project_id
  location = var.region
  name     = google_cloud_run_v2_service.ingest.name
  role     = "roles/run.invoker"
  member   = "serviceAccount:${var.service_accounts.pubsub_push}"
}

resource "google_project_iam_member" "ingest" {
  for_each = toset(concat(local.telemetry_roles, ["roles/bigquery.jobUser"]))

  project = var.project_id
  role    = each.value
  member  = "serviceAccount:${var.service_accounts.ingest}"
}

resource "google_storage_bucket_iam_member" "ingest_raw" {
  bucket = var.raw_bucket
  role   = "roles/storage.objectUser"
  member = "serviceAccount:${var.service_accounts.ingest}"
}

resource "google_bigquery_dataset_iam_member" "ingest_writes" {
  for_each = toset(concat(values(var.datasets), var.tenant_dataset_ids))

  project    = var.project_id
  dataset_id = each.value
  role       = "roles/bigquery.dataEditor"
  member     = "serviceAccount:${var.service_accounts.ingest}"
}

resource "google_secret_manager_secret_iam_member" "ingest" {
  for_each = local.ingest_secrets

  project   = var.project_id
  secret_id = each.value
  role      = "roles/secretmanager.secretAccessor"
  member    = "serviceAccount:${var.service_accounts.ingest}"
}
