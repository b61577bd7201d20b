# Alerts, SLOs, a dashboard and the budget, as code (issue 9's alert list):
#
#   pipeline_failure            log-based metric: event=ingest_contract_broken, or an ingest ERROR
#   source_past_sla             the freshness check found a source past its SLA
#   report_queue_age            the oldest unacked report request is older than the limit
#   dead_letter_not_empty       a message reached a dead-letter topic
#   bigquery_bytes_over_budget  bytes billed by BigQuery in a day over the budget
#   http_5xx_rate               share of 5xx responses of a service over the limit
#   latency_p95_slo             a route burns its p95 latency SLO budget too fast
#
# Contract with the services (issue 9 telemetry): logs are JSON on stdout with Cloud Logging's
# `severity`; the freshness check logs `"event": "source_past_sla"` with `source`; ingest
# failures log at ERROR with `source`, and a refused file with `"event": "ingest_contract_broken"`;
# request durations are the OpenTelemetry histogram http.server.request.duration (seconds)
# exported by the Google Cloud exporter (TELEMETRY_EXPORTER=gcp) as
# workload.googleapis.com/http.server.request.duration with the label http_route (the route
# template). The services' own metrics (shared/telemetry/metrics.go) arrive the same way as
# workload.googleapis.com/mirante.*: query cache lookups by result, warehouse bytes per org,
# report duration and queue age, rate-limit rejections, ingest rows and failures, errors by
# class. Their labels carry org ids, never user ids or e-mails.

locals {
  channels = [for c in google_monitoring_notification_channel.email : c.id]

  latency_metric = "workload.googleapis.com/http.server.request.duration"

  # slo ids: lower case, digits and dashes.
  route_slo_ids = {
    for route, _ in var.latency_slo_routes :
    route => trim(replace(lower(route), "/[^a-z0-9]+/", "-"), "-")
  }

  dead_letter_filter = join(", ", [for s in var.dead_letter_subscriptions : "\"${s}\""])
}

resource "google_monitoring_notification_channel" "email" {
  for_each = toset(var.alert_emails)

  project      = var.project_id
  display_name = "Mirante ${var.environment} on-call: ${each.value}"
  type         = "email"
  labels = {
    email_address = each.value
  }
}

# --- pipeline ------------------------------------------------------------------------------

# Log-based metrics: the services log these events as JSON (telemetry contract above).
resource "google_logging_metric" "pipeline_failures" {
  project     = var.project_id
  name        = "mirante/${var.environment}/pipeline_failures"
  description = "Ingest runs that failed: a file refused by its schema contract (event=ingest_contract_broken) or an ERROR of the ingest service."
  filter = join(" ", [
    "resource.type=\"cloud_run_revision\" AND",
    "(jsonPayload.event=\"ingest_contract_broken\" OR",
    "(resource.labels.service_name=\"${var.ingest_service}\" AND severity>=ERROR))",
  ])

  metric_descriptor {
    metric_kind = "DELTA"
    value_type  = "INT64"
    unit        = "1"
    labels {
      key         = "source"
      value_type  = "STRING"
      description = "Source id of the refused or failed file."
    }
    labels {
      key         = "event"
      value_type  = "STRING"
      description = "ingest_contract_broken, or empty for other errors."
    }
  }

  label_extractors = {
    source = "EXTRACT(jsonPayload.source)"
    event  = "EXTRACT(jsonPayload.event)"
  }
}

resource "google_logging_metric" "sources_past_sla" {
  project     = var.project_id
  name        = "mirante/${var.environment}/sources_past_sla"
  description = "Sources the scheduler's freshness check found past their SLA (event=source_past_sla)."
  filter      = "resource.type=\"cloud_run_revision\" AND jsonPayload.event=\"source_past_sla\""

  metric_descriptor {
    metric_kind = "DELTA"
    value_type  = "INT64"
    unit        = "1"
    labels {
      key         = "source"
      value_type  = "STRING"
      description = "Source id."
    }
  }

  label_extractors = {
    source = "EXTRACT(jsonPayload.source)"
  }
}

