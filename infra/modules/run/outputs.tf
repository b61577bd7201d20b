output "api_url" {
  description = "URL of the api service."
  value       = google_cloud_run_v2_service.api.uri
}

output "scheduler_url" {
  description = "URL of the scheduler service (Cloud Scheduler's target and OIDC audience)."
  value       = google_cloud_run_v2_service.scheduler.uri
}

output "ingest_url" {
  description = "URL of the ingest service (push endpoint and OIDC audience)."
  value       = google_cloud_run_v2_service.ingest.uri
}

output "quarto_job_name" {
  description = "Name of the report job."
  value       = google_cloud_run_v2_job.quarto.name
}

output "service_names" {
  description = "Names of the four Cloud Run services."
  value = [
    google_cloud_run_v2_service.api.name,
    google_cloud_run_v2_service.scheduler.name,
    google_cloud_run_v2_service.dispatch.name,
    google_cloud_run_v2_service.ingest.name,
  ]
}
