output "report_requests_topic_id" {
  description = "Topic (id) report requests are published to."
  value       = google_pubsub_topic.report_requests.id
}

output "report_requests_topic_name" {
  description = "Short name of the report requests topic."
  value       = google_pubsub_topic.report_requests.name
}

output "report_worker_subscription_id" {
  description = "Subscription (id) the quarto-job pulls."
  value       = google_pubsub_subscription.report_worker.id
}

output "report_worker_subscription_name" {
  description = "Short name of the subscription the quarto-job pulls."
  value       = google_pubsub_subscription.report_worker.name
}

output "ingest_events_topic_id" {
  description = "Topic (id) the raw bucket notifies."
  value       = google_pubsub_topic.ingest_events.id
}

output "dead_letter_subscription_names" {
  description = "Short names of the dead-letter hold subscriptions (alerted on when not empty)."
  value       = [for s in google_pubsub_subscription.dead_letter_hold : s.name]
}
