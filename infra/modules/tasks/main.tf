# The report-dispatch queue: the scheduler service creates one named task per due schedule and
# tick (deterministic names: a tick run twice creates nothing twice); Cloud Tasks calls the
# dispatch service with an OIDC token of the tasks-invoker account. The rate limits protect
# BigQuery and the report job from a thundering herd at the top of the hour.

resource "google_cloud_tasks_queue" "report_dispatch" {
  project  = var.project_id
  name     = "report-dispatch"
  location = var.region

  rate_limits {
    max_dispatches_per_second = var.max_dispatches_per_second
    max_concurrent_dispatches = var.max_concurrent_dispatches
  }

  retry_config {
    max_attempts       = 8
    max_retry_duration = "3600s"
    min_backoff        = "10s"
    max_backoff        = "600s"
    max_doublings      = 4
  }

  stackdriver_logging_config {
    sampling_ratio = 1.0
  }
}
