variable "project_id" {
  description = "Project of the service accounts."
  type        = string
}

variable "environment" {
  description = "Environment name, suffix of every account id."
  type        = string
}
