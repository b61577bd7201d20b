// Package runjob starts executions of a Cloud Run Job through the Cloud Run
// Admin API (v2 jobs.run): the api starts the quarto-job right after it
// publishes a report request, so a report does not wait for the scheduled
// drain (which stays as the backstop).
package runjob

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"time"

	"golang.org/x/oauth2"
	"golang.org/x/oauth2/google"

	"github.com/mirante/mirante/shared/config"
	"github.com/mirante/mirante/shared/reports"
)

// DefaultEndpoint is the Cloud Run Admin API.
const DefaultEndpoint = "https://run.googleapis.com"

// Config names the job.
type Config struct {
	Job      string        `envconfig:"QUARTO_JOB" desc:"the report job's resource name (projects/…/locations/…/jobs/…), started right after a report is ordered; empty: only the scheduled drain starts it"`
	Endpoint string        `envconfig:"RUN_API_ENDPOINT" default:"https://run.googleapis.com" prod:"unset" desc:"the Cloud Run Admin API; tests point it at a stand-in, called without credentials"`
	Every    time.Duration `envconfig:"QUARTO_JOB_MIN_INTERVAL" default:"15s" desc:"at most one start per this interval per instance: one execution drains many requests"`
	Timeout  time.Duration `envconfig:"RUN_API_TIMEOUT" default:"10s" desc:"timeout of each jobs.run call"`
}

var jobName = regexp.MustCompile(`^projects/[a-z0-9-]+/locations/[a-z0-9-]+/jobs/[a-z0-9-]+$`)

// Validate checks the settings.
func (c *Config) Validate() error {
	if c.Job != "" && !jobName.MatchString(c.Job) {
		return config.Errorf("QUARTO_JOB", "must be projects/<project>/locations/<region>/jobs/<name>")
	}
	if !strings.HasPrefix(c.Endpoint, "https://") && !strings.HasPrefix(c.Endpoint, "http://127.0.0.1:") {
		return config.Errorf("RUN_API_ENDPOINT", "must be an https URL")
	}
	if c.Every < 0 || c.Timeout <= 0 {
		return config.Errorf("RUN_API_TIMEOUT", "must be positive")
	}
	return nil
}

// Starter starts the job, at most once per interval.
type Starter struct {
	cfg    Config
	client *http.Client
	log    *slog.Logger

	mu   sync.Mutex
	last time.Time
	wg   sync.WaitGroup
}

// New returns a starter, or nil when no job is configured. Outside tests it
// authenticates with the runtime's service account.
func New(ctx context.Context, cfg Config, log *slog.Logger) (*Starter, error) {
	if cfg.Job == "" {
		return nil, nil
	}
	client := &http.Client{Timeout: cfg.Timeout}
	if cfg.Endpoint == DefaultEndpoint {
		ts, err := google.DefaultTokenSource(ctx, "https://www.googleapis.com/auth/cloud-platform")
		if err != nil {
			return nil, fmt.Errorf("QUARTO_JOB: credentials to start the job: %w", err)
		}
		client = &http.Client{Timeout: cfg.Timeout, Transport: &oauth2.Transport{Source: ts}}
	}
	return &Starter{cfg: cfg, client: client, log: log}, nil
}

// Kick starts an execution in the background unless one was started within
// the interval. Failures are logged: the scheduled drain starts the job
// anyway.
func (s *Starter) Kick(ctx context.Context) {
	if s == nil {
		return
	}
	s.mu.Lock()
	if !s.last.IsZero() && time.Since(s.last) < s.cfg.Every {
		s.mu.Unlock()
		return
	}
	s.last = time.Now()
	s.mu.Unlock()
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), s.cfg.Timeout)
		defer cancel()
		if err := s.run(ctx); err != nil {
			s.log.WarnContext(ctx, "starting the report job failed; the scheduled drain will", "error", err.Error())
		}
	}()
}

// Wait waits for the starts in flight (shutdown, tests).
func (s *Starter) Wait() {
	if s != nil {
		s.wg.Wait()
	}
}

func (s *Starter) run(ctx context.Context) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, strings.TrimRight(s.cfg.Endpoint, "/")+"/v2/"+s.cfg.Job+":run", strings.NewReader("{}"))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := s.client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode/100 != 2 {
		b, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
		return fmt.Errorf("jobs.run: %s: %s", resp.Status, strings.TrimSpace(string(b)))
	}
	return nil
}

// Kicking returns p, which also starts the job right after each request it
// publishes, so a report does not wait for the scheduled drain. A nil
// starter (no job configured) only publishes.
func Kicking(p reports.Publisher, s *Starter) reports.Publisher { return kicking{p: p, s: s} }

type kicking struct {
	p reports.Publisher
	s *Starter
}

func (k kicking) PublishReportRequest(ctx context.Context, r reports.Request) error {
	if err := k.p.PublishReportRequest(ctx, r); err != nil {
		return err
	}
	k.s.Kick(ctx)
	return nil
}
