variable "project_id" {
  description = "Project whose APIs are enabled."
  type        = string
}
