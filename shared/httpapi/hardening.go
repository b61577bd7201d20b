package httpapi

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/mirante/mirante/shared/apperr"
)

// Limits on the shape of a JSON body, beyond its size.
const (
	MaxJSONDepth = 32   // nesting of objects and arrays
	MaxJSONArray = 1000 // elements of any one array
)

// checkJSONShape refuses what encoding/json would let through silently:
// invalid UTF-8 (it would be replaced), duplicate keys (the last would win,
// so two readers could disagree on what was asked), deep nesting and huge
// arrays. It walks the tokens once.
func checkJSONShape(body []byte) error {
	if !utf8.Valid(body) {
		return apperr.Invalidf("body", "not valid UTF-8")
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var stack []*jsonFrame
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return nil // syntax errors are for the decoder to name
		}
		var top *jsonFrame
		if len(stack) > 0 {
			top = stack[len(stack)-1]
		}
		if top != nil && top.object && top.expect {
			if key, ok := tok.(string); ok {
				if top.keys[key] {
					return apperr.Invalidf(joinPath(top.path, key), "appears twice in the same object")
				}
				top.keys[key] = true
				top.expect = false
				top.lastKey = key
				continue
			}
		}
		switch tok {
		case json.Delim('{'), json.Delim('['):
			if len(stack) >= MaxJSONDepth {
				return apperr.Invalidf("body", "nested deeper than %d levels", MaxJSONDepth)
			}
			path := "body"
			if top != nil {
				top.countValue()
				if !top.object && top.n > MaxJSONArray {
					return apperr.Invalidf(top.path, "an array of more than %d elements", MaxJSONArray)
				}
				path = top.path
				if top.object {
					path = joinPath(top.path, top.lastKey)
				}
			}
			stack = append(stack, &jsonFrame{object: tok == json.Delim('{'), keys: map[string]bool{}, path: path, expect: tok == json.Delim('{')})
			continue
		case json.Delim('}'), json.Delim(']'):
			stack = stack[:len(stack)-1]
			if len(stack) > 0 {
				stack[len(stack)-1].expect = stack[len(stack)-1].object
			}
			continue
		}
		if top != nil {
			top.countValue()
			if !top.object && top.n > MaxJSONArray {
				return apperr.Invalidf(top.path, "an array of more than %d elements", MaxJSONArray)
			}
		}
	}
}

// jsonFrame is one open object or array.
type jsonFrame struct {
	object bool
	keys   map[string]bool
	n      int
	path   string
	expect bool // in an object: the next string token is a key
	// lastKey is the key whose value is being read.
	lastKey string
}

// countValue counts a value in the frame; in an object, a key comes next.
func (f *jsonFrame) countValue() {
	f.n++
	f.expect = f.object
}

func joinPath(parent, key string) string {
	if parent == "body" || parent == "" {
		return key
	}
	return parent + "." + key
}

// wellFormedURL refuses, with 400, a request whose path or query string
// decodes to NUL or invalid UTF-8: no route, handler, database or audit
// entry ever sees such text (PostgreSQL's text and jsonb cannot hold it).
func wellFormedURL(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !cleanText(r.URL.Path) {
			Error(w, r, apperr.Invalidf("path", "must be valid UTF-8 without NUL characters"))
			return
		}
		if !cleanQuery(r.URL.RawQuery) {
			Error(w, r, apperr.Invalidf("query", "must be valid UTF-8 without NUL characters"))
			return
		}
		next.ServeHTTP(w, r)
	})
}

// cleanQuery says whether every name and value of a query string decodes to
// clean text; a part that does not decode is checked as sent.
func cleanQuery(raw string) bool {
	if raw == "" {
		return true
	}
	if !cleanText(raw) {
		return false
	}
	for _, part := range strings.FieldsFunc(raw, func(c rune) bool { return c == '&' || c == ';' }) {
		k, v, _ := strings.Cut(part, "=")
		for _, s := range []string{k, v} {
			if d, err := url.QueryUnescape(s); err == nil && !cleanText(d) {
				return false
			}
		}
	}
	return true
}

func cleanText(s string) bool {
	return utf8.ValidString(s) && strings.IndexByte(s, 0) < 0
}

// secureHeaders sets what every API answer carries: no sniffing, no
// framing, no referrer, HSTS, a CSP that allows nothing (the API serves
// JSON and files, never pages), and no caching of tenant data unless a
// handler says otherwise.
func secureHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'")
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("Strict-Transport-Security", "max-age=63072000; includeSubDomains")
		h.Set("Cross-Origin-Resource-Policy", "same-site")
		if strings.HasPrefix(r.URL.Path, "/v1/") {
			h.Set("Cache-Control", "private, no-store")
		}
		next.ServeHTTP(w, r)
	})
}

// corsHeaders lets the listed origins (the SPA's, when it is served from
// another origin than the API) call the API from a browser. Others get no
// CORS headers, so browsers keep their answers from scripts; a preflight
// from them is refused.
func corsHeaders(allowed []string) Middleware {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			origin := r.Header.Get("Origin")
			if origin == "" {
				next.ServeHTTP(w, r)
				return
			}
			h := w.Header()
			h.Add("Vary", "Origin")
			ok := slices.Contains(allowed, origin)
			if r.Method == http.MethodOptions && r.Header.Get("Access-Control-Request-Method") != "" {
				if !ok {
					Error(w, r, apperr.Errorf(apperr.Forbidden, "origin not allowed"))
					return
				}
				h.Set("Access-Control-Allow-Origin", origin)
				h.Set("Access-Control-Allow-Methods", "GET, POST, PUT, PATCH, DELETE")
				h.Set("Access-Control-Allow-Headers", "Authorization, Content-Type, If-Match, If-None-Match, traceparent")
				h.Set("Access-Control-Max-Age", "600")
				w.WriteHeader(http.StatusNoContent)
				return
			}
			if ok {
				h.Set("Access-Control-Allow-Origin", origin)
				h.Set("Access-Control-Expose-Headers", "ETag, Location, Retry-After, RateLimit-Limit, RateLimit-Remaining, RateLimit-Reset, RateLimit-Policy, X-Trace-Id, X-Data-Watermark, X-Indicator-Version")
			}
			next.ServeHTTP(w, r)
		})
	}
}

// deadline bounds every request's work; handlers and the calls they make
// see the context end.
func deadline(d time.Duration) Middleware {
	return func(next http.Handler) http.Handler {
		if d <= 0 {
			return next
		}
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			ctx, cancel := context.WithTimeout(r.Context(), d)
			defer cancel()
			next.ServeHTTP(w, r.WithContext(ctx))
		})
	}
}
