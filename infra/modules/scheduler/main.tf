# Cloud Scheduler, in the region, all in America/Sao_Paulo time:
# - scheduler-tick calls the scheduler service (OIDC token of the cron-invoker account, audience
#   = the service URL), which turns due report schedules into Cloud Tasks.
# - quarto-job-drain starts an execution of the quarto-job through the Cloud Run Admin API
#   (an OAuth token of the same account, which may run that job only), so report requests whose
#   immediate start was lost are still rendered.

resource "google_cloud_scheduler_job" "tick" {
  project          = var.project_id
  name             = "scheduler-tick"
  region           = var.region
  description      = "Due report schedules -> Cloud Tasks (scheduler service)."
  schedule         = var.tick_schedule
  time_zone        = "America/Sao_Paulo"
  attempt_deadline = "120s"

  retry_config {
    retry_count          = 1
    min_backoff_duration = "10s"
    max_backoff_duration = "30s"
  }

  http_target {
    uri         = var.scheduler_url
    http_method = "POST"
    headers = {
      "Content-Type" = "application/json"
    }
    body = base64encode("{}")

    oidc_token {
      service_account_email = var.cron_invoker
      audience              = var.scheduler_url
    }
  }
}

resource "google_cloud_scheduler_job" "drain" {
  project          = var.project_id
  name             = "quarto-job-drain"
  region           = var.region
  description      = "Starts a quarto-job execution that drains report-requests-worker."
  schedule         = var.drain_schedule
  time_zone        = "America/Sao_Paulo"
  attempt_deadline = "60s"

  retry_config {
    retry_count = 0
  }

  http_target {
    uri         = "https://run.googleapis.com/v2/projects/${var.project_id}/locations/${var.region}/jobs/${var.quarto_job}:run"
    http_method = "POST"

    oauth_token {
      service_account_email = var.cron_invoker
      scope                 = "https://www.googleapis.com/auth/cloud-platform"
    }
  }
}
