# Mirante's infrastructure, one environment per tfvars file (infra/envs/*.tfvars).
# The modules under infra/ are composed here; the infrastructure issue adds them.

terraform {
  required_version = ">= 1.6"

  required_providers {
    google = {
      source  = "hashicorp/google"
      version = "= 6.50.0"
    }
  }

  # terraform init -backend-config="bucket=<state bucket>" -backend-config="prefix=mirante/<env>"
  backend "gcs" {}
}

variable "project_id" {
  description = "Google Cloud project of this environment."
  type        = string
}

variable "environment" {
  description = "Environment name: dev or prod."
  type        = string
}

variable "region" {
  description = "Region of every regional resource; BigQuery's location equals it (no cross-region data)."
  type        = string
  default     = "southamerica-east1"
}

provider "google" {
  project = var.project_id
  region  = var.region
}
