package httpapi

import "net/http"

// handleUsage answers an org's usage today against its plan (admins).
func (s *Server) handleUsage(w http.ResponseWriter, r *http.Request) {
	u, err := s.Usage.OrgUsage(r.Context())
	if err != nil {
		Error(w, r, err)
		return
	}
	JSON(w, http.StatusOK, u)
}
