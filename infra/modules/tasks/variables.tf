variable "project_id" {
  description = "Project of the queue."
  type        = string
}

variable "region" {
  description = "Location of the queue."
  type        = string
}

variable "max_dispatches_per_second" {
  description = "Tasks started per second at most."
  type        = number
  default     = 5
}

variable "max_concurrent_dispatches" {
  description = "Tasks in flight at most."
  type        = number
  default     = 10
}
