package httpapi

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"

	"github.com/mirante/mirante/shared/apperr"
)

// List limits (../shared/API.md).
const (
	DefaultLimit = 50
	MaxLimit     = 500
)

// listParams are a list request's common parameters.
type listParams struct {
	limit   int
	cursor  string
	fields  []string
	include map[string]bool
}

// parseList reads limit, cursor, fields and include. fields must name known
// fields; include must name known relations.
func parseList(r *http.Request, fields, includes []string) (listParams, error) {
	q := r.URL.Query()
	p := listParams{limit: DefaultLimit, cursor: q.Get("cursor"), include: map[string]bool{}}
	if s := q.Get("limit"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > MaxLimit {
			return p, apperr.Invalidf("limit", "must be an integer from 1 to %d", MaxLimit)
		}
		p.limit = n
	}
	var err error
	if p.fields, err = parseFields(q, fields); err != nil {
		return p, err
	}
	if s := q.Get("include"); s != "" {
		for _, inc := range strings.Split(s, ",") {
			if !contains(includes, inc) {
				return p, apperr.Invalidf("include", "unknown relation %q (known: %s)", clip(inc), strings.Join(includes, ", "))
			}
			p.include[inc] = true
		}
	}
	return p, nil
}

// parseFields reads fields, each of them one of known or "id": an object's
// id is always returned (see sparse), so naming it is never an error.
func parseFields(q url.Values, known []string) ([]string, error) {
	s := q.Get("fields")
	if s == "" {
		return nil, nil
	}
	var out []string
	for _, f := range strings.Split(s, ",") {
		if f != "id" && !contains(known, f) {
			if !contains(known, "id") {
				known = append([]string{"id"}, known...)
			}
			return nil, apperr.Invalidf("fields", "unknown field %q (known: %s)", clip(f), strings.Join(known, ", "))
		}
		out = append(out, f)
	}
	return out, nil
}

// filterFingerprint binds a cursor to the filters of the list it pages.
func filterFingerprint(q url.Values, names ...string) string {
	sort.Strings(names)
	h := sha256.New()
	for _, n := range names {
		h.Write([]byte(n + "=" + q.Get(n) + "\x00"))
	}
	return hex.EncodeToString(h.Sum(nil))[:16]
}

// page reads one page of a keyset-paged list. The request's cursor, if any,
// is the position to page after; it is decoded with the scope it was made
// for, so a cursor never crosses lists, orgs, users or filters. find is asked
// for one item more than the page holds: that extra item, never shown, is
// how a page knows it is not the last, and the cursor of the next page is
// the key of the page's last item ("" on the last page).
func page[K, T any](ctx context.Context, s *Server, p listParams, scope CursorScope,
	find func(ctx context.Context, after *K, limit int) ([]T, error), key func(T) K) ([]T, string, error) {
	var after *K
	if p.cursor != "" {
		after = new(K)
		if err := s.Cursors.Decode(p.cursor, scope, after); err != nil {
			return nil, "", err
		}
	}
	items, err := find(ctx, after, p.limit+1)
	if err != nil {
		return nil, "", err
	}
	if len(items) <= p.limit {
		return items, "", nil
	}
	items = items[:p.limit]
	next, err := s.Cursors.Encode(scope, key(items[len(items)-1]))
	if err != nil {
		return nil, "", err
	}
	return items, next, nil
}

// servePage answers one page of a list (see page) with the fields p asks
// for, each item as render makes it (as it is when render is nil).
func servePage[K, T any](s *Server, w http.ResponseWriter, r *http.Request, p listParams, scope CursorScope,
	find func(ctx context.Context, after *K, limit int) ([]T, error), key func(T) K, render func([]T) ([]any, error)) {
	items, next, err := page(r.Context(), s, p, scope, find, key)
	if err != nil {
		Error(w, r, err)
		return
	}
	out := anys(items)
	if render != nil {
		if out, err = render(items); err != nil {
			Error(w, r, err)
			return
		}
	}
	writeList(w, r, out, p.fields, next)
}

// serveAll answers a list that has no filters of its own (see servePage):
// its cursors carry no filters.
func serveAll[K, T any](s *Server, w http.ResponseWriter, r *http.Request, list string, fields []string,
	find func(ctx context.Context, after *K, limit int) ([]T, error), key func(T) K) {
	p, err := parseList(r, fields, nil)
	if err != nil {
		Error(w, r, err)
		return
	}
	servePage(s, w, r, p, s.scope(r, list, filterFingerprint(r.URL.Query())), find, key, nil)
}

// anys is items as writeList takes them.
func anys[T any](items []T) []any {
	out := make([]any, len(items))
	for i, it := range items {
		out[i] = it
	}
	return out
}

// sparse returns v with only the requested fields (and always "id" when v has
// one); with no fields requested it returns v as it is.
func sparse(v any, fields []string) (any, error) {
	if len(fields) == 0 {
		return v, nil
	}
	b, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, err
	}
	out := map[string]json.RawMessage{}
	for _, f := range fields {
		if val, ok := m[f]; ok {
			out[f] = val
		}
	}
	if id, ok := m["id"]; ok {
		out["id"] = id
	}
	return out, nil
}

// listResponse is every list's envelope.
type listResponse struct {
	Data       []any   `json:"data"`
	NextCursor *string `json:"next_cursor"`
}

// writeList renders items (already trimmed to the page) with sparse fields.
func writeList(w http.ResponseWriter, r *http.Request, items []any, fields []string, next string) {
	resp := listResponse{Data: make([]any, 0, len(items))}
	for _, it := range items {
		v, err := sparse(it, fields)
		if err != nil {
			Error(w, r, err)
			return
		}
		resp.Data = append(resp.Data, v)
	}
	if next != "" {
		resp.NextCursor = &next
	}
	JSON(w, http.StatusOK, resp)
}

func contains(xs []string, x string) bool {
	for _, s := range xs {
		if s == x {
			return true
		}
	}
	return false
}

func clip(s string) string {
	if len(s) > 40 {
		s = s[:40] + "…"
	}
	return strings.ToValidUTF8(s, "?")
}