resource "google_monitoring_alert_policy" "pipeline_failure" {
  project      = var.project_id
  display_name = "[${var.environment}] Data pipeline failure"
  combiner     = "OR"
  severity     = "ERROR"

  conditions {
    display_name = "ingest refused a file or failed"
    condition_threshold {
      filter          = "metric.type=\"logging.googleapis.com/user/${google_logging_metric.pipeline_failures.name}\" AND resource.type=\"cloud_run_revision\""
      comparison      = "COMPARISON_GT"
      threshold_value = 0
      duration        = "0s"

      aggregations {
        alignment_period     = "300s"
        per_series_aligner   = "ALIGN_SUM"
        cross_series_reducer = "REDUCE_SUM"
        group_by_fields      = ["metric.label.source"]
      }
    }
  }

  alert_strategy {
    auto_close = "86400s"
  }

  notification_channels = local.channels

  documentation {
    mime_type = "text/markdown"
    content   = "An ingest run failed (schema contract broken, load error). The marts kept their previous data. Look at the ingest service logs for the source and line, and at the quarantine/ prefix of the raw bucket."
  }
}

resource "google_monitoring_alert_policy" "source_past_sla" {
  project      = var.project_id
  display_name = "[${var.environment}] Source past its SLA"
  combiner     = "OR"
  severity     = "WARNING"

  conditions {
    display_name = "freshness check flagged a source"
    condition_matched_log {
      filter = join(" AND ", [
        "resource.type=\"cloud_run_revision\"",
        "jsonPayload.event=\"source_past_sla\"",
      ])
      label_extractors = {
        source = "EXTRACT(jsonPayload.source)"
      }
    }
  }

  alert_strategy {
    notification_rate_limit {
      period = "3600s"
    }
    auto_close = "86400s"
  }

  notification_channels = local.channels

  documentation {
    mime_type = "text/markdown"
    content   = "A source's last complete period is older than its SLA allows (GET /v1/sources shows it). Check whether the publisher is late or our ingest failed."
  }
}

# --- reports -------------------------------------------------------------------------------

resource "google_monitoring_alert_policy" "report_queue_age" {
  project      = var.project_id
  display_name = "[${var.environment}] Report queue congested"
  combiner     = "OR"
  severity     = "ERROR"

  conditions {
    display_name = "oldest unacked report request too old"
    condition_threshold {
      filter = join(" AND ", [
        "metric.type=\"pubsub.googleapis.com/subscription/oldest_unacked_message_age\"",
        "resource.type=\"pubsub_subscription\"",
        "resource.label.subscription_id=\"${var.report_worker_subscription}\"",
      ])
      comparison      = "COMPARISON_GT"
      threshold_value = var.report_queue_age_seconds
      duration        = "300s"

      aggregations {
        alignment_period   = "60s"
        per_series_aligner = "ALIGN_MAX"
      }
    }
  }

  notification_channels = local.channels

  documentation {
    mime_type = "text/markdown"
    content   = "Report requests wait longer than expected. Check quarto-job executions (failing? not started?) and the quarto-job-drain scheduler job."
  }
}

resource "google_monitoring_alert_policy" "dead_letter_not_empty" {
  project      = var.project_id
  display_name = "[${var.environment}] Dead-letter topic not empty"
  combiner     = "OR"
  severity     = "ERROR"

  conditions {
    display_name = "undelivered messages in a dead-letter hold subscription"
    condition_threshold {
      filter = join(" AND ", [
        "metric.type=\"pubsub.googleapis.com/subscription/num_undelivered_messages\"",
        "resource.type=\"pubsub_subscription\"",
        "resource.label.subscription_id=one_of(${local.dead_letter_filter})",
      ])
      comparison      = "COMPARISON_GT"
      threshold_value = 0
      duration        = "0s"

      aggregations {
        alignment_period   = "300s"
        per_series_aligner = "ALIGN_MAX"
      }
    }
  }

  notification_channels = local.channels

  documentation {
    mime_type = "text/markdown"
    content   = "A message exhausted its delivery attempts. Pull it from the *-dead-letter-hold subscription, fix the cause, then republish it to the original topic and ack it."
  }
}

