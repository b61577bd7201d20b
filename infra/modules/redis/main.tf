# Memorystore for Redis: the api's cache and rate-limit counters (and the report job's query
# cache). Private services access only, AUTH on. The REDIS_URL the services read (with the AUTH
# string) is kept in Secret Manager, replicated only inside the region.
#
# In-transit encryption stays off for now: Memorystore's server certificate is signed by a
# per-instance CA that the services' REDIS_URL cannot carry yet. Traffic never leaves the VPC
# peering; turn transit_encryption on (and switch to rediss://) once the redis client loads the
# instance CA (server_ca_certs).

resource "google_redis_instance" "cache" {
  project        = var.project_id
  name           = "mirante-cache"
  region         = var.region
  tier           = var.tier
  memory_size_gb = var.memory_gb
  redis_version  = "REDIS_7_2"

  authorized_network      = var.network_id
  connect_mode            = "PRIVATE_SERVICE_ACCESS"
  auth_enabled            = true
  transit_encryption_mode = "DISABLED"

  # A cache: evict least recently used keys rather than refusing writes when full.
  redis_configs = {
    maxmemory-policy = "allkeys-lru"
  }

  maintenance_policy {
    weekly_maintenance_window {
      day = "SUNDAY"
      start_time {
        hours   = 6
        minutes = 0
        seconds = 0
        nanos   = 0
      }
    }
  }
}

resource "google_secret_manager_secret" "redis_url" {
  project   = var.project_id
  secret_id = "redis-url"

  replication {
    user_managed {
      replicas {
        location = var.region
      }
    }
  }
}

resource "google_secret_manager_secret_version" "redis_url" {
  secret = google_secret_manager_secret.redis_url.id
  secret_data = format("redis://:%s@%s:%d/0",
    urlencode(google_redis_instance.cache.auth_string),
    google_redis_instance.cache.host,
    google_redis_instance.cache.port,
  )
}
