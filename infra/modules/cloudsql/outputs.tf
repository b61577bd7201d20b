output "connection_name" {
  description = "project:region:instance, for the Cloud SQL Auth Proxy."
  value       = google_sql_database_instance.main.connection_name
}

output "private_ip" {
  description = "Private IP of the instance."
  value       = google_sql_database_instance.main.private_ip_address
}

output "app_database_url_secret_id" {
  description = "Secret (id) holding APP_DATABASE_URL for the services."
  value       = google_secret_manager_secret.app_database_url.id
}

output "owner_password_secret_id" {
  description = "Secret (id) holding mirante_owner's password (Cloud Build only)."
  value       = google_secret_manager_secret.owner_password.id
}

output "app_password_secret_id" {
  description = "Secret (id) holding mirante_app's password (Cloud Build creates the role with it)."
  value       = google_secret_manager_secret.app_password.id
}
