# The two buckets, both regional, private (public access prevention enforced, uniform
# bucket-level access: no ACLs at all), versioned, with lifecycle rules:
# - raw: official files as published and tenant uploads (checksummed). Kept for audit and
#   re-ingestion, so objects age into colder classes instead of being deleted; a replaced
#   version is kept for var.raw_noncurrent_days.
# - reports: rendered reports, served through short-lived V4 signed URLs by the api. They can
#   be rendered again from their manifest, so they expire after var.reports_retention_days.
# Access is granted per bucket to each service account (in the run module), never per project.

resource "google_storage_bucket" "raw" {
  project       = var.project_id
  name          = "${var.project_id}-raw"
  location      = var.region
  storage_class = "STANDARD"

  uniform_bucket_level_access = true
  public_access_prevention    = "enforced"
  force_destroy               = false

  versioning {
    enabled = true
  }

  lifecycle_rule {
    condition {
      age = 90
    }
    action {
      type          = "SetStorageClass"
      storage_class = "NEARLINE"
    }
  }

  lifecycle_rule {
    condition {
      age = 365
    }
    action {
      type          = "SetStorageClass"
      storage_class = "COLDLINE"
    }
  }

  lifecycle_rule {
    condition {
      days_since_noncurrent_time = var.raw_noncurrent_days
      with_state                 = "ARCHIVED"
    }
    action {
      type = "Delete"
    }
  }

  # Refused files are evidence for a while, not forever.
  lifecycle_rule {
    condition {
      age            = 90
      matches_prefix = ["quarantine/"]
    }
    action {
      type = "Delete"
    }
  }

  soft_delete_policy {
    retention_duration_seconds = 604800 # 7 days
  }
}

resource "google_storage_bucket" "reports" {
  project       = var.project_id
  name          = "${var.project_id}-reports"
  location      = var.region
  storage_class = "STANDARD"

  uniform_bucket_level_access = true
  public_access_prevention    = "enforced"
  force_destroy               = false

  versioning {
    enabled = true
  }

  lifecycle_rule {
    condition {
      age = var.reports_retention_days
    }
    action {
      type = "Delete"
    }
  }

  lifecycle_rule {
    condition {
      days_since_noncurrent_time = 7
      with_state                 = "ARCHIVED"
    }
    action {
      type = "Delete"
    }
  }

  soft_delete_policy {
    retention_duration_seconds = 604800 # 7 days
  }
}

# --- raw object finalized -> ingest-events topic -> ingest (push subscription, pubsub module) -

data "google_storage_project_service_account" "gcs" {
  project = var.project_id
}

# The Cloud Storage service agent publishes the notifications; it may publish to this topic only.
resource "google_pubsub_topic_iam_member" "gcs_publishes_ingest_events" {
  project = var.project_id
  topic   = var.ingest_events_topic
  role    = "roles/pubsub.publisher"
  member  = "serviceAccount:${data.google_storage_project_service_account.gcs.email_address}"
}

# One notification per prefix that carries ingestible files (never quarantine/).
resource "google_storage_notification" "raw_finalized" {
  for_each = toset(var.ingest_object_prefix)

  bucket             = google_storage_bucket.raw.name
  topic              = var.ingest_events_topic
  payload_format     = "JSON_API_V1"
  event_types        = ["OBJECT_FINALIZE"]
  object_name_prefix = each.value

  depends_on = [google_pubsub_topic_iam_member.gcs_publishes_ingest_events]
}
