// Command quarto-job is the report worker, run as a Cloud Run Job: it pulls
// report requests from Pub/Sub, renders each (Quarto when on PATH, else pandoc
// and Chromium), uploads the file and records the outcome, then exits when
// idle. The local runner runs the same worker in process, continuously.
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	_ "github.com/mirante/mirante/shared/bigquery" // the production warehouse engine

	"github.com/mirante/mirante/quarto-job/worker"
	"github.com/mirante/mirante/shared/telemetry"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := realMain(ctx); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

func realMain(ctx context.Context) error {
	cfg, err := worker.LoadConfig()
	if err != nil {
		return err
	}
	log := telemetry.NewLogger(os.Stdout, cfg.Log)
	svc, err := worker.New(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer svc.Close()
	return svc.Run(ctx, cfg.Settings.Idle, cfg.Settings.MaxPerRun)
}
