package httpapi

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/url"
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

// etag is a versioned resource's strong entity tag: its version.
func etag(version int) string { return `"` + strconv.Itoa(version) + `"` }

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

// ifMatchVersion is the version If-Match names (0: any), or a Precondition
// error for a tag that can never match the ETag of the resource (what).
func ifMatchVersion(r *http.Request, what string) (int, error) {
	version := ifMatch(r)
	if version < 0 {
		return 0, apperr.Errorf(apperr.Precondition, "If-Match does not match the %s's ETag", what)
	}
	return version, nil
}

// visibilityFilter reads the filters of a list of shared-or-own resources:
// visibility (private or org) and owner=me (or mine=true) for the caller's
// own.
func visibilityFilter(q url.Values) (views.Visibility, bool, error) {
	vis := views.Visibility(q.Get("visibility"))
	if vis != "" && !vis.Valid() {
		return "", false, apperr.Invalidf("visibility", "must be private or org")
	}
	mine := false
	switch q.Get("owner") {
	case "":
	case "me":
		mine = true
	default:
		return "", false, apperr.Invalidf("owner", "only \"me\" is supported")
	}
	switch q.Get("mine") {
	case "", "false":
	case "true":
		mine = true
	default:
		return "", false, apperr.Invalidf("mine", "must be true or false")
	}
	return vis, mine, nil
}

func (s *Server) handleListViews(w http.ResponseWriter, r *http.Request) {
	listOwned(s, w, r, "views", viewFields, s.Views.FindViews, func(v *views.View) views.Key { return views.Key{CreatedAt: v.CreatedAt, ID: v.ID} }, s.withOwners)
}

// listOwned serves the list of owned resources (views, dashboards): those
// the caller may see, narrowed by visibilityFilter, newest first, with their
// owners when include=owner. list names the list in its cursors.
func listOwned[T any](s *Server, w http.ResponseWriter, r *http.Request, list string, fields []string,
	find func(context.Context, views.ViewFilter) ([]T, error), key func(T) views.Key, withOwners func(*http.Request, []T, bool) ([]any, error)) {
	p, err := parseList(r, fields, []string{"owner"})
	if err != nil {
		Error(w, r, err)
		return
	}
	q := r.URL.Query()
	var f views.ViewFilter
	if f.Visibility, f.Mine, err = visibilityFilter(q); err != nil {
		Error(w, r, err)
		return
	}
	scope := s.scope(r, list, filterFingerprint(q, "visibility", "owner", "mine"))
	servePage(s, w, r, p, scope, func(ctx context.Context, after *views.Key, limit int) ([]T, error) {
		f.After, f.Limit = after, limit
		return find(ctx, f)
	}, key, func(items []T) ([]any, error) { return withOwners(r, items, p.include["owner"]) })
}

// withOwners wraps views for rendering, embedding each owner when asked.
func (s *Server) withOwners(r *http.Request, vs []*views.View, include bool) ([]any, error) {
	owners, err := ownersOf(s, r, vs, include, func(v *views.View) string { return v.OwnerID })
	if err != nil {
		return nil, err
	}
	out := make([]any, len(vs))
	for i, v := range vs {
		out[i] = viewResponse{View: v, Owner: owners[i]}
	}
	return out, nil
}

// ownersOf looks up the owner of each item when include is set (nils
// otherwise). An owner who has left the org is nil, embedded as null.
func ownersOf[T any](s *Server, r *http.Request, items []T, include bool, ownerID func(T) string) ([]*viewOwner, error) {
	out := make([]*viewOwner, len(items))
	if !include {
		return out, nil
	}
	owners := map[string]*viewOwner{}
	for i, it := range items {
		id := ownerID(it)
		o, seen := owners[id]
		if !seen {
			m, err := s.Members.FindMemberByID(r.Context(), id)
			switch {
			case err == nil:
				o = &viewOwner{ID: m.UserID, Email: m.Email}
			case apperr.Is(err, apperr.NotFound):
			default:
				return nil, err
			}
			owners[id] = o
		}
		out[i] = o
	}
	return out, nil
}