# --- warehouse -----------------------------------------------------------------------------

resource "google_monitoring_alert_policy" "bigquery_bytes_over_budget" {
  project      = var.project_id
  display_name = "[${var.environment}] BigQuery bytes over budget"
  combiner     = "OR"
  severity     = "WARNING"

  conditions {
    display_name = "bytes billed in the last day"
    condition_threshold {
      filter          = "metric.type=\"bigquery.googleapis.com/query/scanned_bytes_billed\" AND resource.type=\"global\""
      comparison      = "COMPARISON_GT"
      threshold_value = var.bigquery_daily_bytes_budget
      duration        = "0s"

      aggregations {
        alignment_period     = "86400s"
        per_series_aligner   = "ALIGN_SUM"
        cross_series_reducer = "REDUCE_SUM"
      }
    }
  }

  notification_channels = local.channels

  documentation {
    mime_type = "text/markdown"
    content   = "BigQuery billed more bytes in 24 h than the budget. The api's per-org byte budgets (plans.bytes_per_day) should stop a single tenant; look at the jobs' `org` and `endpoint` labels in INFORMATION_SCHEMA.JOBS for the rest."
  }
}

# --- http ----------------------------------------------------------------------------------

resource "google_monitoring_alert_policy" "http_5xx_rate" {
  project      = var.project_id
  display_name = "[${var.environment}] 5xx rate"
  combiner     = "OR"
  severity     = "CRITICAL"

  conditions {
    display_name = "share of 5xx responses per service"
    condition_threshold {
      filter = join(" AND ", [
        "metric.type=\"run.googleapis.com/request_count\"",
        "resource.type=\"cloud_run_revision\"",
        "metric.label.response_code_class=\"5xx\"",
      ])
      denominator_filter = join(" AND ", [
        "metric.type=\"run.googleapis.com/request_count\"",
        "resource.type=\"cloud_run_revision\"",
      ])
      comparison      = "COMPARISON_GT"
      threshold_value = var.error_rate_threshold
      duration        = "300s"

      aggregations {
        alignment_period     = "60s"
        per_series_aligner   = "ALIGN_RATE"
        cross_series_reducer = "REDUCE_SUM"
        group_by_fields      = ["resource.label.service_name"]
      }

      denominator_aggregations {
        alignment_period     = "60s"
        per_series_aligner   = "ALIGN_RATE"
        cross_series_reducer = "REDUCE_SUM"
        group_by_fields      = ["resource.label.service_name"]
      }
    }
  }

  notification_channels = local.channels

  documentation {
    mime_type = "text/markdown"
    content   = "More than the allowed share of requests failed with 5xx for 5 minutes. Error logs carry the trace id (logging.googleapis.com/trace)."
  }
}

# p95 latency per route, as request-based SLOs: "95% of requests to the route are faster than
# its objective" is exactly "p95 <= objective". The alert fires on a fast burn of the budget.
resource "google_monitoring_custom_service" "api" {
  project      = var.project_id
  service_id   = "mirante-${var.api_service}"
  display_name = "Mirante ${var.api_service} (${var.environment})"
}

resource "google_monitoring_slo" "latency" {
  for_each = var.latency_slo_routes

  project             = var.project_id
  service             = google_monitoring_custom_service.api.service_id
  slo_id              = "latency-${local.route_slo_ids[each.key]}"
  display_name        = "p95 of ${each.key} under ${each.value} ms"
  goal                = 0.95
  rolling_period_days = 28

  request_based_sli {
    distribution_cut {
      distribution_filter = join(" AND ", [
        "metric.type=\"${local.latency_metric}\"",
        "resource.type=\"generic_task\"",
        "metric.label.http_route=\"${each.key}\"",
      ])
      range {
        max = each.value / 1000 # the histogram is in seconds
      }
    }
  }
}

