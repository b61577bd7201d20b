# The warehouse, all in var.region (location = the region: no data leaves it).
#
#   landing  typed rows, schema contract checked
#   core     facts and dimensions (staging, the cleaned rows with IBGE/CNAE/NCM keys
#            normalised, lives only as TEMP tables of each load's script: no dataset)
#   marts    what the api and the report job read: partitioned by month or year, clustered by
#            their join keys, partition filter required on the large ones
#   tenant_* one dataset per dataset-mode tenant (orgs.warehouse_dataset), with its own
#            tenant_metrics (no tenant_key column: the dataset is the boundary)
#
# Who may read or write which dataset is granted per dataset, next to each deployable (run
# module). The marts' schemas are the JSON files in schemas/. Terraform creates the marts
# before any model runs, so the models' CREATE TABLE IF NOT EXISTS does nothing here: the
# schema files, partitioning and clustering must equal the models' declarations
# (shared/ingest/models/bigquery/ddl_marts_*.sql; shared/duckdb/schema.sql for tenant_metrics)
# and the semantic catalog's. infra/schemas_test.go holds them equal.

locals {
  layers = {
    landing = "Typed rows of each source file, schema contract checked."
    core    = "Facts and dimensions."
    marts   = "What the app reads: partitioned, clustered, tenant-scoped where needed."
  }
}

resource "google_bigquery_dataset" "layer" {
  for_each = local.layers

  project                    = var.project_id
  dataset_id                 = each.key
  friendly_name              = each.key
  description                = each.value
  location                   = var.region
  max_time_travel_hours      = 168
  delete_contents_on_destroy = false

  labels = {
    layer = each.key
  }
}

resource "google_bigquery_dataset" "tenant" {
  for_each = toset(var.tenant_datasets)

  project                    = var.project_id
  dataset_id                 = each.key
  friendly_name              = each.key
  description                = "Dataset-mode tenant: this org's own marts."
  location                   = var.region
  max_time_travel_hours      = 168
  delete_contents_on_destroy = false

  labels = {
    layer = "tenant"
  }
}

# --- marts ---------------------------------------------------------------------------------

resource "google_bigquery_table" "comex_monthly" {
  project             = var.project_id
  dataset_id          = google_bigquery_dataset.layer["marts"].dataset_id
  table_id            = "comex_monthly"
  description         = "Comex Stat exports and imports by month, NCM, partner country and UF."
  schema              = file("${path.module}/schemas/comex_monthly.json")
  deletion_protection = var.deletion_protection

  time_partitioning {
    type  = "MONTH"
    field = "month"
  }
  clustering               = ["flow", "uf", "sh4"]
  require_partition_filter = true
}

resource "google_bigquery_table" "comex_municipal_monthly" {
  project             = var.project_id
  dataset_id          = google_bigquery_dataset.layer["marts"].dataset_id
  table_id            = "comex_municipal_monthly"
  description         = "Comex Stat exports and imports by month, municipality, SH4 and partner country."
  schema              = file("${path.module}/schemas/comex_municipal_monthly.json")
  deletion_protection = var.deletion_protection

  time_partitioning {
    type  = "MONTH"
    field = "month"
  }
  clustering               = ["flow", "uf", "municipio"]
  require_partition_filter = true
}

resource "google_bigquery_table" "antaq_monthly" {
  project             = var.project_id
  dataset_id          = google_bigquery_dataset.layer["marts"].dataset_id
  table_id            = "antaq_monthly"
  description         = "ANTAQ port cargo by month, port, navigation type, cargo nature and direction."
  schema              = file("${path.module}/schemas/antaq_monthly.json")
  deletion_protection = var.deletion_protection

  time_partitioning {
    type  = "MONTH"
    field = "month"
  }
  clustering               = ["port", "uf"]
  require_partition_filter = true
}

