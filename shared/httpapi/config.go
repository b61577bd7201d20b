package httpapi

import (
	"strings"
	"time"

	"github.com/mirante/mirante/shared/config"
)

// Config is the HTTP layer's settings.
type Config struct {
	CursorSecret string `envconfig:"CURSOR_SECRET" prod:"required" desc:"HMAC key of list and query cursors, at least 32 bytes; required in production (locally a fixed development key is used)"`
	MaxBodyBytes int64  `envconfig:"MAX_BODY_BYTES" default:"1048576" desc:"largest JSON request body accepted"`
	// PublicBaseURL makes local download URLs absolute.
	PublicBaseURL  string        `envconfig:"PUBLIC_BASE_URL" default:"http://127.0.0.1:8080" prod:"unset" desc:"local only: the API's own address, which local download URLs start with"`
	CORSOrigins    []string      `envconfig:"CORS_ORIGINS" default:"http://127.0.0.1:5173,http://localhost:5173" desc:"browser origins allowed to call the API from another origin (comma-separated; the deployed SPA is same-origin through Firebase Hosting)"`
	RequestTimeout time.Duration `envconfig:"REQUEST_TIMEOUT" default:"60s" desc:"limit on each request's work; the handler's calls see its context end"`
	DownloadSecret string        `envconfig:"DOWNLOAD_SECRET" prod:"unset" desc:"local only: HMAC key of the API-served download URLs (a fixed development key when unset; production uses V4 signed Cloud Storage URLs)"`
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
	for _, o := range c.CORSOrigins {
		if o == "*" || !(strings.HasPrefix(o, "https://") || strings.HasPrefix(o, "http://")) || strings.HasSuffix(o, "/") {
			return config.Errorf("CORS_ORIGINS", "each origin must be scheme://host[:port], without a path or a wildcard")
		}
	}
	if c.RequestTimeout < 0 || c.RequestTimeout > 10*time.Minute {
		return config.Errorf("REQUEST_TIMEOUT", "must be from 0 to 10m")
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
