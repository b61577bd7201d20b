# scheduler: called by Cloud Scheduler every minute; finds due report schedules and creates one
# named Cloud Task per schedule and tick on the report-dispatch queue, each carrying an OIDC
# token of the tasks-invoker account for the dispatch service.
#
# Invokers: the cron-invoker account only (Cloud Scheduler's OIDC token); internal ingress.
# Its account may: enqueue on report-dispatch (that queue only), act as the tasks-invoker
# account (to put its OIDC token on the tasks), read APP_DATABASE_URL.

locals {
  scheduler_env = merge(local.common_env, {
    FUNCTION_TARGET       = "Scheduler"
    TASKS_QUEUE           = var.tasks_queue_id
    DISPATCH_URL          = local.dispatch_url
    TASKS_SERVICE_ACCOUNT = var.service_accounts.tasks_invoker
  })
  scheduler_secrets = local.common_secrets
}

resource "google_cloud_run_v2_service" "scheduler" {
  project             = var.project_id
  name                = "scheduler"
  location            = var.region
  ingress             = "INGRESS_TRAFFIC_INTERNAL_ONLY"
  deletion_protection = var.deletion_protection

  template {
    service_account                  = var.service_accounts.scheduler
    timeout                          = "120s"
    max_instance_request_concurrency = 1
    execution_environment            = "EXECUTION_ENVIRONMENT_GEN2"

    scaling {
      min_instance_count = 0
      max_instance_count = 2
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
        for_each = local.scheduler_env
        content {
          name  = env.key
          value = env.value
        }
      }

      dynamic "env" {
        for_each = local.scheduler_secrets
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
  depends_on = [google_secret_manager_secret_iam_member.scheduler]
}

resource "google_cloud_run_v2_service_iam_member" "scheduler_invoker" {
  project  = var.project_id
  location = var.region
  name     = google_cloud_run_v2_service.scheduler.name
  role     = "roles/run.invoker"
  member   = "serviceAccount:${var.service_accounts.cron_invoker}"
}

resource "google_project_iam_member" "scheduler" {
  for_each = toset(local.telemetry_roles)

  project = var.project_id
  role    = each.value
  member  = "serviceAccount:${var.service_accounts.scheduler}"
}

resource "google_cloud_tasks_queue_iam_member" "scheduler_enqueues" {
  project  = var.project_id
  location = var.region
  name     = var.tasks_queue_name
  role     = "roles/cloudtasks.enqueuer"
  member   = "serviceAccount:${var.service_accounts.scheduler}"
}

# Creating a task with an OIDC token of another account requires acting as that account.
resource "google_service_account_iam_member" "scheduler_acts_as_tasks_invoker" {
  service_account_id = var.service_account_ids.tasks_invoker
  role               = "roles/iam.serviceAccountUser"
  member             = "serviceAccount:${var.service_accounts.scheduler}"
}

resource "google_secret_manager_secret_iam_member" "scheduler" {
  for_each = local.scheduler_secrets

  project   = var.project_id
  secret_id = each.value
  role      = "roles/secretmanager.secretAccessor"
  member    = "serviceAccount:${var.service_accounts.scheduler}"
}