resource "google_bigquery_table" "caged_monthly" {
  project             = var.project_id
  dataset_id          = google_bigquery_dataset.layer["marts"].dataset_id
  table_id            = "caged_monthly"
  description         = "Novo CAGED formal employment flows by month, municipality and CNAE section."
  schema              = file("${path.module}/schemas/caged_monthly.json")
  deletion_protection = var.deletion_protection

  time_partitioning {
    type  = "MONTH"
    field = "month"
  }
  clustering               = ["uf", "municipio", "cnae_section"]
  require_partition_filter = true
}

resource "google_bigquery_table" "pib_municipal" {
  project             = var.project_id
  dataset_id          = google_bigquery_dataset.layer["marts"].dataset_id
  table_id            = "pib_municipal"
  description         = "IBGE PIB dos Municipios by year and municipality."
  schema              = file("${path.module}/schemas/pib_municipal.json")
  deletion_protection = var.deletion_protection

  range_partitioning {
    field = "year"
    range {
      start    = 1999
      end      = 2100
      interval = 1
    }
  }
  clustering = ["uf", "municipio"]
}

resource "google_bigquery_table" "ipca_monthly" {
  project             = var.project_id
  dataset_id          = google_bigquery_dataset.layer["marts"].dataset_id
  table_id            = "ipca_monthly"
  description         = "IPCA index and monthly and 12-month changes."
  schema              = file("${path.module}/schemas/ipca_monthly.json")
  deletion_protection = var.deletion_protection

  # Twelve rows a year: monthly partitions would be too small to be worth it.
  time_partitioning {
    type  = "YEAR"
    field = "month"
  }
}

resource "google_bigquery_table" "siconfi_annual" {
  project             = var.project_id
  dataset_id          = google_bigquery_dataset.layer["marts"].dataset_id
  table_id            = "siconfi_annual"
  description         = "Siconfi/FINBRA municipal accounts by year."
  schema              = file("${path.module}/schemas/siconfi_annual.json")
  deletion_protection = var.deletion_protection

  range_partitioning {
    field = "year"
    range {
      start    = 2000
      end      = 2100
      interval = 1
    }
  }
  clustering = ["uf", "municipio", "account"]
}

resource "google_bigquery_table" "tenant_metrics" {
  project             = var.project_id
  dataset_id          = google_bigquery_dataset.layer["marts"].dataset_id
  table_id            = "tenant_metrics"
  description         = "Row-mode tenants' uploaded metrics; every query filters tenant_key."
  schema              = file("${path.module}/schemas/tenant_metrics.json")
  deletion_protection = var.deletion_protection

  time_partitioning {
    type  = "MONTH"
    field = "month"
  }
  # tenant_key first: a tenant's query reads only its own blocks.
  clustering = ["tenant_key", "metric"]
}

resource "google_bigquery_table" "tenant_dataset_metrics" {
  for_each = google_bigquery_dataset.tenant

  project             = var.project_id
  dataset_id          = each.value.dataset_id
  table_id            = "tenant_metrics"
  description         = "This dataset-mode tenant's uploaded metrics."
  schema              = file("${path.module}/schemas/tenant_metrics_dataset.json")
  deletion_protection = var.deletion_protection

  time_partitioning {
    type  = "MONTH"
    field = "month"
  }
  clustering = ["metric"]
}

# Defence in depth on the shared tenant table: once a table has a row access policy, a
# principal that no policy names sees no rows at all. Only our services are named (with every
# row: one service account serves every tenant, so BigQuery cannot tell tenants apart by
# principal). Tenant isolation itself is the query compiler's `tenant_key = @tenant`; this
# policy makes sure that anyone later given dataViewer on marts for analysis (a human, a BI
# tool) does not see tenants' rows by accident.
resource "google_bigquery_row_access_policy" "tenant_metrics_services" {
  project          = var.project_id
  dataset_id       = google_bigquery_table.tenant_metrics.dataset_id
  table_id         = google_bigquery_table.tenant_metrics.table_id
  policy_id        = "services_all_rows"
  filter_predicate = "TRUE"
  grantees         = var.tenant_metrics_readers
}
