output "project_number" {
  description = "Project number (names the Google-managed service agents)."
  value       = data.google_project.this.number
}

output "enabled" {
  description = "The enabled services, for modules that must wait for them."
  value       = [for s in google_project_service.this : s.service]
}
