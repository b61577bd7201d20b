package reports

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"

	"github.com/mirante/mirante/shared/apperr"
)

// StoredFiles reads the record of reports' stored files.
type StoredFiles interface {
	FindReportByID(ctx context.Context, id string) (*Report, error)
	// ReportFile returns the stored file's object name, checksum (hex
	// sha256) and size.
	ReportFile(ctx context.Context, id string) (object, sha string, size int64, err error)
}

// FileSnapshot is one generation of a stored file: every read sees the same
// bytes.
type FileSnapshot interface {
	io.ReaderAt
	// Open streams the whole file.
	Open() (io.ReadCloser, error)
}

// TemplateVersions says what version each template is now.
type TemplateVersions interface {
	TemplateVersion(name string) (version string, ok bool)
}

// Verifier recomputes a stored report's hashes: the file against its stored
// checksum, the manifest embedded in the file against the stored one, the
// template against the template now, and the params and each query's SQL
// against their recorded hashes.
type Verifier struct {
	Reports   StoredFiles
	Templates TemplateVersions
	// Open pins the current generation of a stored file and gives its size.
	Open func(ctx context.Context, object string) (FileSnapshot, int64, error)
}

// VerifyReport checks a succeeded report of the tenant in ctx.
func (v *Verifier) VerifyReport(ctx context.Context, id string) (*Verification, error) {
	rep, err := v.Reports.FindReportByID(ctx, id)
	if err != nil {
		return nil, err
	}
	if rep.Status != Succeeded {
		return nil, apperr.Errorf(apperr.Conflict, "only a succeeded report can be verified (this one is %s)", rep.Status)
	}
	object, sha, size, err := v.Reports.ReportFile(ctx, id)
	if err != nil {
		return nil, err
	}
	out := &Verification{ReportID: id, Match: true}
	// The file is read twice, never whole into memory: streamed through
	// sha256, then read in ranges for its embedded manifest. Both reads see
	// one generation of the object.
	file, fileSize, err := v.Open(ctx, object)
	if err != nil {
		return nil, err
	}
	c, err := checkFile(file, sha, size)
	if err != nil {
		return nil, err
	}
	out.add(c)
	embedded, err := ReadManifest(file, fileSize)
	if ctx.Err() != nil {
		return nil, ctx.Err()
	}
	out.add(checkEmbedded(embedded, err, rep.Manifest))
	var m Manifest
	if err := json.Unmarshal(rep.Manifest, &m); err != nil {
		return nil, apperr.Errorf(apperr.Internal, "the stored manifest is unreadable")
	}
	out.add(v.checkTemplate(m.Template))
	out.add(Check{Name: "params", OK: HashJSON(m.Params) == m.ParamsHash && HashJSON(m.Params) == HashJSON(rep.Params),
		Expected: m.ParamsHash, Actual: HashJSON(m.Params)})
	for _, q := range m.Queries {
		h := Hash([]byte(q.SQL))
		out.add(Check{Name: "query:" + q.ID, OK: h == q.SQLHash, Expected: q.SQLHash, Actual: h})
	}
	return out, nil
}

func (v *Verification) add(c Check) {
	v.Checks = append(v.Checks, c)
	v.Match = v.Match && c.OK
}

// checkFile streams the file through sha256 and compares it, and its
// length, with what was stored.
func checkFile(file FileSnapshot, sha string, size int64) (Check, error) {
	rc, err := file.Open()
	if err != nil {
		return Check{}, err
	}
	h := sha256.New()
	n, err := io.Copy(h, rc)
	rc.Close()
	if err != nil {
		return Check{}, err
	}
	got := hex.EncodeToString(h.Sum(nil))
	return Check{Name: "file", OK: got == sha && n == size, Expected: sha, Actual: got}, nil
}

// checkEmbedded compares the manifest read from the file (readErr when none
// could be) with the stored one.
func checkEmbedded(embedded json.RawMessage, readErr error, stored json.RawMessage) Check {
	if readErr != nil {
		return Check{Name: "embedded_manifest", OK: false, Note: "no manifest could be read from the file"}
	}
	return Check{Name: "embedded_manifest", OK: HashJSON(embedded) == HashJSON(stored),
		Expected: HashJSON(stored), Actual: HashJSON(embedded)}
}

// checkTemplate compares the template's version now with the manifest's.
func (v *Verifier) checkTemplate(t ManifestTemplate) Check {
	now, ok := v.Templates.TemplateVersion(t.Name)
	c := Check{Name: "template", OK: ok && now == t.Version, Expected: t.Version, Actual: now}
	if ok && !c.OK {
		c.Note = "the template changed since the report was made"
	}
	return c
}
