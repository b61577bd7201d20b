output "notification_channels" {
  description = "Notification channel ids."
  value       = local.channels
}

output "dashboard_id" {
  description = "Id of the overview dashboard."
  value       = google_monitoring_dashboard.overview.id
}
