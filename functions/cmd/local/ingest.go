package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/mirante/mirante/shared/config"
	"github.com/mirante/mirante/shared/gcs"
	"github.com/mirante/mirante/shared/ingest"
)

// IngestConfig reaches the running local stack.
type IngestConfig struct {
	Wait time.Duration `envconfig:"INGEST_WAIT" default:"30m" desc:"local only: how long make ingest waits for the ingest function to record the file's load"`
}

// ingestFile loads one official file into the running local stack the way
// production does: the file goes to the raw bucket, whose notification
// reaches the ingest function through Pub/Sub's push. It waits for the
// function's record of that object generation and prints the outcome.
func ingestFile(ctx context.Context, source, file string) error {
	var (
		icfg IngestConfig
		gcfg gcs.Config
		mcfg = struct {
			URL string `envconfig:"DATABASE_URL" required:"true"`
		}{}
	)
	if err := config.Load(&icfg, &gcfg, &mcfg); err != nil {
		return err
	}
	if os.Getenv("STORAGE_EMULATOR_HOST") == "" {
		return errors.New("STORAGE_EMULATOR_HOST: not set; run make up first (make ingest loads into the running stack)")
	}
	if _, ok := ingest.FindSource(source); !ok {
		var ids []string
		for _, s := range ingest.Sources() {
			ids = append(ids, s.ID)
		}
		return fmt.Errorf("SOURCE: unknown source %q (one of %s)", source, strings.Join(ids, ", "))
	}
	r, name, cleanup, err := openInput(ctx, file)
	if err != nil {
		return err
	}
	defer cleanup()
	conn, err := pgx.Connect(ctx, mcfg.URL)
	if err != nil {
		return err
	}
	defer conn.Close(context.WithoutCancel(ctx))
	store, err := gcs.New(ctx, gcfg)
	if err != nil {
		return err
	}
	defer store.Close()
	// The object keeps the file's own name, as an official upload does: the
	// loaders read the layout from it (Comex Stat's EXP_/IMP_ give the flow),
	// so a prefix made unique per run broke every Comex file.
	object := fmt.Sprintf("sources/%s/%s", source, name)
	obj, err := store.Put(ctx, gcfg.RawBucket, object, r, "application/octet-stream")
	if err != nil {
		return fmt.Errorf("storing the raw file: %w", err)
	}
	// From here on the cloud's path: the bucket notifies the ingest topic,
	// and the push subscription delivers it to the ingest function, which
	// records what became of this generation of the object.
	rec, err := awaitLoad(ctx, conn, object, obj.Generation, icfg.Wait)
	if err != nil {
		return err
	}
	complete := "data complete up to " + rec.watermark
	if rec.watermark == "" {
		// A source's watermark counts only the files that complete a
		// period (CAGED's movements, not its exclusions alone).
		complete = "no period complete yet"
	}
	switch rec.outcome {
	case "refused":
		return fmt.Errorf("refused: %s (the file is in quarantine/%s; no mart changed)", rec.err, object)
	case "failed":
		return fmt.Errorf("the load failed and Pub/Sub will redeliver it: %s (see .data/logs/api.log)", rec.err)
	case "unchanged":
		fmt.Printf("loaded %s from %s: unchanged (this content is loaded already), %s\n", source, name, complete)
	default:
		skipped := ""
		if rec.skipped > 0 {
			skipped = fmt.Sprintf(", %d skipped by the source's contract (%s)", rec.skipped, rec.skippedWhy)
		}
		fmt.Printf("loaded %s from %s: %d rows published (%d landed, %d records read%s), %s\n",
			source, name, rec.rows, rec.landed, rec.read, skipped, complete)
	}
	return nil
}

type loadRecord struct {
	outcome, watermark, err, skippedWhy string
	rows, landed, read, skipped         int64
}

// awaitLoad waits for the ingest function's record of the object's
// generation, asking PostgreSQL every quarter second.
func awaitLoad(ctx context.Context, conn *pgx.Conn, object string, generation int64, wait time.Duration) (loadRecord, error) {
	ctx, cancel := context.WithTimeout(ctx, wait)
	defer cancel()
	tick := time.NewTicker(250 * time.Millisecond)
	defer tick.Stop()
	for {
		var r loadRecord
		err := conn.QueryRow(ctx, `select outcome, coalesce(watermark, ''), coalesce(error, ''), coalesce(rows_loaded, 0),
			  coalesce(rows_landed, 0), coalesce(rows_read, 0), coalesce(rows_skipped, 0), coalesce(skipped_why, '')
			from source_loads where object = $1 and generation = $2`, object, generation).
			Scan(&r.outcome, &r.watermark, &r.err, &r.rows, &r.landed, &r.read, &r.skipped, &r.skippedWhy)
		if err == nil {
			return r, nil
		}
		if !errors.Is(err, pgx.ErrNoRows) && ctx.Err() == nil {
			return r, err
		}
		select {
		case <-tick.C:
			continue
		case <-ctx.Done():
		}
		break
	}
	return loadRecord{}, fmt.Errorf("gs://…/%s (generation %d) was stored, but the ingest function recorded nothing within %s: see .data/logs/api.log", object, generation, wait)
}

// openInput opens a local file, or downloads a URL (when online) first.
func openInput(ctx context.Context, file string) (io.Reader, string, func(), error) {
	if strings.HasPrefix(file, "http://") || strings.HasPrefix(file, "https://") {
		ctx, cancel := context.WithTimeout(ctx, 15*time.Minute)
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, file, nil)
		if err != nil {
			cancel()
			return nil, "", nil, fmt.Errorf("FILE: %w", err)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			cancel()
			return nil, "", nil, fmt.Errorf("downloading %s: %w (is this machine online?)", file, err)
		}
		if resp.StatusCode != http.StatusOK {
			resp.Body.Close()
			cancel()
			return nil, "", nil, fmt.Errorf("downloading %s: %s", file, resp.Status)
		}
		return resp.Body, path.Base(req.URL.Path), func() { resp.Body.Close(); cancel() }, nil
	}
	f, err := os.Open(file)
	if err != nil {
		return nil, "", nil, fmt.Errorf("FILE: %w", err)
	}
	return f, path.Base(file), func() { f.Close() }, nil
}
