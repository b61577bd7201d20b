package main

import (
	"testing"

	"github.com/mirante/mirante/quarto-job/render"
	"github.com/mirante/mirante/quarto-job/worker"
	"github.com/mirante/mirante/shared/config/configtest"
	"github.com/mirante/mirante/shared/duckdb"
	"github.com/mirante/mirante/shared/postgres"
	"github.com/mirante/mirante/shared/redis"
	"github.com/mirante/mirante/shared/telemetry"
)

func TestConfigIsDocumented(t *testing.T) {
	configtest.AssertDocumented(t, "../../../shared/config/README.md", &ServeConfig{}, &ProvisionConfig{}, &postgres.MigrateConfig{},
		&redis.Config{}, &duckdb.Config{}, &LocalConfig{}, &DemoConfig{}, &IngestConfig{}, &worker.Settings{}, &render.Config{}, &telemetry.Config{})
}
