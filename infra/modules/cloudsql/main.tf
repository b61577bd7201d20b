# Cloud SQL for PostgreSQL 16, private IP only, with point-in-time recovery.
#
# Roles (README "Tenancy"):
# - mirante_owner owns the schema and runs migrations. Created here through the Cloud SQL API,
#   which also gives it CREATEROLE and CREATEDB (attributes are not inherited, and it is neither
#   SUPERUSER nor BYPASSRLS, so the FORCEd row-level security applies to it as well).
# - mirante_app is what every service connects as: LOGIN NOSUPERUSER NOBYPASSRLS, owns nothing,
#   member of no role. It is deliberately NOT a google_sql_user: users made through the API join
#   cloudsqlsuperuser. Cloud Build creates it as mirante_owner with `go run ./infra/cmd/dbroles`
#   (idempotent; it also verifies both roles' attributes and fails the deploy if they drift),
#   before the migrations, whose first statement refuses to run without it.
# Passwords are generated here and live in Secret Manager (and in the state, which is why the
# state bucket is private and versioned). Secrets replicate only inside var.region.

resource "google_sql_database_instance" "main" {
  project          = var.project_id
  name             = var.instance_name
  region           = var.region
  database_version = "POSTGRES_16"

  # Terraform-side guard and API-side guard: both follow var.deletion_protection (true in prod).
  deletion_protection = var.deletion_protection

  settings {
    # PostgreSQL 16 defaults to ENTERPRISE_PLUS, which only takes db-perf-optimized tiers.
    edition           = "ENTERPRISE"
    tier              = var.tier
    availability_type = var.availability_type
    disk_type         = "PD_SSD"
    disk_size         = var.disk_size_gb
    disk_autoresize   = true

    deletion_protection_enabled = var.deletion_protection

    ip_configuration {
      # Private IP only: reachable from the VPC (Cloud Run Direct VPC egress, the build pool).
      ipv4_enabled    = false
      private_network = var.network_id
      # TLS required on every connection (the URLs use sslmode=require).
      ssl_mode = "ENCRYPTED_ONLY"
    }

    backup_configuration {
      enabled                        = true
      point_in_time_recovery_enabled = true
      start_time                     = "05:00" # 02:00 in Sao Paulo, the quietest hour
      transaction_log_retention_days = 7
      # Backups stay in the region (the default would be a multi-region).
      location = var.region

      backup_retention_settings {
        retained_backups = var.retained_backups
        retention_unit   = "COUNT"
      }
    }

    maintenance_window {
      day          = 7 # Sunday
      hour         = 6 # 03:00 in Sao Paulo
      update_track = "stable"
    }

    insights_config {
      query_insights_enabled = true
      # Never record client addresses or application tags: query shapes are enough.
      record_client_address   = false
      record_application_tags = false
    }

    database_flags {
      name  = "log_connections"
      value = "on"
    }

    database_flags {
      name  = "log_lock_waits"
      value = "on"
    }

    user_labels = {
      component = "postgres"
    }
  }
}

resource "google_sql_database" "mirante" {
  project  = var.project_id
  instance = google_sql_database_instance.main.name
  name     = "mirante"
  # The schema is the migrations' business; never drop the database from here.
  deletion_policy = "ABANDON"
}

resource "random_password" "owner" {
  length  = 32
  special = false
}

resource "random_password" "app" {
  length  = 32
  special = false
}

resource "google_sql_user" "owner" {
  project  = var.project_id
  instance = google_sql_database_instance.main.name
  name     = "mirante_owner"
  password = random_password.owner.result
  # The owner owns the schema; PostgreSQL refuses to drop a role that owns objects.
  deletion_policy = "ABANDON"
}

# --- secrets ---------------------------------------------------------------------------------

resource "google_secret_manager_secret" "owner_password" {
  project   = var.project_id
  secret_id = "db-owner-password"

  replication {
    user_managed {
      replicas {
        location = var.region
      }
    }
  }
}

resource "google_secret_manager_secret_version" "owner_password" {
  secret      = google_secret_manager_secret.owner_password.id
  secret_data = random_password.owner.result
}

resource "google_secret_manager_secret" "app_password" {
  project   = var.project_id
  secret_id = "db-app-password"

  replication {
    user_managed {
      replicas {
        location = var.region
      }
    }
  }
}

resource "google_secret_manager_secret_version" "app_password" {
  secret      = google_secret_manager_secret.app_password.id
  secret_data = random_password.app.result
}

# What the services read as APP_DATABASE_URL: the app role over the private IP, TLS required.
resource "google_secret_manager_secret" "app_database_url" {
  project   = var.project_id
  secret_id = "app-database-url"

  replication {
    user_managed {
      replicas {
        location = var.region
      }
    }
  }
}

resource "google_secret_manager_secret_version" "app_database_url" {
  secret = google_secret_manager_secret.app_database_url.id
  secret_data = format("postgres://mirante_app:%s@%s:5432/%s?sslmode=require",
    urlencode(random_password.app.result),
    google_sql_database_instance.main.private_ip_address,
    google_sql_database.mirante.name,
  )
}
