package reports

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/robfig/cron/v3"
)

// DefaultTimeZone is where schedules run unless they say otherwise.
const DefaultTimeZone = "America/Sao_Paulo"

// Schedule orders a report on a cron.
type Schedule struct {
	ID string `json:"id"`
	ScheduleParams
	Enabled   bool       `json:"enabled"`
	CreatedBy string     `json:"created_by"`
	LastRunAt *time.Time `json:"last_run_at,omitempty"`
	// NextRunAt is null while the schedule is paused.
	NextRunAt *time.Time `json:"next_run_at"`
	CreatedAt time.Time  `json:"created_at"`
	UpdatedAt time.Time  `json:"updated_at"`
}

// ScheduleParams are what a schedule's creator chooses: when it runs, and
// the report each run orders.
type ScheduleParams struct {
	Name       string          `json:"name"`
	Cron       string          `json:"cron"`
	TimeZone   string          `json:"timezone"`
	Template   string          `json:"template"`
	Format     string          `json:"format"`
	ViewID     string          `json:"view_id"`
	Params     json.RawMessage `json:"params"`
	Recipients []string        `json:"recipients"`
}

// ScheduleKey is a position in the list of schedules, for cursors.
type ScheduleKey struct {
	CreatedAt time.Time `json:"c"`
	ID        string    `json:"i"`
}

// ScheduleFilter pages a list of schedules.
type ScheduleFilter struct {
	After *ScheduleKey
	Limit int
}

// ScheduleUpdate changes some of a schedule's fields.
type ScheduleUpdate struct {
	Name       *string
	Cron       *string
	TimeZone   *string
	Format     *string
	Params     json.RawMessage
	Recipients []string
	Enabled    *bool
}

// Due is a schedule whose next run has come, named by its org.
type Due struct {
	OrgID      string
	ScheduleID string
	RunAt      time.Time
}

// ScheduleService manages the schedules of the tenant in ctx; analysts and
// above create them, their creator or an admin changes them.
type ScheduleService interface {
	CreateSchedule(ctx context.Context, s *Schedule) error
	FindScheduleByID(ctx context.Context, id string) (*Schedule, error)
	FindSchedules(ctx context.Context, f ScheduleFilter) ([]*Schedule, error)
	UpdateSchedule(ctx context.Context, id string, upd ScheduleUpdate) (*Schedule, error)
	DeleteSchedule(ctx context.Context, id string) error
}

var parser = cron.NewParser(cron.Minute | cron.Hour | cron.Dom | cron.Month | cron.Dow | cron.Descriptor)

// NextRun returns the first time after from at which the cron expression
// fires in the time zone.
func NextRun(expr, tz string, from time.Time) (time.Time, error) {
	loc, err := time.LoadLocation(tz)
	if err != nil {
		return time.Time{}, fmt.Errorf("unknown time zone %q", tz)
	}
	sched, err := parser.Parse(expr)
	if err != nil {
		return time.Time{}, fmt.Errorf("not a cron expression (minute hour day month weekday): %v", err)
	}
	next := sched.Next(from.In(loc))
	if next.IsZero() {
		return time.Time{}, fmt.Errorf("the cron expression never fires")
	}
	// Oftener than hourly would flood an org's report quota.
	if after := sched.Next(next); after.Sub(next) < time.Hour {
		return time.Time{}, fmt.Errorf("runs more often than hourly")
	}
	return next.UTC(), nil
}
