package postgres_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/mirante/mirante/shared/apperr"
	"github.com/mirante/mirante/shared/postgres"
	"github.com/mirante/mirante/shared/reports"
	"github.com/mirante/mirante/shared/tenant"
	"github.com/mirante/mirante/shared/views"
)

type anySpec struct{}

func (anySpec) ValidateSpec(json.RawMessage, map[string]bool, string) error { return nil }
func (anySpec) ValidateConfig(json.RawMessage, map[string]bool) error       { return nil }

type allTemplates struct{}

func (allTemplates) TemplateExists(name string) bool { return name == "standard" }

type sentRequests struct {
	mu   sync.Mutex
	reqs []reports.Request
}

func (p *sentRequests) PublishReportRequest(_ context.Context, r reports.Request) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.reqs = append(p.reqs, r)
	return nil
}

type reportBundle struct {
	inviteBundle
	reports   *reports.Orderer
	store     *postgres.ReportService
	schedules *postgres.ScheduleService
	views     *postgres.ViewService
}

func setupReports(t *testing.T) reportBundle {
	b := reportBundle{inviteBundle: setupInvites(t)}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	b.store = postgres.NewReportService(b.app, anySpec{})
	b.reports = &reports.Orderer{Store: b.store, Templates: allTemplates{}, Publisher: &sentRequests{}, Log: log}
	b.schedules = postgres.NewScheduleService(b.app, allTemplates{})
	b.views = postgres.NewViewService(b.app, anySpec{})
	return b
}

// view stores an org-visible view named name as the member in ctx.
func (b reportBundle) view(t *testing.T, ctx context.Context, name string) *views.View {
	t.Helper()
	v := &views.View{Name: name, Config: json.RawMessage(`{"dataset":"comex"}`), Visibility: views.Org}
	if err := b.views.CreateView(ctx, v); err != nil {
		t.Fatal(err)
	}
	return v
}

// order orders a PDF of the view as the member in ctx and, given an
// object, finishes it with a file of size bytes of that name.
func (b reportBundle) order(t *testing.T, ctx context.Context, viewID string, object string, size int64) *reports.Report {
	t.Helper()
	r, _, err := b.reports.OrderReport(ctx, reports.OrderParams{Template: "standard", Format: "pdf", ViewID: viewID})
	if err != nil {
		t.Fatal(err)
	}
	if object == "" {
		return r
	}
	if _, claimed, err := b.store.ClaimReport(ctx, r.ID, r.IdempotencyKey, time.Minute); err != nil || !claimed {
		t.Fatalf("claim: %v %v", claimed, err)
	}
	if err := b.store.CompleteReport(ctx, r.ID, object, json.RawMessage(`{}`), "sha", size); err != nil {
		t.Fatal(err)
	}
	return r
}

// The history names who ordered from which view and how big the file is;
// mine=true keeps the caller's own; a schedule's runs are its own list.
func TestReportHistoryNamesRequesterViewAndSize(t *testing.T) {
	b := setupReports(t)
	ana := b.member(t, b.orgA, "ana@example.com", tenant.Analyst)
	bia := b.member(t, b.orgA, "bia@example.com", tenant.Analyst)
	v := b.view(t, ana, "Exportações por UF")
	mine := b.order(t, ana, v.ID, "org-a/r1.pdf", 1234)
	b.order(t, bia, v.ID, "", 0)

	all, err := b.reports.FindReports(ana, reports.Filter{Limit: 10})
	if err != nil || len(all) != 2 {
		t.Fatalf("everyone's: %d, %v", len(all), err)
	}
	u, _ := tenant.UserFromContext(ana)
	own, err := b.reports.FindReports(ana, reports.Filter{Limit: 10, RequestedBy: u.ID})
	if err != nil || len(own) != 1 || own[0].ID != mine.ID {
		t.Fatalf("mine: %+v, %v", own, err)
	}
	got := own[0]
	if got.RequestedByEmail != "ana@example.com" || got.ViewName != "Exportações por UF" || got.SizeBytes != 1234 || got.Status != reports.Succeeded {
		t.Fatalf("history row: email %q view %q size %d status %s", got.RequestedByEmail, got.ViewName, got.SizeBytes, got.Status)
	}
	runs, err := b.reports.FindReports(ana, reports.Filter{Limit: 10, ScheduleID: "00000000-0000-0000-0000-000000000000"})
	if err != nil || len(runs) != 0 {
		t.Fatalf("runs of no schedule: %d, %v", len(runs), err)
	}
}

