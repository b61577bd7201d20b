package api

import (
	"github.com/mirante/mirante/shared/config"
	"github.com/mirante/mirante/shared/firebase"
	"github.com/mirante/mirante/shared/postgres"
	"github.com/mirante/mirante/shared/telemetry"
)

// Config is the api function's whole configuration.
type Config struct {
	Runtime  config.Runtime
	Postgres postgres.Config
	Firebase firebase.Config
	Log      telemetry.Config
}

// Parts lists the configuration parts, for loading and for the README table.
func (c *Config) Parts() []any {
	return []any{&c.Runtime, &c.Postgres, &c.Firebase, &c.Log}
}

// LoadConfig reads and validates the configuration from the environment.
func LoadConfig() (Config, error) {
	var c Config
	if err := config.Load(c.Parts()...); err != nil {
		return c, err
	}
	return c, c.Validate()
}

// Validate checks what spans parts.
func (c *Config) Validate() error {
	if c.Runtime.Production() && c.Firebase.Emulated() {
		return config.Errorf("FIREBASE_AUTH_EMULATOR_HOST", "must not be set when MIRANTE_ENV=production")
	}
	return nil
}