resource "google_monitoring_alert_policy" "latency_p95_slo" {
  project      = var.project_id
  display_name = "[${var.environment}] p95 latency SLO burn per route"
  combiner     = "OR"
  severity     = "WARNING"

  dynamic "conditions" {
    for_each = google_monitoring_slo.latency
    content {
      display_name = "fast burn: ${conditions.key}"
      condition_threshold {
        # Burn rate over one hour; 10x means the 28-day budget would be gone in under 3 days.
        filter          = "select_slo_burn_rate(\"${conditions.value.name}\", \"3600s\")"
        comparison      = "COMPARISON_GT"
        threshold_value = 10
        duration        = "0s"
      }
    }
  }

  notification_channels = local.channels

  documentation {
    mime_type = "text/markdown"
    content   = "A route's p95 latency objective is burning fast. The dashboard's latency per route shows which; traces of slow requests are in Cloud Trace."
  }
}

# --- dashboard -----------------------------------------------------------------------------

resource "google_monitoring_dashboard" "overview" {
  project = var.project_id
  dashboard_json = jsonencode({
    displayName = "Mirante ${var.environment}"
    mosaicLayout = {
      columns = 12
      tiles = [
        {
          xPos = 0, yPos = 0, width = 6, height = 4
          widget = {
            title = "Requests per second by service and class"
            xyChart = {
              dataSets = [{
                plotType = "LINE"
                timeSeriesQuery = {
                  timeSeriesFilter = {
                    filter = "metric.type=\"run.googleapis.com/request_count\" resource.type=\"cloud_run_revision\""
                    aggregation = {
                      alignmentPeriod    = "60s"
                      perSeriesAligner   = "ALIGN_RATE"
                      crossSeriesReducer = "REDUCE_SUM"
                      groupByFields      = ["resource.label.service_name", "metric.label.response_code_class"]
                    }
                  }
                }
              }]
            }
          }
        },
        {
          xPos = 6, yPos = 0, width = 6, height = 4
          widget = {
            title = "p95 latency per api route (s)"
            xyChart = {
              dataSets = [{
                plotType = "LINE"
                timeSeriesQuery = {
                  timeSeriesFilter = {
                    filter = "metric.type=\"${local.latency_metric}\""
                    aggregation = {
                      alignmentPeriod    = "60s"
                      perSeriesAligner   = "ALIGN_DELTA"
                      crossSeriesReducer = "REDUCE_PERCENTILE_95"
                      groupByFields      = ["metric.label.http_route"]
                    }
                  }
                }
              }]
            }
          }
        },
        {
          xPos = 0, yPos = 4, width = 6, height = 4
          widget = {
            title = "Report queue: oldest unacked request (s)"
            xyChart = {
              dataSets = [{
                plotType = "LINE"
                timeSeriesQuery = {
                  timeSeriesFilter = {
                    filter = "metric.type=\"pubsub.googleapis.com/subscription/oldest_unacked_message_age\" resource.label.subscription_id=\"${var.report_worker_subscription}\""
                    aggregation = {
                      alignmentPeriod  = "60s"
                      perSeriesAligner = "ALIGN_MAX"
                    }
                  }
                }
              }]
            }
          }
        },
        {
          xPos = 6, yPos = 4, width = 6, height = 4
          widget = {
            title = "Dead letters waiting"
            xyChart = {
              dataSets = [{
                plotType = "STACKED_BAR"
                timeSeriesQuery = {
                  timeSeriesFilter = {
                    filter = "metric.type=\"pubsub.googleapis.com/subscription/num_undelivered_messages\" resource.label.subscription_id=one_of(${local.dead_letter_filter})"
                    aggregation = {
                      alignmentPeriod  = "300s"
                      perSeriesAligner = "ALIGN_MAX"
                    }
                  }
                }
              }]
            }
          }
        },
        {
          xPos = 0, yPos = 8, width = 6, height = 4
          widget = {
            title = "BigQuery bytes billed per hour"
            xyChart = {
              dataSets = [{
                plotType = "STACKED_BAR"
                timeSeriesQuery = {
                  timeSeriesFilter = {
                    filter = "metric.type=\"bigquery.googleapis.com/query/scanned_bytes_billed\""
                    aggregation = {
                      alignmentPeriod    = "3600s"
                      perSeriesAligner   = "ALIGN_SUM"
                      crossSeriesReducer = "REDUCE_SUM"
                    }
                  }
                }
              }]
            }
          }
        },
        {
          xPos = 6, yPos = 8, width = 6, height = 4
          widget = {
            title = "Cloud SQL CPU utilisation"
            xyChart = {
              dataSets = [{
                plotType = "LINE"
                timeSeriesQuery = {
                  timeSeriesFilter = {
                    filter = "metric.type=\"cloudsql.googleapis.com/database/cpu/utilization\" resource.type=\"cloudsql_database\""
                    aggregation = {
                      alignmentPeriod  = "60s"
                      perSeriesAligner = "ALIGN_MEAN"
                    }
                  }
                }
              }]
            }
          }
        },
        {
          xPos = 0, yPos = 12, width = 6, height = 4
          widget = {
            title = "Query cache lookups by result (hit rate)"
            xyChart = {
              dataSets = [{
                plotType = "STACKED_AREA"
                timeSeriesQuery = {
                  timeSeriesFilter = {
                    filter = "metric.type=\"workload.googleapis.com/mirante.query.cache.lookups\""
                    aggregation = {
                      alignmentPeriod    = "300s"
                      perSeriesAligner   = "ALIGN_RATE"
                      crossSeriesReducer = "REDUCE_SUM"
                      groupByFields      = ["metric.label.result"]
                    }
                  }
                }
              }]
            }
          }
        },
        {
          xPos = 6, yPos = 12, width = 6, height = 4
          widget = {
            title = "Warehouse bytes processed per org"
            xyChart = {
              dataSets = [{
                plotType = "STACKED_BAR"
                timeSeriesQuery = {
                  timeSeriesFilter = {
                    filter = "metric.type=\"workload.googleapis.com/mirante.warehouse.bytes_processed\""
                    aggregation = {
                      alignmentPeriod    = "300s"
                      perSeriesAligner   = "ALIGN_DELTA"
                      crossSeriesReducer = "REDUCE_SUM"
                      groupByFields      = ["metric.label.org_id"]
                    }
                  }
                }
              }]
            }
          }
        },
        {
          xPos = 0, yPos = 16, width = 6, height = 4
          widget = {
            title = "Report duration p95 (s) by format"
            xyChart = {
              dataSets = [{
                plotType = "LINE"
                timeSeriesQuery = {
                  timeSeriesFilter = {
                    filter = "metric.type=\"workload.googleapis.com/mirante.report.duration\""
                    aggregation = {
                      alignmentPeriod    = "300s"
                      perSeriesAligner   = "ALIGN_DELTA"
                      crossSeriesReducer = "REDUCE_PERCENTILE_95"
                      groupByFields      = ["metric.label.format"]
                    }
                  }
                }
              }]
            }
          }
        },
        {
          xPos = 6, yPos = 16, width = 6, height = 4
          widget = {
            title = "Report queue age p95 (s), as the worker saw it"
            xyChart = {
              dataSets = [{
                plotType = "LINE"
                timeSeriesQuery = {
                  timeSeriesFilter = {
                    filter = "metric.type=\"workload.googleapis.com/mirante.report.queue_age\""
                    aggregation = {
                      alignmentPeriod    = "300s"
                      perSeriesAligner   = "ALIGN_DELTA"
                      crossSeriesReducer = "REDUCE_PERCENTILE_95"
                    }
                  }
                }
              }]
            }
          }
        },
        {
          xPos = 0, yPos = 20, width = 6, height = 4
          widget = {
            title = "Errors answered, by class"
            xyChart = {
              dataSets = [{
                plotType = "STACKED_BAR"
                timeSeriesQuery = {
                  timeSeriesFilter = {
                    filter = "metric.type=\"workload.googleapis.com/mirante.errors\""
                    aggregation = {
                      alignmentPeriod    = "300s"
                      perSeriesAligner   = "ALIGN_RATE"
                      crossSeriesReducer = "REDUCE_SUM"
                      groupByFields      = ["metric.label.class"]
                    }
                  }
                }
              }]
            }
          }
        },
        {
          xPos = 6, yPos = 20, width = 6, height = 4
          widget = {
            title = "Rate-limit rejections per org and bucket"
            xyChart = {
              dataSets = [{
                plotType = "STACKED_BAR"
                timeSeriesQuery = {
                  timeSeriesFilter = {
                    filter = "metric.type=\"workload.googleapis.com/mirante.ratelimit.rejections\""
                    aggregation = {
                      alignmentPeriod    = "300s"
                      perSeriesAligner   = "ALIGN_RATE"
                      crossSeriesReducer = "REDUCE_SUM"
                      groupByFields      = ["metric.label.org_id", "metric.label.bucket"]
                    }
                  }
                }
              }]
            }
          }
        },
        {
          xPos = 0, yPos = 24, width = 6, height = 4
          widget = {
            title = "Ingest rows loaded per source"
            xyChart = {
              dataSets = [{
                plotType = "STACKED_BAR"
                timeSeriesQuery = {
                  timeSeriesFilter = {
                    filter = "metric.type=\"workload.googleapis.com/mirante.ingest.rows\""
                    aggregation = {
                      alignmentPeriod    = "300s"
                      perSeriesAligner   = "ALIGN_DELTA"
                      crossSeriesReducer = "REDUCE_SUM"
                      groupByFields      = ["metric.label.source"]
                    }
                  }
                }
              }]
            }
          }
        },
        {
          xPos = 6, yPos = 24, width = 6, height = 4
          widget = {
            title = "Pipeline failures per source (log-based)"
            xyChart = {
              dataSets = [{
                plotType = "STACKED_BAR"
                timeSeriesQuery = {
                  timeSeriesFilter = {
                    filter = "metric.type=\"logging.googleapis.com/user/${google_logging_metric.pipeline_failures.name}\""
                    aggregation = {
                      alignmentPeriod    = "300s"
                      perSeriesAligner   = "ALIGN_DELTA"
                      crossSeriesReducer = "REDUCE_SUM"
                      groupByFields      = ["metric.label.source"]
                    }
                  }
                }
              }]
            }
          }
        },
      ]
    }
  })
}

# --- budget --------------------------------------------------------------------------------

resource "google_billing_budget" "project" {
  billing_account = var.billing_account
  display_name    = "Mirante ${var.environment} monthly"

  budget_filter {
    projects        = ["projects/${var.project_number}"]
    calendar_period = "MONTH"
  }

  amount {
    specified_amount {
      # Must be the billing account's currency.
      currency_code = "BRL"
      units         = tostring(var.monthly_budget_brl)
    }
  }

  threshold_rules {
    threshold_percent = 0.5
  }

  threshold_rules {
    threshold_percent = 0.9
  }

  threshold_rules {
    threshold_percent = 1.0
  }

  threshold_rules {
    threshold_percent = 1.0
    spend_basis       = "FORECASTED_SPEND"
  }

  all_updates_rule {
    monitoring_notification_channels = local.channels
    disable_default_iam_recipients   = false
  }
}
