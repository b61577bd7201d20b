output "dataset_ids" {
  description = "Dataset id of each layer (landing, core, marts)."
  value       = { for k, d in google_bigquery_dataset.layer : k => d.dataset_id }
}

output "tenant_dataset_ids" {
  description = "Dataset ids of the dataset-mode tenants."
  value       = [for d in google_bigquery_dataset.tenant : d.dataset_id]
}
