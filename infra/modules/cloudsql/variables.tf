variable "project_id" {
  description = "Project of the instance."
  type        = string
}

variable "region" {
  description = "Region of the instance, its backups and its secrets."
  type        = string
}

variable "instance_name" {
  description = "Cloud SQL instance name."
  type        = string
  default     = "mirante-pg"
}

variable "network_id" {
  description = "VPC the private IP is allocated in."
  type        = string
}

variable "tier" {
  description = "Machine tier (edition ENTERPRISE), e.g. db-g1-small (dev) or db-custom-2-7680 (prod)."
  type        = string
}

variable "availability_type" {
  description = "ZONAL or REGIONAL."
  type        = string

  validation {
    condition     = contains(["ZONAL", "REGIONAL"], var.availability_type)
    error_message = "The availability_type must be ZONAL or REGIONAL."
  }
}

variable "disk_size_gb" {
  description = "Initial SSD size; it grows automatically."
  type        = number
  default     = 20
}

variable "retained_backups" {
  description = "Automated daily backups kept."
  type        = number
  default     = 14
}

variable "deletion_protection" {
  description = "Refuse to delete the instance (Terraform and API guards)."
  type        = bool
}
