package httpapi

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"

	"github.com/mirante/mirante/shared/apperr"
	"github.com/mirante/mirante/shared/views"
)

var viewFields = []string{"owner_id", "name", "config", "visibility", "version", "created_at", "updated_at", "owner"}

// viewResponse is a view with its optional embedded owner.
type viewResponse struct {
	*views.View
	Owner *viewOwner `json:"owner,omitempty"`
}

type viewOwner struct {
	ID    string `json:"id"`
	Email string `json:"email"`
}

// etag is a view's strong entity tag: its version.
func etag(v *views.View) string { return `"` + strconv.Itoa(v.Version) + `"` }

// ifMatch reads If-Match: 0 when absent or "*", the version otherwise, and -1
// for a tag that can never match (weak or malformed), which is a 412.
func ifMatch(r *http.Request) int {
	h := strings.TrimSpace(r.Header.Get("If-Match"))
	if h == "" || h == "*" {
		return 0
	}
	if !strings.HasPrefix(h, `"`) || !strings.HasSuffix(h, `"`) || len(h) < 3 {
		return -1
	}
	n, err := strconv.Atoi(h[1 : len(h)-1])
	if err != nil || n < 1 {
		return -1
	}
	return n
}

func (s *Server) handleListViews(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	p, err := parseList(r, viewFields, []string{"owner"})
	if err != nil {
		Error(w, r, err)
		return
	}
	q := r.URL.Query()
	f := views.ViewFilter{Limit: p.limit + 1}
	switch vis := views.Visibility(q.Get("visibility")); {
	case vis == "":
	case vis.Valid():
		f.Visibility = vis
	default:
		Error(w, r, apperr.Invalidf("visibility", "must be private or org"))
		return
	}
	switch q.Get("owner") {
	case "":
	case "me":
		f.Mine = true
	default:
		Error(w, r, apperr.Invalidf("owner", "only \"me\" is supported"))
		return
	}
	scope := s.scope(r, "views", filterFingerprint(q, "visibility", "owner"))
	if p.cursor != "" {
		var k views.Key
		if err := s.Cursors.Decode(p.cursor, scope, &k); err != nil {
			Error(w, r, err)
			return
		}
		f.After = &k
	}
	vs, err := s.Views.FindViews(ctx, f)
	if err != nil {
		Error(w, r, err)
		return
	}
	var next string
	if len(vs) > p.limit {
		vs = vs[:p.limit]
		last := vs[len(vs)-1]
		if next, err = s.Cursors.Encode(scope, views.Key{CreatedAt: last.CreatedAt, ID: last.ID}); err != nil {
			Error(w, r, err)
			return
		}
	}
	items, err := s.withOwners(r, vs, p.include["owner"])
	if err != nil {
		Error(w, r, err)
		return
	}
	writeList(w, r, items, p.fields, next)
}

// withOwners wraps views for rendering, embedding each owner when asked. An
// owner who has left the org is embedded as null.
func (s *Server) withOwners(r *http.Request, vs []*views.View, include bool) ([]any, error) {
	owners := map[string]*viewOwner{}
	out := make([]any, len(vs))
	for i, v := range vs {
		resp := viewResponse{View: v}
		if include {
			o, seen := owners[v.OwnerID]
			if !seen {
				m, err := s.Members.FindMemberByID(r.Context(), v.OwnerID)
				switch {
				case err == nil:
					o = &viewOwner{ID: m.UserID, Email: m.Email}
				case apperr.Is(err, apperr.NotFound):
				default:
					return nil, err
				}
				owners[v.OwnerID] = o
			}
			resp.Owner = o
		}
		out[i] = resp
	}
	return out, nil
}

func (s *Server) handleGetView(w http.ResponseWriter, r *http.Request) {
	p, err := parseList(r, viewFields, []string{"owner"})
	if err != nil {
		Error(w, r, err)
		return
	}
	v, err := s.Views.FindViewByID(r.Context(), r.PathValue("id"))
	if err != nil {
		Error(w, r, err)
		return
	}
	items, err := s.withOwners(r, []*views.View{v}, p.include["owner"])
	if err != nil {
		Error(w, r, err)
		return
	}
	out, err := sparse(items[0], p.fields)
	if err != nil {
		Error(w, r, err)
		return
	}
	w.Header().Set("ETag", etag(v))
	JSON(w, http.StatusOK, out)
}

type createViewRequest struct {
	Name       string           `json:"name"`
	Config     json.RawMessage  `json:"config"`
	Visibility views.Visibility `json:"visibility"`
}

func (s *Server) handleCreateView(w http.ResponseWriter, r *http.Request) {
	var req createViewRequest
	if err := decodeJSON(w, r, &req, s.maxBody()); err != nil {
		Error(w, r, err)
		return
	}
	noteAudit(r.Context(), map[string]any{"name": req.Name, "visibility": req.Visibility, "config": req.Config})
	if err := configObject(req.Config, true); err != nil {
		Error(w, r, err)
		return
	}
	v := &views.View{Name: req.Name, Config: req.Config, Visibility: req.Visibility}
	if err := s.Views.CreateView(r.Context(), v); err != nil {
		Error(w, r, err)
		return
	}
	w.Header().Set("Location", r.URL.Path+"/"+v.ID)
	w.Header().Set("ETag", etag(v))
	JSON(w, http.StatusCreated, viewResponse{View: v})
}

type updateViewRequest struct {
	Name       *string           `json:"name"`
	Config     json.RawMessage   `json:"config"`
	Visibility *views.Visibility `json:"visibility"`
}

func (s *Server) handleUpdateView(w http.ResponseWriter, r *http.Request) {
	var req updateViewRequest
	if err := decodeJSON(w, r, &req, s.maxBody()); err != nil {
		Error(w, r, err)
		return
	}
	noteAudit(r.Context(), req)
	if req.Name == nil && req.Config == nil && req.Visibility == nil {
		Error(w, r, apperr.Invalidf("body", "nothing to change: give name, config or visibility"))
		return
	}
	if err := configObject(req.Config, false); err != nil {
		Error(w, r, err)
		return
	}
	version := ifMatch(r)
	if version < 0 {
		Error(w, r, apperr.Errorf(apperr.Precondition, "If-Match does not match the view's ETag"))
		return
	}
	v, err := s.Views.UpdateView(r.Context(), r.PathValue("id"), views.ViewUpdate{Name: req.Name, Config: req.Config, Visibility: req.Visibility, IfVersion: version})
	if err != nil {
		Error(w, r, err)
		return
	}
	w.Header().Set("ETag", etag(v))
	JSON(w, http.StatusOK, viewResponse{View: v})
}

func (s *Server) handleDeleteView(w http.ResponseWriter, r *http.Request) {
	version := ifMatch(r)
	if version < 0 {
		Error(w, r, apperr.Errorf(apperr.Precondition, "If-Match does not match the view's ETag"))
		return
	}
	if err := s.Views.DeleteView(r.Context(), r.PathValue("id"), version); err != nil {
		Error(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// configObject checks that a config, when present, is a JSON object.
func configObject(c json.RawMessage, required bool) error {
	c = bytes.TrimSpace(c)
	if len(c) == 0 || bytes.Equal(c, []byte("null")) {
		if required {
			return apperr.Invalidf("config", "required: a query spec")
		}
		return nil
	}
	if c[0] != '{' {
		return apperr.Invalidf("config", "must be a JSON object (a query spec)")
	}
	return nil
}
