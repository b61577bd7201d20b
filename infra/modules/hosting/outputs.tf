output "site_id" {
  description = "Hosting site id."
  value       = google_firebase_hosting_site.app.site_id
}

output "default_url" {
  description = "Default URL of the site (https://<id>.web.app)."
  value       = google_firebase_hosting_site.app.default_url
}
