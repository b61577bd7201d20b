output "queue_id" {
  description = "Queue id (projects/P/locations/R/queues/report-dispatch)."
  value       = google_cloud_tasks_queue.report_dispatch.id
}

output "queue_name" {
  description = "Short name of the queue."
  value       = google_cloud_tasks_queue.report_dispatch.name
}
