variable "project_id" {
  description = "Project of the datasets."
  type        = string
}

variable "region" {
  description = "Location of every dataset (the region: no multi-region, no cross-region)."
  type        = string
}

variable "tenant_datasets" {
  description = "Dataset names of the dataset-mode tenants."
  type        = list(string)

  validation {
    condition     = alltrue([for d in var.tenant_datasets : can(regex("^tenant_[a-z0-9_]{1,120}$", d))])
    error_message = "Each tenant dataset name must look like tenant_<slug with underscores>."
  }
}

variable "deletion_protection" {
  description = "Refuse to delete tables from Terraform."
  type        = bool
}

variable "tenant_metrics_readers" {
  description = "IAM members (serviceAccount:...) that the row access policy on marts.tenant_metrics lets see every row."
  type        = list(string)
}
