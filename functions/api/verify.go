package api

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"

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
	// The file is read twice, never whole into memory: streamed through
	// sha256, then read in ranges for its embedded manifest. Both reads see
	// one generation of the object.
	file, err := v.store.OpenSnapshot(ctx, v.bucket, object)
	if err != nil {
		return nil, err
	}
	rc, err := file.Open()
	if err != nil {
		return nil, err
	}
	h := sha256.New()
	n, err := io.Copy(h, rc)
	rc.Close()
	if err != nil {
		return nil, err
	}
	got := hex.EncodeToString(h.Sum(nil))
	add(reports.Check{Name: "file", OK: got == sha && n == size, Expected: sha, Actual: got})

	embedded, err := render.ReadManifest(file, file.Size)
	if ctx.Err() != nil {
		return nil, ctx.Err()
	}
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
