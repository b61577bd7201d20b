# dispatch: the target of the report-dispatch Cloud Tasks; orders one scheduled report (a
# report row, then a message on report-requests) and starts the quarto-job.
#
# Invokers: the tasks-invoker account only (Cloud Tasks' OIDC token); internal ingress.
# Its account may: publish report requests, start the quarto-job, read APP_DATABASE_URL.

locals {
  # The URL the scheduler's tasks call and carry as their OIDC audience, which dispatch checks:
  # both services get this one value. It is Cloud Run's deterministic URL, known before the
  # service exists, because a service cannot read its own uri (a cycle).
  dispatch_url = "https://dispatch-${var.project_number}.${var.region}.run.app"

  dispatch_env = merge(local.common_env, local.pubsub_env, {
    FUNCTION_TARGET       = "Dispatch"
    REPORT_REQUESTS_TOPIC = var.report_requests_topic_name
    QUARTO_JOB            = google_cloud_run_v2_job.quarto.id
    DISPATCH_URL          = local.dispatch_url
    TASKS_SERVICE_ACCOUNT = var.service_accounts.tasks_invoker
  })
  dispatch_secrets = local.common_secrets
}

resource "google_cloud_run_v2_service" "dispatch" {
  project             = var.project_id
  name                = "dispatch"
  location            = var.region
  ingress             = "INGRESS_TRAFFIC_INTERNAL_ONLY"
  deletion_protection = var.deletion_protection

  template {
    service_account                  = var.service_accounts.dispatch
    timeout                          = "60s"
    max_instance_request_concurrency = 20
    execution_environment            = "EXECUTION_ENVIRONMENT_GEN2"

    scaling {
      min_instance_count = 0
      max_instance_count = 5
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
          memory = "256Mi"
        }
        cpu_idle = true
      }

      dynamic "env" {
        for_each = local.dispatch_env
        content {
          name  = env.key
          value = env.value
        }
      }

      dynamic "env" {
        for_each = local.dispatch_secrets
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
  depends_on = [google_secret_manager_secret_iam_member.dispatch]
}

resource "google_cloud_run_v2_service_iam_member" "dispatch_invoker" {
  project  = var.project_id
  location = var.region
  name     = google_cloud_run_v2_service.dispatch.name
  role     = "roles/run.invoker"
  member   = "serviceAccount:${var.service_accounts.tasks_invoker}"
}

resource "google_project_iam_member" "dispatch" {
  for_each = toset(local.telemetry_roles)

  project = var.project_id
  role    = each.value
  member  = "serviceAccount:${var.service_accounts.dispatch}"
}

resource "google_pubsub_topic_iam_member" "dispatch_publishes_reports" {
  project = var.project_id
  topic   = var.report_requests_topic
  role    = "roles/pubsub.publisher"
  member  = "serviceAccount:${var.service_accounts.dispatch}"
}

resource "google_cloud_run_v2_job_iam_member" "dispatch_starts_quarto" {
  project  = var.project_id
  location = var.region
  name     = google_cloud_run_v2_job.quarto.name
  role     = "roles/run.invoker"
  member   = "serviceAccount:${var.service_accounts.dispatch}"
}

resource "google_secret_manager_secret_iam_member" "dispatch" {
  for_each = local.dispatch_secrets

  project   = var.project_id
  secret_id = each.value
  role      = "roles/secretmanager.secretAccessor"
  member    = "serviceAccount:${var.service_accounts.dispatch}"
}