// A finished report is deleted with its file by its requester or an admin;
// another analyst is refused, a queued one is refused with 409, and org B
// cannot reach org A's report at all (404) nor touch its file.
func TestDeleteReportRemovesFileAndRowWithinItsOrg(t *testing.T) {
	b := setupReports(t)
	ana := b.member(t, b.orgA, "ana@example.com", tenant.Analyst)
	bia := b.member(t, b.orgA, "bia@example.com", tenant.Analyst)
	v := b.view(t, ana, "v")
	done := b.order(t, ana, v.ID, "org-a/r1.pdf", 10)
	queued := b.order(t, ana, v.ID, "", 0)
	var removed []string
	remove := func(_ context.Context, object string) error {
		removed = append(removed, object)
		return nil
	}

	_, err := b.reports.DeleteReport(b.adminB, done.ID, remove)
	wantCode(t, err, apperr.NotFound, "org B deleting org A's report")
	_, err = b.reports.DeleteReport(bia, done.ID, remove)
	wantCode(t, err, apperr.Forbidden, "another analyst deleting ana's report")
	// A viewer sees the org's reports but deletes none.
	carla := b.member(t, b.orgA, "carla@example.com", tenant.Viewer)
	if seen, err := b.reports.FindReports(carla, reports.Filter{Limit: 10}); err != nil || len(seen) != 2 {
		t.Fatalf("a viewer sees %d reports, %v", len(seen), err)
	}
	_, err = b.reports.DeleteReport(carla, done.ID, remove)
	wantCode(t, err, apperr.Forbidden, "a viewer deleting a report")
	_, err = b.reports.DeleteReport(ana, queued.ID, remove)
	wantCode(t, err, apperr.Conflict, "deleting a queued report")
	if len(removed) != 0 {
		t.Fatalf("files removed by refused deletes: %v", removed)
	}

	// A file that cannot be removed keeps the row.
	_, err = b.reports.DeleteReport(ana, done.ID, func(context.Context, string) error { return errors.New("storage down") })
	if err == nil {
		t.Fatal("delete succeeded although the file stayed")
	}
	if _, err := b.reports.FindReportByID(ana, done.ID); err != nil {
		t.Fatalf("the row went although its file stayed: %v", err)
	}

	got, err := b.reports.DeleteReport(ana, done.ID, remove)
	if err != nil || got.Template != "standard" || got.Format != "pdf" {
		t.Fatalf("delete: %+v, %v", got, err)
	}
	if len(removed) != 1 || removed[0] != "org-a/r1.pdf" {
		t.Fatalf("files removed: %v", removed)
	}
	_, err = b.reports.FindReportByID(ana, done.ID)
	wantCode(t, err, apperr.NotFound, "reading a deleted report")

	// An admin deletes another member's report.
	admin := b.member(t, b.orgA, "admin-a@example.com", tenant.Admin)
	other := b.order(t, bia, v.ID, "org-a/r3.pdf", 10)
	if _, err := b.reports.DeleteReport(admin, other.ID, remove); err != nil {
		t.Fatalf("admin delete: %v", err)
	}
}

// A paused schedule has no next run; resuming gives it one again.
func TestPausedScheduleHasNoNextRun(t *testing.T) {
	b := setupReports(t)
	ana := b.member(t, b.orgA, "ana@example.com", tenant.Analyst)
	v := b.view(t, ana, "v")
	sc := &reports.Schedule{ScheduleParams: reports.ScheduleParams{Name: "semanal", Cron: "0 8 * * 1", Template: "standard", Format: "pdf", ViewID: v.ID}, Enabled: true}
	if err := b.schedules.CreateSchedule(ana, sc); err != nil {
		t.Fatal(err)
	}
	if sc.NextRunAt == nil {
		t.Fatal("an enabled schedule without a next run")
	}
	off, on := false, true
	paused, err := b.schedules.UpdateSchedule(ana, sc.ID, reports.ScheduleUpdate{Enabled: &off})
	if err != nil || paused.NextRunAt != nil {
		t.Fatalf("paused: next %v, %v", paused.NextRunAt, err)
	}
	resumed, err := b.schedules.UpdateSchedule(ana, sc.ID, reports.ScheduleUpdate{Enabled: &on})
	if err != nil || resumed.NextRunAt == nil {
		t.Fatalf("resumed: next %v, %v", resumed.NextRunAt, err)
	}
	created := &reports.Schedule{ScheduleParams: reports.ScheduleParams{Name: "pausado", Cron: "0 8 1 * *", Template: "standard", Format: "pdf", ViewID: v.ID}, Enabled: false}
	if err := b.schedules.CreateSchedule(ana, created); err != nil || created.NextRunAt != nil {
		t.Fatalf("created paused: next %v, %v", created.NextRunAt, err)
	}
}

// A manual run belongs to its schedule's history, and the same click (one
// key) orders one report.
func TestManualRunIsInTheSchedulesHistoryOnce(t *testing.T) {
	b := setupReports(t)
	ana := b.member(t, b.orgA, "ana@example.com", tenant.Analyst)
	v := b.view(t, ana, "v")
	sc := &reports.Schedule{ScheduleParams: reports.ScheduleParams{Name: "s", Cron: "0 8 * * 1", Template: "standard", Format: "pdf", ViewID: v.ID}, Enabled: true}
	if err := b.schedules.CreateSchedule(ana, sc); err != nil {
		t.Fatal(err)
	}
	p := reports.OrderParams{Template: "standard", Format: "pdf", ViewID: v.ID, ScheduleID: sc.ID, IdempotencyKey: reports.ManualRunKey(sc.ID, "click-1")}
	first, created, err := b.reports.OrderReport(ana, p)
	if err != nil || !created {
		t.Fatalf("first click: %v %v", created, err)
	}
	again, created, err := b.reports.OrderReport(ana, p)
	if err != nil || created || again.ID != first.ID {
		t.Fatalf("same click again: created %v, %s vs %s, %v", created, again.ID, first.ID, err)
	}
	runs, err := b.reports.FindReports(ana, reports.Filter{Limit: 10, ScheduleID: sc.ID})
	if err != nil || len(runs) != 1 || runs[0].ID != first.ID {
		t.Fatalf("runs: %d, %v", len(runs), err)
	}
	// Org B sees no runs of org A's schedule.
	other, err := b.reports.FindReports(b.adminB, reports.Filter{Limit: 10, ScheduleID: sc.ID})
	if err != nil || len(other) != 0 {
		t.Fatalf("org B sees %d runs, %v", len(other), err)
	}
}
