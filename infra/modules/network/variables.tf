variable "project_id" {
  description = "Project of the VPC."
  type        = string
}

variable "region" {
  description = "Region of the Cloud Run subnet."
  type        = string
}

variable "run_subnet_cidr" {
  description = "CIDR of the subnet Cloud Run's Direct VPC egress takes addresses from (a /24 serves ~100 instances)."
  type        = string
  default     = "10.10.0.0/24"
}
