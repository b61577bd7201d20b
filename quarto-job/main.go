// Command quarto-job is the report worker, run as a Cloud Run Job: it pulls
// report requests from Pub/Sub, renders each (Quarto when on PATH, else pandoc
// and Chromium), uploads the file and records the outcome, then exits when
// idle. The local runner runs the same worker in process, continuously.
package main

import (
	"context"
	"time"

	"github.com/mirante/mirante/quarto-job/worker"
	"github.com/mirante/mirante/shared/bigquery"
	"github.com/mirante/mirante/shared/lifecycle"
	"github.com/mirante/mirante/shared/telemetry"
)

func main() { lifecycle.Main(realMain) }

func realMain(ctx context.Context) error {
	cfg, err := worker.LoadConfig()
	if err != nil {
		return err
	}
	log, err := lifecycle.Start(ctx, "quarto-job", cfg.Log, nil)
	if err != nil {
		return err
	}
	defer func() {
		// Spans and metrics still held go out before the job exits.
		sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		defer cancel()
		if err := telemetry.Shutdown(sctx); err != nil {
			log.Error("telemetry shutdown", "error", err.Error())
		}
	}()
	svc, err := worker.New(ctx, cfg, bigquery.Engines, log)
	if err != nil {
		return err
	}
	defer svc.Close()
	return svc.Run(ctx, cfg.Settings.Idle, cfg.Settings.MaxPerRun)
}