func (s *Server) handleGetView(w http.ResponseWriter, r *http.Request) {
	getOwned(s, w, r, viewFields, s.Views.FindViewByID, s.withOwners, func(v *views.View) int { return v.Version })
}

// getOwned serves GET of one owned resource (a view, a dashboard): the item by
// id, its owner when include=owner, the fields asked for, and its ETag.
func getOwned[T any](s *Server, w http.ResponseWriter, r *http.Request, fields []string,
	find func(context.Context, string) (T, error), withOwners func(*http.Request, []T, bool) ([]any, error), version func(T) int) {
	p, err := parseList(r, fields, []string{"owner"})
	if err != nil {
		Error(w, r, err)
		return
	}
	item, err := find(r.Context(), r.PathValue("id"))
	if err != nil {
		Error(w, r, err)
		return
	}
	items, err := withOwners(r, []T{item}, p.include["owner"])
	if err != nil {
		Error(w, r, err)
		return
	}
	out, err := sparse(items[0], p.fields)
	if err != nil {
		Error(w, r, err)
		return
	}
	w.Header().Set("ETag", etag(version(item)))
	JSON(w, http.StatusOK, out)
}

type createViewRequest struct {
	Name       string           `json:"name"`
	Config     json.RawMessage  `json:"config"`
	Visibility views.Visibility `json:"visibility"`
}

func (s *Server) handleCreateView(w http.ResponseWriter, r *http.Request) {
	req, ok := decodeBody[createViewRequest](s, w, r)
	if !ok {
		return
	}
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
	w.Header().Set("ETag", etag(v.Version))
	JSON(w, http.StatusCreated, viewResponse{View: v})
}

type updateViewRequest struct {
	Name       *string           `json:"name"`
	Config     json.RawMessage   `json:"config"`
	Visibility *views.Visibility `json:"visibility"`
}

func (s *Server) handleUpdateView(w http.ResponseWriter, r *http.Request) {
	req, ok := decodeBody[updateViewRequest](s, w, r)
	if !ok {
		return
	}
	if req.Name == nil && req.Config == nil && req.Visibility == nil {
		Error(w, r, apperr.Invalidf("body", "nothing to change: give name, config or visibility"))
		return
	}
	if err := configObject(req.Config, false); err != nil {
		Error(w, r, err)
		return
	}
	version, err := ifMatchVersion(r, "view")
	if err != nil {
		Error(w, r, err)
		return
	}
	v, err := s.Views.UpdateView(r.Context(), r.PathValue("id"), views.ViewUpdate{Name: req.Name, Config: req.Config, Visibility: req.Visibility, IfVersion: version})
	if err != nil {
		Error(w, r, err)
		return
	}
	w.Header().Set("ETag", etag(v.Version))
	JSON(w, http.StatusOK, viewResponse{View: v})
}

// handleDeleteView deletes a view; with cascade=true also what uses it,
// which the audit summary names.
func (s *Server) handleDeleteView(w http.ResponseWriter, r *http.Request) {
	version, err := ifMatchVersion(r, "view")
	if err != nil {
		Error(w, r, err)
		return
	}
	var cascade bool
	switch r.URL.Query().Get("cascade") {
	case "", "false":
	case "true":
		cascade = true
	default:
		Error(w, r, apperr.Invalidf("cascade", "must be true or false"))
		return
	}
	removed, err := s.Views.DeleteView(r.Context(), r.PathValue("id"), views.ViewDeleteParams{IfVersion: version, Cascade: cascade})
	if err != nil {
		Error(w, r, err)
		return
	}
	if cascade {
		noteAudit(r.Context(), map[string]any{"cascade": true, "removed": removed})
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

// A view in use answers 409, typed urn:mirante:problem:view-in-use.
func init() { statusOf[views.InUse] = http.StatusConflict }
