package httpapi

import (
	"github.com/mirante/mirante/shared/config"
)

// Config is the HTTP layer's settings.
type Config struct {
	CursorSecret string `envconfig:"CURSOR_SECRET" desc:"HMAC key of list and query cursors, at least 32 bytes; required in production (locally a fixed development key is used)"`
	MaxBodyBytes int64  `envconfig:"MAX_BODY_BYTES" default:"1048576" desc:"largest JSON request body accepted"`
}

// DevCursorSecret signs cursors when CURSOR_SECRET is unset outside production.
const DevCursorSecret = "mirante-local-development-cursor-key"

// Validate checks the settings.
func (c *Config) Validate() error {
	if c.CursorSecret != "" && len(c.CursorSecret) < 32 {
		return config.Errorf("CURSOR_SECRET", "must be at least 32 bytes")
	}
	if c.MaxBodyBytes < 1024 {
		return config.Errorf("MAX_BODY_BYTES", "must be at least 1024")
	}
	return nil
}

// Secret returns the cursor key to use.
func (c *Config) Secret() []byte {
	if c.CursorSecret == "" {
		return []byte(DevCursorSecret)
	}
	return []byte(c.CursorSecret)
}
