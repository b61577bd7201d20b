# A private VPC for the environment:
# - a subnet in the region for Cloud Run Direct VPC egress (no Serverless VPC Access connector
#   VMs to pay for or scale), so the services reach Cloud SQL's private IP and Memorystore;
# - private services access (a peering range + the servicenetworking connection) through which
#   Cloud SQL, Memorystore and the Cloud Build private pool get private addresses.
# Nothing here has an external address; egress to Google APIs uses Private Google Access.

resource "google_compute_network" "vpc" {
  project                 = var.project_id
  name                    = "mirante"
  auto_create_subnetworks = false
  routing_mode            = "REGIONAL"
}

resource "google_compute_subnetwork" "run" {
  project                  = var.project_id
  name                     = "mirante-run"
  region                   = var.region
  network                  = google_compute_network.vpc.id
  ip_cidr_range            = var.run_subnet_cidr
  private_ip_google_access = true

  log_config {
    aggregation_interval = "INTERVAL_10_MIN"
    flow_sampling        = 0.1
    metadata             = "INCLUDE_ALL_METADATA"
  }
}

# Private services access: one /16 reserved for Google-managed producers in this VPC.
resource "google_compute_global_address" "private_services" {
  project       = var.project_id
  name          = "mirante-private-services"
  purpose       = "VPC_PEERING"
  address_type  = "INTERNAL"
  prefix_length = 16
  network       = google_compute_network.vpc.id
}

resource "google_service_networking_connection" "private_services" {
  network                 = google_compute_network.vpc.id
  service                 = "servicenetworking.googleapis.com"
  reserved_peering_ranges = [google_compute_global_address.private_services.name]
  # ABANDON: removing the peering while Cloud SQL still uses it fails; let it go with the VPC.
  deletion_policy = "ABANDON"
}
