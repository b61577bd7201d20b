# Pub/Sub: two flows, each with a dead-letter topic.
#
#   report-requests  api/dispatch publish -> pull subscription report-requests-worker, consumed
#                    by the quarto-job Cloud Run Job (a job cannot receive pushes).
#   ingest-events    raw-bucket finalize notifications -> push subscription ingest-events-ingest
#                    -> the ingest service, authenticated with an OIDC token of the pubsub-push
#                    account (the ingest service accepts no one else).
#
# Every subscription retries with exponential backoff and, after max_delivery_attempts, moves
# the message to <topic>-dead-letter, where a hold subscription keeps it for inspection and
# replay (and the "dead-letter topic not empty" alert watches it). Messages are stored only in
# var.region.

locals {
  # Pub/Sub's own service agent forwards dead letters and mints the push OIDC tokens.
  pubsub_agent = "serviceAccount:service-${var.project_number}@gcp-sa-pubsub.iam.gserviceaccount.com"

  flows = toset(["report-requests", "ingest-events"])
}

resource "google_pubsub_topic" "report_requests" {
  project                    = var.project_id
  name                       = "report-requests"
  message_retention_duration = "86400s"

  message_storage_policy {
    allowed_persistence_regions = [var.region]
  }
}

resource "google_pubsub_topic" "ingest_events" {
  project                    = var.project_id
  name                       = "ingest-events"
  message_retention_duration = "86400s"

  message_storage_policy {
    allowed_persistence_regions = [var.region]
  }
}

resource "google_pubsub_topic" "dead_letter" {
  for_each = local.flows

  project = var.project_id
  name    = "${each.key}-dead-letter"

  message_storage_policy {
    allowed_persistence_regions = [var.region]
  }
}

# --- subscriptions -------------------------------------------------------------------------

resource "google_pubsub_subscription" "report_worker" {
  project = var.project_id
  name    = "report-requests-worker"
  topic   = google_pubsub_topic.report_requests.id

  # A render may take minutes; the worker extends the lease while it works.
  ack_deadline_seconds       = 600
  message_retention_duration = "604800s" # 7 days
  retain_acked_messages      = false

  expiration_policy {
    ttl = "" # never expire for inactivity
  }

  retry_policy {
    minimum_backoff = "10s"
    maximum_backoff = "600s"
  }

  dead_letter_policy {
    dead_letter_topic     = google_pubsub_topic.dead_letter["report-requests"].id
    max_delivery_attempts = var.report_max_attempts
  }
}

resource "google_pubsub_subscription" "ingest_push" {
  project = var.project_id
  name    = "ingest-events-ingest"
  topic   = google_pubsub_topic.ingest_events.id

  ack_deadline_seconds       = 600
  message_retention_duration = "604800s"

  expiration_policy {
    ttl = ""
  }

  push_config {
    push_endpoint = var.ingest_push_url

    oidc_token {
      service_account_email = var.push_invoker_sa
      audience              = var.ingest_push_url
    }
  }

  retry_policy {
    minimum_backoff = "10s"
    maximum_backoff = "600s"
  }

  dead_letter_policy {
    dead_letter_topic     = google_pubsub_topic.dead_letter["ingest-events"].id
    max_delivery_attempts = var.ingest_max_attempts
  }
}

# Dead letters are kept here (a topic without subscriptions would drop them). These are the end
# of the line, so they have a retry policy for nacks but no dead-letter topic of their own.
resource "google_pubsub_subscription" "dead_letter_hold" {
  for_each = local.flows

  project                    = var.project_id
  name                       = "${each.key}-dead-letter-hold"
  topic                      = google_pubsub_topic.dead_letter[each.key].id
  ack_deadline_seconds       = 60
  message_retention_duration = "604800s"

  expiration_policy {
    ttl = ""
  }

  retry_policy {
    minimum_backoff = "10s"
    maximum_backoff = "600s"
  }
}

# --- what the Pub/Sub service agent needs for dead-lettering and push auth -------------------

resource "google_pubsub_topic_iam_member" "agent_publishes_dead_letters" {
  for_each = local.flows

  project = var.project_id
  topic   = google_pubsub_topic.dead_letter[each.key].id
  role    = "roles/pubsub.publisher"
  member  = local.pubsub_agent
}

# Forwarding to the dead-letter topic acks the message on the source subscription.
resource "google_pubsub_subscription_iam_member" "agent_acks_report_worker" {
  project      = var.project_id
  subscription = google_pubsub_subscription.report_worker.id
  role         = "roles/pubsub.subscriber"
  member       = local.pubsub_agent
}

resource "google_pubsub_subscription_iam_member" "agent_acks_ingest_push" {
  project      = var.project_id
  subscription = google_pubsub_subscription.ingest_push.id
  role         = "roles/pubsub.subscriber"
  member       = local.pubsub_agent
}

# The agent signs the push requests' OIDC tokens as the pubsub-push account (only that one).
resource "google_service_account_iam_member" "agent_mints_push_tokens" {
  service_account_id = var.push_invoker_name
  role               = "roles/iam.serviceAccountTokenCreator"
  member             = local.pubsub_agent
}
