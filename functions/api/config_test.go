package api

import (
	"testing"

	"github.com/mirante/mirante/shared/bigquery"
	"github.com/mirante/mirante/shared/config/configtest"
)

func TestConfigIsDocumented(t *testing.T) {
	var c Config
	// The warehouse engine reads its own settings when it is opened.
	configtest.AssertDocumented(t, "../../shared/config/README.md", append(c.Parts(), &bigquery.Config{})...)
}

func TestProductionRefusesTheEmulator(t *testing.T) {
	t.Setenv("APP_DATABASE_URL", "postgres://u@localhost/db")
	t.Setenv("MIRANTE_ENV", "production")
	t.Setenv("FIREBASE_PROJECT_ID", "mirante-prod")
	t.Setenv("FIREBASE_AUTH_EMULATOR_HOST", "127.0.0.1:9099")
	_, err := LoadConfig()
	if err == nil || err.Error() != "FIREBASE_AUTH_EMULATOR_HOST: must not be set when MIRANTE_ENV=production" {
		t.Fatalf("LoadConfig() error = %v", err)
	}
}

func TestMissingDatabaseURLNamesTheVariable(t *testing.T) {
	t.Setenv("APP_DATABASE_URL", "")
	_, err := LoadConfig()
	if err == nil || err.Error() != "APP_DATABASE_URL: required but not set" {
		t.Fatalf("LoadConfig() error = %v", err)
	}
	t.Setenv("APP_DATABASE_URL", "postgres://user:hunter2@host:notaport/db")
	_, err = LoadConfig()
	if err == nil || err.Error() != "APP_DATABASE_URL: not a valid PostgreSQL connection URL" {
		t.Fatalf("LoadConfig() error = %v", err)
	}
}
