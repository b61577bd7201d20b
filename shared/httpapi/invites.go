package httpapi

import (
	"context"
	"net/http"

	"github.com/mirante/mirante/shared/apperr"
	"github.com/mirante/mirante/shared/audit"
	"github.com/mirante/mirante/shared/telemetry"
	"github.com/mirante/mirante/shared/tenant"
)

var inviteFields = []string{"id", "email", "role", "status", "created_by", "created_at", "expires_at", "accepted_at", "accepted_by", "revoked_at"}

func (s *Server) handleListInvites(w http.ResponseWriter, r *http.Request) {
	serveAll(s, w, r, "invites", inviteFields, func(ctx context.Context, after *tenant.InviteKey, limit int) ([]*tenant.Invite, error) {
		return s.Invites.FindInvites(ctx, tenant.InviteFilter{After: after, Limit: limit})
	}, func(inv *tenant.Invite) tenant.InviteKey {
		return tenant.InviteKey{CreatedAt: inv.CreatedAt, ID: inv.ID}
	})
}

func (s *Server) handleCreateInvite(w http.ResponseWriter, r *http.Request) {
	req, ok := decodeBody[memberRequest](s, w, r)
	if !ok {
		return
	}
	if req.Email == "" {
		Error(w, r, apperr.Invalidf("email", "required"))
		return
	}
	if req.Role == "" {
		Error(w, r, apperr.Invalidf("role", "required"))
		return
	}
	inv, err := s.Invites.CreateInvite(r.Context(), req.Email, req.Role)
	if err != nil {
		Error(w, r, err)
		return
	}
	replyInvite(w, r, http.StatusCreated, r.URL.Path, inv)
}

// replyInvite answers with an invite the request issued (its token with it),
// at its place in the invites list (path), and makes it, without the token,
// the request's audit summary.
func replyInvite(w http.ResponseWriter, r *http.Request, status int, path string, inv *tenant.IssuedInvite) {
	noteAudit(r.Context(), map[string]any{"email": inv.Email, "role": inv.Role, "invite_id": inv.ID})
	w.Header().Set("Location", path+"/"+inv.ID)
	JSON(w, status, inv)
}

func (s *Server) handleRevokeInvite(w http.ResponseWriter, r *http.Request) {
	err := s.Invites.RevokeInvite(r.Context(), r.PathValue("id"))
	reply(w, r, http.StatusNoContent, nil, err)
}

type acceptInviteRequest struct {
	Token string `json:"token"`
}

// handleAcceptInvite lets a signed-in user take an invite. It runs outside
// any org (the caller is not a member yet); an attempt on an invite that
// exists is recorded in the audit log of the invite's org, refused or not,
// and a refused caller is never told which org that is.
func (s *Server) handleAcceptInvite(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	var req acceptInviteRequest
	if err := decodeJSON(w, r, &req, s.maxBody()); err != nil {
		Error(w, r, err)
		return
	}
	if req.Token == "" {
		Error(w, r, apperr.Invalidf("token", "required"))
		return
	}
	acc, err := s.Invites.AcceptInvite(ctx, req.Token)
	if acc.Org.ID != "" {
		status := http.StatusOK
		if err != nil {
			status = StatusOf(err)
		}
		u, _ := tenant.UserFromContext(ctx)
		s.Recorder.Record(ctx, audit.Entry{
			OrgID: acc.Org.ID, UserID: u.ID, Action: "invites.accept", Resource: r.URL.Path, Status: status,
			TraceID: telemetry.TraceID(ctx), Summary: audit.Summarise(map[string]any{"invite_id": acc.InviteID, "role": acc.Role}),
		})
	}
	if err != nil {
		Error(w, r, err)
		return
	}
	telemetry.Info(ctx).OrgID = acc.Org.ID
	JSON(w, http.StatusOK, meOrg{ID: acc.Org.ID, Slug: acc.Org.Slug, Name: acc.Org.Name, Role: acc.Role})
}
