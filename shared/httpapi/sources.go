package httpapi

import (
	"net/http"

	"github.com/mirante/mirante/shared/ingest"
	"github.com/mirante/mirante/shared/sources"
)

// handleSources lists the public sources and their freshness; any signed-in
// user may read it (public metadata, no tenant data).
func (s *Server) handleSources(w http.ResponseWriter, r *http.Request) {
	es, err := s.Sources.FindSources(r.Context())
	if err != nil {
		Error(w, r, err)
		return
	}
	items := make([]any, len(es))
	for i, e := range es {
		if src, ok := ingest.FindSource(e.ID); ok {
			e.Requires = requirements(src)
		}
		items[i] = e
	}
	writeList(w, r, items, nil, "")
}

// requirements is the source's declared reference data as the catalog
// shows it.
func requirements(src ingest.Source) []sources.Requirement {
	var out []sources.Requirement
	for _, q := range src.Requires {
		out = append(out, sources.Requirement{Source: q.Source, Layouts: q.Layouts, For: q.For, NamesOnly: q.NamesOnly, Load: q.Command()})
	}
	return out
}
