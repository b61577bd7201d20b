package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
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
	APIURL string `envconfig:"API_URL" default:"http://127.0.0.1:8080" desc:"local only: the running stack's address, where make ingest sends the storage event"`
}

// ingestFile loads one official file into the running local stack the way
// production does: the file goes to the raw bucket, and the bucket's
// object-finalized event goes to the ingest function. It prints the outcome
// from the source catalog.
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
	store, err := gcs.New(ctx, gcfg)
	if err != nil {
		return err
	}
	defer store.Close()
	// The object keeps the file's own name, as an official upload does: the
	// loaders read the layout from it (Comex Stat's EXP_/IMP_ give the flow),
	// so a prefix made unique per run broke every Comex file.
	object := fmt.Sprintf("sources/%s/%s", source, name)
	if _, err := store.Put(ctx, gcfg.RawBucket, object, r, "application/octet-stream"); err != nil {
		return fmt.Errorf("storing the raw file: %w", err)
	}
	if err := sendEvent(ctx, icfg.APIURL, gcfg.RawBucket, object); err != nil {
		return err
	}
	conn, err := pgx.Connect(ctx, mcfg.URL)
	if err != nil {
		return err
	}
	defer conn.Close(ctx)
	var status, wm, lastErr string
	var rows *int64
	if err := conn.QueryRow(ctx, `select status, coalesce(watermark, ''), coalesce(last_error, ''), rows_loaded from source_catalog where id = $1`, source).
		Scan(&status, &wm, &lastErr, &rows); err != nil {
		return err
	}
	if status == "failed" {
		return fmt.Errorf("refused: %s (the file is in quarantine/%s; no mart changed)", lastErr, object)
	}
	n := int64(0)
	if rows != nil {
		n = *rows
	}
	fmt.Printf("loaded %s from %s: %d rows, data complete up to %s\n", source, name, n, wm)
	return nil
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

// sendEvent posts the object-finalized CloudEvent (binary mode) that Cloud
// Storage would send through Eventarc.
func sendEvent(ctx context.Context, api, bucket, object string) error {
	body, _ := json.Marshal(map[string]string{"bucket": bucket, "name": object})
	ctx, cancel := context.WithTimeout(ctx, 30*time.Minute)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, strings.TrimRight(api, "/")+"/Ingest", bytes.NewReader(body))
	if err != nil {
		return err
	}
	id := make([]byte, 8)
	_, _ = rand.Read(id)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("ce-id", hex.EncodeToString(id))
	req.Header.Set("ce-specversion", "1.0")
	req.Header.Set("ce-type", "google.cloud.storage.object.v1.finalized")
	req.Header.Set("ce-source", "//storage.googleapis.com/projects/_/buckets/"+bucket)
	req.Header.Set("ce-subject", "objects/"+object)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("the local stack does not answer at %s (run make up first): %w", api, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode/100 != 2 {
		b, _ := io.ReadAll(io.LimitReader(resp.Body, 2048))
		return fmt.Errorf("the ingest function failed (%s): %s (see .data/logs/api.log)", resp.Status, strings.TrimSpace(string(b)))
	}
	return nil
}
