package api

import (
	"context"
	"encoding/json"
	"io"
	"os"
	"path/filepath"

	"github.com/mirante/mirante/quarto-job/render"
	"github.com/mirante/mirante/shared/apperr"
	"github.com/mirante/mirante/shared/gcs"
	"github.com/mirante/mirante/shared/postgres"
	"github.com/mirante/mirante/shared/reports"
)

// verifier recomputes a stored report's hashes: the file against its stored
// checksum, the manifest embedded in the file against the stored one, the
// template against the template now, and the params and each query's SQL
// against their recorded hashes.
type verifier struct {
	reports *postgres.ReportService
	store   *gcs.Store
	bucket  string
}

func (v *verifier) VerifyReport(ctx context.Context, id string) (*reports.Verification, error) {
	rep, err := v.reports.FindReportByID(ctx, id)
	if err != nil {
		return nil, err
	}
	if rep.Status != reports.Succeeded {
		return nil, apperr.Errorf(apperr.Conflict, "only a succeeded report can be verified (this one is %s)", rep.Status)
	}
	object, sha, size, err := v.reports.ReportFile(ctx, id)
	if err != nil {
		return nil, err
	}
	out := &reports.Verification{ReportID: id, Match: true}
	add := func(c reports.Check) {
		out.Checks = append(out.Checks, c)
		out.Match = out.Match && c.OK
	}
	rc, err := v.store.Open(ctx, v.bucket, object)
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	dir, err := os.MkdirTemp("", "mirante-verify-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "report."+rep.Format)
	f, err := os.Create(path)
	if err != nil {
		return nil, err
	}
	n, err := io.Copy(f, rc)
	f.Close()
	if err != nil {
		return nil, err
	}
	got, err := fileHash(path)
	if err != nil {
		return nil, err
	}
	add(reports.Check{Name: "file", OK: got == sha && n == size, Expected: sha, Actual: got})

	embedded, err := render.ExtractManifest(path)
	if err != nil {
		add(reports.Check{Name: "embedded_manifest", OK: false, Note: "no manifest could be read from the file"})
	} else {
		add(reports.Check{Name: "embedded_manifest", OK: reports.HashJSON(embedded) == reports.HashJSON(rep.Manifest),
			Expected: reports.HashJSON(rep.Manifest), Actual: reports.HashJSON(embedded)})
	}
	var m reports.Manifest
	if err := json.Unmarshal(rep.Manifest, &m); err != nil {
		return nil, apperr.Errorf(apperr.Internal, "the stored manifest is unreadable")
	}
	now, err := render.TemplateVersion(nil, m.Template.Name)
	c := reports.Check{Name: "template", OK: err == nil && now == m.Template.Version, Expected: m.Template.Version, Actual: now}
	if err == nil && !c.OK {
		c.Note = "the template changed since the report was made"
	}
	add(c)
	add(reports.Check{Name: "params", OK: reports.HashJSON(m.Params) == m.ParamsHash && reports.HashJSON(m.Params) == reports.HashJSON(rep.Params),
		Expected: m.ParamsHash, Actual: reports.HashJSON(m.Params)})
	for _, q := range m.Queries {
		h := reports.Hash([]byte(q.SQL))
		add(reports.Check{Name: "query:" + q.ID, OK: h == q.SQLHash, Expected: q.SQLHash, Actual: h})
	}
	return out, nil
}

func fileHash(path string) (string, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return "", err
	}
	return reports.Hash(b), nil
}
