package api

import (
	"context"

	"github.com/mirante/mirante/quarto-job/templates"
	"github.com/mirante/mirante/shared/gcs"
	"github.com/mirante/mirante/shared/reports"
)

// newVerifier checks the reports in rs against their files in the bucket
// and the templates embedded in this binary.
func newVerifier(rs reports.StoredFiles, store *gcs.Store, bucket string) *reports.Verifier {
	return &reports.Verifier{
		Reports:   rs,
		Templates: templates.Embedded{},
		Open: func(ctx context.Context, object string) (reports.FileSnapshot, int64, error) {
			f, err := store.OpenSnapshot(ctx, bucket, object)
			if err != nil {
				return nil, 0, err
			}
			return f, f.Size, nil
		},
	}
}
