variable "project_id" {
  description = "Project of the services and the job."
  type        = string
}

variable "region" {
  description = "Region of the services and the job."
  type        = string
}

variable "project_number" {
  description = "Number of the project (apis module output); it is part of Cloud Run's deterministic service URLs."
  type        = string
}

variable "deletion_protection" {
  description = "Refuse to delete the services and the job from Terraform."
  type        = bool
}

variable "api_min_instances" {
  description = "Warm api instances."
  type        = number
}

variable "functions_image" {
  description = "Image the services are created with; Cloud Build replaces it on every deploy (Terraform ignores it afterwards)."
  type        = string
  default     = "us-docker.pkg.dev/cloudrun/container/hello"
}

variable "job_image" {
  description = "Image the job is created with; Cloud Build replaces it on every deploy."
  type        = string
  default     = "us-docker.pkg.dev/cloudrun/container/job"
}

variable "network_id" {
  description = "VPC for Direct VPC egress."
  type        = string
}

variable "subnetwork_id" {
  description = "Subnet for Direct VPC egress."
  type        = string
}

variable "service_accounts" {
  description = "E-mails of the service accounts, by role (iam module output emails)."
  type = object({
    api           = string
    scheduler     = string
    dispatch      = string
    ingest        = string
    quarto_job    = string
    pubsub_push   = string
    tasks_invoker = string
    cron_invoker  = string
    deployer      = string
  })
}

variable "service_account_ids" {
  description = "Resource names of the service accounts, by role (iam module output names)."
  type = object({
    api           = string
    scheduler     = string
    dispatch      = string
    ingest        = string
    quarto_job    = string
    pubsub_push   = string
    tasks_invoker = string
    cron_invoker  = string
    deployer      = string
  })
}

variable "app_database_url_secret" {
  description = "Secret (id) of APP_DATABASE_URL."
  type        = string
}

variable "redis_url_secret" {
  description = "Secret (id) of REDIS_URL."
  type        = string
}

variable "raw_bucket" {
  description = "Name of the raw bucket."
  type        = string
}

variable "reports_bucket" {
  description = "Name of the reports bucket."
  type        = string
}

variable "report_requests_topic" {
  description = "Topic (id) of report requests."
  type        = string
}

variable "report_requests_topic_name" {
  description = "Short name of the report requests topic."
  type        = string
}

variable "report_worker_subscription" {
  description = "Subscription (id) the job pulls."
  type        = string
}

variable "report_worker_subscription_name" {
  description = "Short name of the subscription the job pulls."
  type        = string
}

variable "tasks_queue_id" {
  description = "Cloud Tasks queue (id) the scheduler enqueues on."
  type        = string
}

variable "tasks_queue_name" {
  description = "Short name of that queue."
  type        = string
}

variable "datasets" {
  description = "Dataset id of each warehouse layer (landing, core, marts)."
  type        = map(string)
}

variable "tenant_dataset_ids" {
  description = "Dataset ids of the dataset-mode tenants."
  type        = list(string)
}
