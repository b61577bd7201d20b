# Firebase on the project and the Hosting site that serves the SPA (frontend/dist). Its
# /v1/** rewrite to the api Cloud Run service lives in frontend/firebase.json; Cloud Build
# deploys the content with `firebase deploy --only hosting:app` (target app -> this site).
# Hosting is global (a CDN): it has no region, and serves only the static SPA; every byte of
# data comes from the api in the region.

resource "google_firebase_project" "this" {
  provider = google-beta
  project  = var.project_id
}

resource "google_firebase_hosting_site" "app" {
  provider = google-beta
  project  = var.project_id
  site_id  = var.hosting_site_id

  depends_on = [google_firebase_project.this]
}
