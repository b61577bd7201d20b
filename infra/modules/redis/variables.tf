variable "project_id" {
  description = "Project of the instance."
  type        = string
}

variable "region" {
  description = "Region of the instance and of its secret."
  type        = string
}

variable "network_id" {
  description = "VPC the instance is reachable from."
  type        = string
}

variable "tier" {
  description = "BASIC (dev) or STANDARD_HA (prod: a replica in another zone)."
  type        = string

  validation {
    condition     = contains(["BASIC", "STANDARD_HA"], var.tier)
    error_message = "The tier must be BASIC or STANDARD_HA."
  }
}

variable "memory_gb" {
  description = "Capacity in GiB."
  type        = number
}
