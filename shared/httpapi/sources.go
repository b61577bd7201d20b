package httpapi

import "net/http"

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
		items[i] = e
	}
	writeList(w, r, items, nil, "")
}
