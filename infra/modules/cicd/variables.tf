variable "project_id" {
  description = "Project built and deployed."
  type        = string
}

variable "project_number" {
  description = "Project number (the worker pool's peered network is named with it)."
  type        = string
}

variable "region" {
  description = "Region of the repository, the pool and the trigger."
  type        = string
}

variable "environment" {
  description = "Environment name (trigger name and _ENV substitution)."
  type        = string
}

variable "network_name" {
  description = "Name of the VPC the pool is peered with."
  type        = string
}

variable "deployer_email" {
  description = "E-mail of the deployer account."
  type        = string
}

variable "deployer_name" {
  description = "Resource name of the deployer account (the trigger runs as it)."
  type        = string
}

variable "runtime_sa_names" {
  description = "Resource names of the five runtime accounts, by deployable."
  type        = map(string)
}

variable "run_services" {
  description = "Names of the Cloud Run services the deployer updates."
  type        = list(string)
}

variable "run_jobs" {
  description = "Names of the Cloud Run jobs the deployer updates."
  type        = list(string)
}

variable "owner_secret_id" {
  description = "Secret (id) of mirante_owner's password."
  type        = string
}

variable "app_secret_id" {
  description = "Secret (id) of mirante_app's password."
  type        = string
}

variable "sql_connection" {
  description = "Cloud SQL connection name (project:region:instance)."
  type        = string
}

variable "hosting_site_id" {
  description = "Firebase Hosting site the build deploys."
  type        = string
}

variable "build_repository" {
  description = "Cloud Build 2nd-gen repository resource; empty: no trigger."
  type        = string
}

variable "build_branch" {
  description = "Branch regex that triggers a deploy."
  type        = string
}
