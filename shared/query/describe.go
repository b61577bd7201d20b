package query

import (
	"context"

	"github.com/mirante/mirante/shared/apperr"
	"github.com/mirante/mirante/shared/semantic"
	"github.com/mirante/mirante/shared/tenant"
	"github.com/mirante/mirante/shared/warehouse"
)

// DimensionInfo describes a dimension to clients.
type DimensionInfo struct {
	ID        string           `json:"id"`
	Type      semantic.DimType `json:"type"`
	Title     semantic.Text    `json:"title"`
	Operators []string         `json:"operators"`
	Values    []string         `json:"values,omitempty"`
	Label     string           `json:"label,omitempty"`
	Rollup    string           `json:"rollup,omitempty"`
	// Additive is false, and only then present, for a dimension whose
	// values a query must not sum: it groups by it or filters it to one value.
	Additive *bool `json:"additive,omitempty"`
}

// MeasureInfo describes a measure to clients.
type MeasureInfo struct {
	ID         string        `json:"id"`
	Title      semantic.Text `json:"title"`
	Unit       string        `json:"unit"`
	Format     string        `json:"format"`
	Transforms []string      `json:"transforms"`
	Real       bool          `json:"real"`
}

// DatasetInfo is a dataset the org may query, as GET /datasets lists it.
type DatasetInfo struct {
	ID               string          `json:"id"`
	Title            semantic.Text   `json:"title"`
	Description      semantic.Text   `json:"description"`
	Scope            semantic.Scope  `json:"scope"`
	Source           string          `json:"source"`
	Grain            string          `json:"grain"`
	Time             string          `json:"time"`
	IndicatorVersion string          `json:"indicator_version"`
	Watermark        string          `json:"watermark"`
	PerCapita        bool            `json:"per_capita"`
	Limits           semantic.Limits `json:"limits"`
	Dimensions       []DimensionInfo `json:"dimensions"`
	Measures         []MeasureInfo   `json:"measures"`
}

// Datasets lists the datasets the tenant in ctx may query, with their
// watermarks: entitled public marts and the tenant marts.
func (s *Service) Datasets(ctx context.Context) ([]DatasetInfo, error) {
	if err := tenant.Authorize(ctx, tenant.ReadData); err != nil {
		return nil, err
	}
	access, _, err := s.access(ctx)
	if err != nil {
		return nil, err
	}
	out := []DatasetInfo{}
	for _, ds := range s.Catalog.Datasets() {
		if ds.Scope == semantic.Public && !access.Entitled[ds.ID] {
			continue
		}
		wm, err := s.Watermarks.Watermark(ctx, ds)
		if err != nil {
			return nil, err
		}
		info := DatasetInfo{ID: ds.ID, Title: ds.Title, Description: ds.Description, Scope: ds.Scope, Source: ds.Source,
			Grain: ds.Grain, Time: ds.Time, IndicatorVersion: ds.Version, Watermark: wm, Limits: ds.Limits,
			PerCapita: ds.ID != "pib_municipal" && ds.ID != "ipca_monthly"}
		for _, d := range ds.Dimensions {
			info.Dimensions = append(info.Dimensions, DimensionInfo{ID: d.ID, Type: d.Type, Title: d.Title, Operators: d.Operators(), Values: d.Values, Label: d.Label, Rollup: d.Rollup, Additive: d.Additive})
		}
		for _, m := range ds.Measures {
			mi := MeasureInfo{ID: m.ID, Title: m.Title, Unit: m.Unit, Format: m.Format, Transforms: []string{}, Real: m.Unit == "BRL"}
			if m.Agg == "sum" {
				mi.Transforms = append(mi.Transforms, semantic.TransformShare, semantic.TransformYoYPct, semantic.TransformYoYDiff)
				if ds.Time == "month" {
					mi.Transforms = append(mi.Transforms, semantic.TransformRolling12m)
				}
			} else {
				mi.Transforms = append(mi.Transforms, semantic.TransformYoYPct, semantic.TransformYoYDiff)
			}
			info.Measures = append(info.Measures, mi)
		}
		out = append(out, info)
	}
	return out, nil
}

// Dataset returns one dataset the tenant may query, for its watermark headers.
func (s *Service) Dataset(ctx context.Context, id string) (*semantic.Dataset, string, error) {
	ds, ok := s.Catalog.Dataset(id)
	if !ok {
		return nil, "", apperr.Errorf(apperr.NotFound, "dataset not found")
	}
	wm, err := s.Watermarks.Watermark(ctx, ds)
	return ds, wm, err
}

// Values lists the distinct values of one dimension, scoped exactly like a
// query of the dataset (entitlements, tenant key or dataset), cached per
// org, and paid for like a query: within the org's byte budget and its
// plan's cap per query, and recorded in its usage. It reads the periods a
// query of the dataset reads by default (withDefaults: a monthly dataset's
// last 12 months, an annual one's last 10 years, up to the watermark), so
// a picker scans what a default query scans, never every partition, and
// lists the values of recent periods; with nothing loaded yet it is
// unbounded, and there is nothing to scan.
func (s *Service) Values(ctx context.Context, datasetID, field, search string, limit int) (*Result, error) {
	if err := tenant.Authorize(ctx, tenant.ReadData); err != nil {
		return nil, err
	}
	t, _ := tenant.FromContext(ctx)
	access, _, err := s.access(ctx)
	if err != nil {
		return nil, err
	}
	vq, err := s.Catalog.ValidateValues(datasetID, field, search, limit, access)
	if err != nil {
		return nil, err
	}
	wm, stamp, _, err := s.mark(ctx, vq.Dataset)
	if err != nil {
		return nil, err
	}
	window, err := s.withDefaults(ctx, &semantic.Spec{Dataset: vq.Dataset.ID}, vq.Dataset, wm)
	if err != nil {
		return nil, err
	}
	vq.From, vq.To = window.Time.From, window.Time.To
	compiled, err := vq.Compile(s.Engine.Name(), scopeOf(t))
	if err != nil {
		return nil, err
	}
	meta := Meta{Dataset: vq.Dataset.ID, Watermark: wm, Engine: s.Engine.Name(), IndicatorVersion: vq.Dataset.Version, From: vq.From, To: vq.To}
	key := CacheKeyPrefix(t.Org.ID) + "values:" + hashOf(compiled, wm, stamp, vq.Dataset.Version, s.Catalog.Version(), scopeOf(t))
	meta.QueryHash = key[len(CacheKeyPrefix(t.Org.ID)):]
	var unsettled int64
	a, err := s.cached(ctx, key, meta, 0, func(ctx context.Context) (*warehouse.Result, error) {
		r, settled, err := s.runBudgeted(ctx, compiled, warehouse.RunParams{OrgID: t.Org.ID, Endpoint: "values", Dataset: vq.Dataset.ID})
		if err == nil && !settled {
			unsettled = r.BytesProcessed
		}
		return r, err
	})
	if err != nil {
		return nil, err
	}
	if s.Usage != nil {
		s.Usage.RecordQuery(ctx, unsettled, a.Meta.Cache == "hit")
	}
	return a.Result()
}
