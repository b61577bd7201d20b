variable "project_id" {
  description = "Project monitored."
  type        = string
}

variable "project_number" {
  description = "Project number (the budget filters on it)."
  type        = string
}

variable "environment" {
  description = "Environment name, in every display name."
  type        = string
}

variable "billing_account" {
  description = "Billing account the budget belongs to."
  type        = string
}

variable "monthly_budget_brl" {
  description = "Monthly budget in BRL."
  type        = number
}

variable "alert_emails" {
  description = "Addresses notified of alerts and budget thresholds."
  type        = list(string)
}

variable "bigquery_daily_bytes_budget" {
  description = "Bytes billed per day above which the BigQuery alert fires."
  type        = number
}

variable "latency_slo_routes" {
  description = "p95 latency objective (ms) per api route template."
  type        = map(number)
}

variable "report_worker_subscription" {
  description = "Subscription whose oldest unacked message is the report queue age."
  type        = string
}

variable "dead_letter_subscriptions" {
  description = "Dead-letter hold subscriptions that must stay empty."
  type        = list(string)
}

variable "api_service" {
  description = "Name of the api Cloud Run service."
  type        = string
}

variable "ingest_service" {
  description = "Name of the ingest Cloud Run service."
  type        = string
}

variable "report_queue_age_seconds" {
  description = "Age of the oldest waiting report request that raises the alert."
  type        = number
  default     = 900
}

variable "error_rate_threshold" {
  description = "Share of 5xx responses (0..1) that raises the alert."
  type        = number
  default     = 0.02
}
