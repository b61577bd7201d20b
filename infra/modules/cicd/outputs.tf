output "repository_url" {
  description = "Docker repository URL (<region>-docker.pkg.dev/<project>/mirante)."
  value       = "${var.region}-docker.pkg.dev/${var.project_id}/${google_artifact_registry_repository.images.repository_id}"
}

output "worker_pool_id" {
  description = "Private worker pool (cloudbuild.yaml options.pool.name)."
  value       = google_cloudbuild_worker_pool.pool.id
}
