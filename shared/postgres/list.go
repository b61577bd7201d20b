package postgres

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"
)

// Keyset orders and the conditions that page after a key in them. Every
// list's order ends in a unique column, so a key names one position and no
// row is skipped or repeated across pages.
const (
	// newestFirst orders rows by creation, newest first.
	newestFirst = "created_at desc, id desc"
	// olderThan keeps the rows after (created_at, id) in newestFirst order.
	olderThan = "(created_at, id) < (%s, %s::uuid)"
)

// listQuery builds the select of one page of a keyset-paged list: its
// conditions, joined with "and", and their arguments, numbered in the order
// they are added.
type listQuery struct {
	where []string
	args  []any
}

// and adds the condition cond, a fmt format whose only verbs are %s: each
// stands for the placeholder of the next of args, so no value is ever
// spliced into the SQL text.
func (q *listQuery) and(cond string, args ...any) {
	ph := make([]any, len(args))
	for i, a := range args {
		ph[i] = q.arg(a)
	}
	q.where = append(q.where, fmt.Sprintf(cond, ph...))
}

// arg adds v to the arguments and returns its placeholder.
func (q *listQuery) arg(v any) string {
	q.args = append(q.args, v)
	return "$" + strconv.Itoa(len(q.args))
}

// sql completes sel (select ... from ...) into the page: the rows that meet
// every condition, in order, at most limit of them. It adds the limit to the
// arguments, so it is called once, last.
func (q *listQuery) sql(sel, order string, limit int) string {
	where := "true"
	if len(q.where) > 0 {
		where = strings.Join(q.where, " and ")
	}
	return sel + " where " + where + " order by " + order + " limit " + q.arg(limit)
}

// findRows reads every row of sql as the tenant in ctx, each through scan.
func findRows[T any](ctx context.Context, db *DB, sql string, args []any, scan func(pgx.Row) (T, error)) ([]T, error) {
	var out []T
	err := db.InTenantTx(ctx, func(tx pgx.Tx) error {
		var err error
		out, err = collectRows(ctx, tx, sql, args, scan)
		return err
	})
	return out, err
}

// collectRows reads every row of sql in tx, each through scan.
func collectRows[T any](ctx context.Context, tx pgx.Tx, sql string, args []any, scan func(pgx.Row) (T, error)) ([]T, error) {
	rows, err := tx.Query(ctx, sql, args...)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (T, error) { return scan(r) })
}
