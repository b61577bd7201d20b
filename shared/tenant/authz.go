package tenant

import (
	"context"

	"github.com/mirante/mirante/shared/apperr"
)

// Action is something a member may be allowed to do in an org.
type Action string

// The actions of the role matrix. The services check them; handlers do not.
const (
	ReadData           Action = "read"                // datasets, queries, views, reports, members
	WriteViews         Action = "views.write"         // create views; edit and delete one's own
	OrderReports       Action = "reports.order"       // order reports and manage one's schedules
	ModerateViews      Action = "views.moderate"      // edit and delete other members' shared views
	ManageMembers      Action = "members.manage"      // add, re-role and remove non-owners
	ManageEntitlements Action = "entitlements.manage" // choose the org's public marts
	Upload             Action = "uploads.write"       // load tenant data
	ReadAudit          Action = "audit.read"          // the audit log
	ManageOwners       Action = "owners.manage"       // grant, change or remove the owner role
)

// minRole is the role matrix: each action and the least role that may do it.
var minRole = map[Action]Role{
	ReadData:           Viewer,
	WriteViews:         Analyst,
	OrderReports:       Analyst,
	ModerateViews:      Admin,
	ManageMembers:      Admin,
	ManageEntitlements: Admin,
	Upload:             Admin,
	ReadAudit:          Admin,
	ManageOwners:       Owner,
}

// Can reports whether the role may do the action. Unknown actions are denied.
func (r Role) Can(a Action) bool {
	min, ok := minRole[a]
	return ok && r.AtLeast(min)
}

// Authorize returns nil when the tenant in ctx may do the action, Forbidden
// when its role may not, and Unauthorized when ctx has no tenant at all.
func Authorize(ctx context.Context, a Action) error {
	t, ok := FromContext(ctx)
	if !ok {
		return apperr.Errorf(apperr.Unauthorized, "no tenant in context")
	}
	if !t.Role.Can(a) {
		return apperr.Errorf(apperr.Forbidden, "the %s role may not do this (%s)", t.Role, a)
	}
	return nil
}

// Resolver finds the org a path names (by id or slug) and the caller's role
// in it. A caller who is not a member gets NotFound, exactly as for an org
// that does not exist, so ids and slugs do not leak.
type Resolver interface {
	ResolveTenant(ctx context.Context, orgRef string) (Tenant, error)
}

// MembershipObserver hears of every membership change after it commits, so
// that caches of roles can drop what they hold.
type MembershipObserver interface {
	MembershipChanged(ctx context.Context, org Org, userID string)
}
