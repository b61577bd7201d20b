output "redis_url_secret_id" {
  description = "Secret (id) holding REDIS_URL."
  value       = google_secret_manager_secret.redis_url.id
}

output "host" {
  description = "Private address of the instance."
  value       = google_redis_instance.cache.host
}
