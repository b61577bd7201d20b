variable "project_id" {
  description = "Project of the scheduler jobs."
  type        = string
}

variable "region" {
  description = "Region of the scheduler jobs (and of the job they start)."
  type        = string
}

variable "scheduler_url" {
  description = "URL of the scheduler service."
  type        = string
}

variable "quarto_job" {
  description = "Name of the report job."
  type        = string
}

variable "cron_invoker" {
  description = "E-mail of the account the scheduler jobs authenticate as."
  type        = string
}

variable "tick_schedule" {
  description = "Cron of the scheduler tick."
  type        = string
}

variable "drain_schedule" {
  description = "Cron of the report queue drain."
  type        = string
}
