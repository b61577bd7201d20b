variable "project_id" {
  description = "Project Firebase is added to."
  type        = string
}

variable "hosting_site_id" {
  description = "Hosting site id (globally unique; <id>.web.app)."
  type        = string
}
