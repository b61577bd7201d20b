output "emails" {
  description = "E-mail of each service account, by role."
  value = {
    api           = google_service_account.api.email
    scheduler     = google_service_account.scheduler.email
    dispatch      = google_service_account.dispatch.email
    ingest        = google_service_account.ingest.email
    quarto_job    = google_service_account.quarto_job.email
    pubsub_push   = google_service_account.pubsub_push.email
    tasks_invoker = google_service_account.tasks_invoker.email
    cron_invoker  = google_service_account.cron_invoker.email
    deployer      = google_service_account.deployer.email
  }
}

output "names" {
  description = "Resource name (projects/P/serviceAccounts/E) of each service account, by role; service-account-level IAM takes it."
  value = {
    api           = google_service_account.api.name
    scheduler     = google_service_account.scheduler.name
    dispatch      = google_service_account.dispatch.name
    ingest        = google_service_account.ingest.name
    quarto_job    = google_service_account.quarto_job.name
    pubsub_push   = google_service_account.pubsub_push.name
    tasks_invoker = google_service_account.tasks_invoker.name
    cron_invoker  = google_service_account.cron_invoker.name
    deployer      = google_service_account.deployer.name
  }
}

output "runtime_names" {
  description = "Resource names of the five runtime accounts (the deployer must act as them to deploy)."
  value = {
    api        = google_service_account.api.name
    scheduler  = google_service_account.scheduler.name
    dispatch   = google_service_account.dispatch.name
    ingest     = google_service_account.ingest.name
    quarto_job = google_service_account.quarto_job.name
  }
}
