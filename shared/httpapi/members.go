package httpapi

import (
	"context"
	"net/http"
	"sort"
	"strings"

	"github.com/mirante/mirante/shared/apperr"
	"github.com/mirante/mirante/shared/semantic"
	"github.com/mirante/mirante/shared/tenant"
)

var memberFields = []string{"user_id", "email", "role", "created_at"}

func (s *Server) handleListMembers(w http.ResponseWriter, r *http.Request) {
	serveAll(s, w, r, "members", memberFields, func(ctx context.Context, after *tenant.MemberKey, limit int) ([]*tenant.Member, error) {
		return s.Members.FindMembers(ctx, tenant.MemberFilter{After: after, Limit: limit})
	}, func(m *tenant.Member) tenant.MemberKey { return tenant.MemberKey{Email: m.Email, UserID: m.UserID} })
}

func (s *Server) handleGetMember(w http.ResponseWriter, r *http.Request) {
	m, err := s.Members.FindMemberByID(r.Context(), r.PathValue("user"))
	reply(w, r, http.StatusOK, m, err)
}

// memberRequest names a person by email and the role they are to have: a
// member to add, or someone to invite.
type memberRequest struct {
	Email string      `json:"email"`
	Role  tenant.Role `json:"role"`
}

func (s *Server) handleAddMember(w http.ResponseWriter, r *http.Request) {
	req, ok := decodeBody[memberRequest](s, w, r)
	if !ok {
		return
	}
	if req.Role == "" {
		Error(w, r, apperr.Invalidf("role", "required"))
		return
	}
	m, inv, err := s.Members.AddMember(r.Context(), req.Email, req.Role)
	if err != nil {
		Error(w, r, err)
		return
	}
	if inv != nil {
		// The address's account was claimed by someone who never proved
		// it: an invite stands in for the membership until it is accepted.
		replyInvite(w, r, http.StatusAccepted, strings.TrimSuffix(r.URL.Path, "/members")+"/invites", inv)
		return
	}
	w.Header().Set("Location", r.URL.Path+"/"+m.UserID)
	JSON(w, http.StatusCreated, m)
}

type updateMemberRequest struct {
	Role tenant.Role `json:"role"`
}

func (s *Server) handleUpdateMember(w http.ResponseWriter, r *http.Request) {
	req, ok := decodeBody[updateMemberRequest](s, w, r)
	if !ok {
		return
	}
	m, err := s.Members.UpdateMemberRole(r.Context(), r.PathValue("user"), req.Role)
	reply(w, r, http.StatusOK, m, err)
}

func (s *Server) handleRemoveMember(w http.ResponseWriter, r *http.Request) {
	err := s.Members.RemoveMember(r.Context(), r.PathValue("user"))
	reply(w, r, http.StatusNoContent, nil, err)
}

type entitlementsBody struct {
	Datasets []string `json:"datasets"`
	// Available is every public dataset of the catalog, entitled or not, so
	// an admin can name what they switch on (GET only).
	Available []availableDataset `json:"available,omitempty"`
}

type availableDataset struct {
	ID    string        `json:"id"`
	Title semantic.Text `json:"title"`
}

// publicDatasets lists the catalog's public datasets by id.
func (s *Server) publicDatasets() []availableDataset {
	out := []availableDataset{}
	if s.Catalog == nil {
		return out
	}
	for _, d := range s.Catalog.Datasets() {
		if d.Scope == semantic.Public {
			out = append(out, availableDataset{ID: d.ID, Title: d.Title})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

func (s *Server) handleGetEntitlements(w http.ResponseWriter, r *http.Request) {
	ds, err := s.Entitlements.FindEntitlements(r.Context())
	if err != nil {
		Error(w, r, err)
		return
	}
	if ds == nil {
		ds = []string{}
	}
	JSON(w, http.StatusOK, entitlementsBody{Datasets: ds, Available: s.publicDatasets()})
}

func (s *Server) handleSetEntitlements(w http.ResponseWriter, r *http.Request) {
	var req entitlementsBody
	if err := decodeJSON(w, r, &req, s.maxBody()); err != nil {
		Error(w, r, err)
		return
	}
	if req.Datasets == nil {
		Error(w, r, apperr.Invalidf("datasets", "required (an empty list removes every entitlement)"))
		return
	}
	noteAudit(r.Context(), req)
	ds, err := s.Entitlements.SetEntitlements(r.Context(), req.Datasets)
	reply(w, r, http.StatusOK, entitlementsBody{Datasets: ds}, err)
}

// scope binds a cursor to the list, the org and user of the request, and the
// list's filters.
func (s *Server) scope(r *http.Request, list, filter string) CursorScope {
	t, _ := tenant.FromContext(r.Context())
	u, _ := tenant.UserFromContext(r.Context())
	return CursorScope{List: list, OrgID: t.Org.ID, UserID: u.ID, Filter: filter}
}

func (s *Server) maxBody() int64 {
	if s.MaxBody > 0 {
		return s.MaxBody
	}
	return DefaultMaxBody
}
