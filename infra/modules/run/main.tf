# The deployables: four Cloud Run services (one image, functions/cmd/server, picked by
# FUNCTION_TARGET) and the quarto-job Cloud Run Job. One file per deployable
# (function_<name>.tf, job_quarto.tf) holds the service, its environment, who may invoke it and
# every grant its own service account receives, so each file reads as that deployable's whole
# least-privilege story. This file holds what they share.
#
# Images: Terraform creates each service with a bootstrap image and then ignores the image;
# Cloud Build owns it (gcloud run deploy --image ...). Terraform owns everything else.

locals {
  # Each deployable's environment is exactly what its binary reads (infra/envcontract_test.go
  # holds every map below to the binaries' configuration).

  # Every deployable.
  common_env = {
    MIRANTE_ENV        = "production"
    LOG_LEVEL          = "info"
    TELEMETRY_EXPORTER = "gcp"
    # One new trace in ten is recorded and exported (a caller's sampled traceparent is always
    # followed): every request still gets a trace id in its log lines and X-Trace-Id.
    TELEMETRY_SAMPLE_RATIO = "0.1"
  }

  # Deployables that publish or pull report requests (Pub/Sub's project).
  pubsub_env = {
    GOOGLE_CLOUD_PROJECT = var.project_id
  }

  # Deployables that query the warehouse. The SQL names its datasets (landing, core, marts)
  # literally; the bigquery module creates them under those names.
  warehouse_env = {
    WAREHOUSE_ENGINE  = "bigquery"
    BIGQUERY_PROJECT  = var.project_id
    BIGQUERY_LOCATION = var.region
  }

  # Secrets are mounted as environment variables from Secret Manager (never plain values).
  common_secrets = {
    APP_DATABASE_URL = var.app_database_url_secret
  }

  # Cloud Run's Direct VPC egress: private ranges (Cloud SQL, Memorystore) through the VPC,
  # Google APIs and the internet directly.
  vpc_egress = "PRIVATE_RANGES_ONLY"

  # Roles each runtime account needs at project level because they exist nowhere else:
  # exporting its own traces and metrics (issue 9's exporters).
  telemetry_roles = ["roles/monitoring.metricWriter", "roles/cloudtrace.agent"]
}
