variable "project_id" {
  description = "Project of the topics and subscriptions."
  type        = string
}

variable "region" {
  description = "The only region where messages are persisted."
  type        = string
}

variable "project_number" {
  description = "Project number (names the Pub/Sub service agent)."
  type        = string
}

variable "ingest_push_url" {
  description = "URL of the ingest Cloud Run service (push endpoint and OIDC audience)."
  type        = string
}

variable "push_invoker_sa" {
  description = "E-mail of the account whose OIDC token the push carries."
  type        = string
}

variable "push_invoker_name" {
  description = "Resource name of that account (the service agent may mint its tokens)."
  type        = string
}

variable "report_max_attempts" {
  description = "Deliveries of a report request before it is dead-lettered (the job marks the report failed on the last)."
  type        = number
  default     = 5
}

variable "ingest_max_attempts" {
  description = "Deliveries of an ingest event before it is dead-lettered."
  type        = number
  default     = 5
}
