variable "project_id" {
  description = "Project of the buckets; their names start with it (bucket names are global)."
  type        = string
}

variable "region" {
  description = "Location of both buckets (regional: data stays in the region)."
  type        = string
}

variable "ingest_events_topic" {
  description = "Topic (id) that raw-bucket finalize notifications go to."
  type        = string
}

variable "ingest_object_prefix" {
  description = "Object prefixes of the raw bucket whose new objects are ingested."
  type        = list(string)
}

variable "raw_noncurrent_days" {
  description = "Days a replaced raw file version is kept."
  type        = number
  default     = 180
}

variable "reports_retention_days" {
  description = "Days a rendered report is kept (it can be rendered again from its manifest)."
  type        = number
  default     = 400
}
