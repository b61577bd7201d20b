output "job_names" {
  description = "Names of the Cloud Scheduler jobs."
  value       = [google_cloud_scheduler_job.tick.name, google_cloud_scheduler_job.drain.name]
}
