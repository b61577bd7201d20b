package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/mirante/mirante/shared/apperr"
)

// dailyQuota is one resource of the plan counted per org and UTC day in
// usage: its SQL reads the plan's limit, and charges one unless spent.
type dailyQuota struct {
	noun      string
	limitSQL  string // $1 org id
	usedSQL   string // $1 org id, $2 day
	chargeSQL string // $1 org id, $2 day, $3 limit
}

var (
	reportQuota = dailyQuota{
		noun:      "reports",
		limitSQL:  `select p.reports_per_day from orgs o join plans p on p.id = o.plan where o.id = $1`,
		usedSQL:   `select coalesce((select reports from usage where org_id = $1 and day = $2), 0)`,
		chargeSQL: `update usage set reports = reports + 1 where org_id = $1 and day = $2 and reports < $3`,
	}
	uploadQuota = dailyQuota{
		noun:      "uploads",
		limitSQL:  `select p.uploads_per_day from orgs o join plans p on p.id = o.plan where o.id = $1`,
		usedSQL:   `select coalesce((select uploads from usage where org_id = $1 and day = $2), 0)`,
		chargeSQL: `update usage set uploads = uploads + 1 where org_id = $1 and day = $2 and uploads < $3`,
	}
)

// chargeQuota counts one of q against the org's daily quota, refusing when
// it is spent. The conditional update serialises concurrent charges: the
// row lock makes each wait for the one before, so no more than the limit
// are ever counted, and a refusal rolls back what the transaction made.
func chargeQuota(ctx context.Context, tx pgx.Tx, orgID string, q dailyQuota) error {
	var limit int
	if err := tx.QueryRow(ctx, q.limitSQL, orgID).Scan(&limit); err != nil {
		return fmt.Errorf("reading the plan: %w", err)
	}
	day := time.Now().UTC().Format("2006-01-02")
	if _, err := tx.Exec(ctx, `insert into usage (org_id, day) values ($1, $2) on conflict do nothing`, orgID, day); err != nil {
		return err
	}
	tag, err := tx.Exec(ctx, q.chargeSQL, orgID, day, limit)
	if err != nil {
		return err
	}
	if tag.RowsAffected() == 0 {
		return q.spent(limit)
	}
	return nil
}

// checkQuota refuses when the org's quota of q for the day is spent,
// charging nothing: a cheap early refusal before work that chargeQuota
// would refuse anyway.
func checkQuota(ctx context.Context, tx pgx.Tx, orgID string, q dailyQuota) error {
	var limit, used int
	if err := tx.QueryRow(ctx, q.limitSQL, orgID).Scan(&limit); err != nil {
		return fmt.Errorf("reading the plan: %w", err)
	}
	if err := tx.QueryRow(ctx, q.usedSQL, orgID, time.Now().UTC().Format("2006-01-02")).Scan(&used); err != nil {
		return err
	}
	if used >= limit {
		return q.spent(limit)
	}
	return nil
}

// spent is the refusal of a spent quota: 429, with when it resets.
func (q dailyQuota) spent(limit int) error {
	reset := time.Now().UTC().Truncate(24 * time.Hour).Add(24 * time.Hour)
	return &apperr.Error{Code: apperr.RateLimited,
		Message: fmt.Sprintf("this organisation's plan allows %d %s a day; the quota resets at %s", limit, q.noun, reset.Format(time.RFC3339)),
		Details: map[string]any{"limit": limit, "remaining": 0, "reset": reset.Format(time.RFC3339), "retry_after_s": int(time.Until(reset).Seconds()) + 1}}
}
