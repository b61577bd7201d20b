output "network_id" {
  description = "VPC id (projects/P/global/networks/mirante)."
  value       = google_compute_network.vpc.id
}

output "run_subnetwork_id" {
  description = "Subnet id for Cloud Run Direct VPC egress."
  value       = google_compute_subnetwork.run.id
}

output "private_vpc_connection" {
  description = "The private services connection; Cloud SQL, Memorystore and the build pool wait for it."
  value       = google_service_networking_connection.private_services.id
}

output "network_name" {
  description = "VPC name."
  value       = google_compute_network.vpc.name
}
