package httpapi

import (
	"net/http"

	"github.com/mirante/mirante/shared/apperr"
	"github.com/mirante/mirante/shared/ingest"
	"github.com/mirante/mirante/shared/sources"
)

// handleSources lists the public sources and their freshness to members of
// at least one org (public metadata, no tenant data). A failed load shows
// as a code and a sentence meant for users; what went wrong in detail is
// in the ingest function's logs, never in the API.
func (s *Server) handleSources(w http.ResponseWriter, r *http.Request) {
	ms, err := s.Users.FindMemberships(r.Context())
	if err != nil {
		Error(w, r, err)
		return
	}
	if len(ms) == 0 {
		Error(w, r, &apperr.Error{Code: apperr.Forbidden, Message: "the source catalog is for members of an organisation: accept an invite first",
			Details: map[string]any{"reason": "no_membership"}})
		return
	}
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
		e.LastErrorCode, e.LastError = sources.Failure(e.LastError)
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
