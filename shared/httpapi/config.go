package httpapi

import (
	"github.com/mirante/mirante/shared/config"
)

// Config is the HTTP layer's settings.
type Config struct {
	CursorSecret string `envconfig:"CURSOR_SECRET" desc:"HMAC key of list and query cursors, at least 32 bytes; required in production (locally a fixed development key is used)"`
	MaxBodyBytes int64  `envconfig:"MAX_BODY_BYTES" default:"1048576" desc:"largest JSON request body accepted"`
	// PublicBaseURL makes local download URLs absolute.
	PublicBaseURL  string `envconfig:"PUBLIC_BASE_URL" default:"http://127.0.0.1:8080" desc:"local only: the API's own address, which local download URLs start with"`
	DownloadSecret string `envconfig:"DOWNLOAD_SECRET" desc:"local only: HMAC key of the API-served download URLs (a fixed development key when unset; production uses V4 signed Cloud Storage URLs)"`
}

// DevDownloadSecret signs local download URLs when DOWNLOAD_SECRET is unset.
const DevDownloadSecret = "mirante-local-development-download-key"

// DownloadKey returns the local download URLs' key.
func (c *Config) DownloadKey() []byte {
	if c.DownloadSecret == "" {
		return []byte(DevDownloadSecret)
	}
	return []byte(c.DownloadSecret)
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
