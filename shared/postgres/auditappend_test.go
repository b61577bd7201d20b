package postgres_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// connect opens a connection for the test's length.
func connect(t *testing.T, url string) *pgx.Conn {
	t.Helper()
	c, err := pgx.Connect(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close(context.Background()) })
	return c
}

// appendEntry appends one entry of user (a uuid, or "" for none) to org's
// audit log in tx, through append_audit as the app does.
func appendEntry(tx pgx.Tx, org, user, resource string) error {
	_, err := tx.Exec(context.Background(), `select append_audit($1::uuid, array[$2::text], array['read'], array[$3::text],
		array[null]::text[], array[200], array[''], array[now()])`, org, user, resource)
	return err
}

// auditUsers maps each of org's entries' resource to its user ("" for none),
// read as the owner in a transaction of org.
func auditUsers(t *testing.T, owner *pgx.Conn, org string) map[string]string {
	t.Helper()
	tx := begin(t, owner, org)
	defer tx.Rollback(context.Background()) //nolint:errcheck
	rows, err := tx.Query(context.Background(), `select resource, coalesce(user_id::text, '') from audit_log`)
	if err != nil {
		t.Fatal(err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) ([2]string, error) {
		var kv [2]string
		err := r.Scan(&kv[0], &kv[1])
		return kv, err
	})
	if err != nil {
		t.Fatal(err)
	}
	m := map[string]string{}
	for _, kv := range out {
		m[kv[0]] = kv[1]
	}
	return m
}

// newUser provisions a user that nothing but audit entries will name (views
// and dashboards keep their owners), as the owner does.
func newUser(t *testing.T, owner *pgx.Conn, name string) string {
	t.Helper()
	var id string
	if err := owner.QueryRow(context.Background(), `insert into users (firebase_uid, email) values ($1, $1 || '@example.com') returning id::text`, name).Scan(&id); err != nil {
		t.Fatal(err)
	}
	return id
}

// The audit log's org and users are checked per batch by append_audit, not
// by foreign keys; what the keys did on delete, triggers do: deleting a
// user clears it from its entries in every org, deleting an org deletes
// its entries and nobody else's, an entry whose user does not exist is
// stored without one, and a batch for an org that does not exist is
// refused as the key refused it.
func TestAuditAppendKeepsWhatTheKeysKept(t *testing.T) {
	b := setupRLS(t)
	ctx := context.Background()
	owner := connect(t, b.db.OwnerURL)
	app := connect(t, b.db.AppURL)

	var gone string
	if err := owner.QueryRow(ctx, `select gen_random_uuid()::text`).Scan(&gone); err != nil {
		t.Fatal(err)
	}
	userC := newUser(t, owner, "uid-c")
	for _, e := range []struct{ org, user, resource string }{
		{b.orgA, b.userA, "a-by-a"}, {b.orgA, userC, "a-by-c"}, {b.orgA, gone, "a-by-nobody"},
		{b.orgB, b.userA, "b-by-a"}, {b.orgB, userC, "b-by-c"},
	} {
		tx := begin(t, app, e.org)
		if err := appendEntry(tx, e.org, e.user, e.resource); err != nil {
			t.Fatalf("appending %s: %v", e.resource, err)
		}
		if err := tx.Commit(ctx); err != nil {
			t.Fatal(err)
		}
	}
	if got := auditUsers(t, owner, b.orgA)["a-by-nobody"]; got != "" {
		t.Errorf("an entry of a user that does not exist names %q", got)
	}

	tx := begin(t, app, gone)
	err := appendEntry(tx, gone, b.userA, "nowhere")
	var pe *pgconn.PgError
	if !errors.As(err, &pe) || pe.Code != "23503" {
		t.Errorf("a batch for an org that does not exist: %v, want foreign_key_violation (23503)", err)
	}
	_ = tx.Rollback(ctx)

	if _, err := owner.Exec(ctx, `delete from users where id = $1`, userC); err != nil {
		t.Fatalf("deleting user C: %v", err)
	}
	for org, want := range map[string]map[string]string{
		b.orgA: {"a-by-a": b.userA, "a-by-c": "", "a-by-nobody": ""},
		b.orgB: {"b-by-a": b.userA, "b-by-c": ""},
	} {
		got := auditUsers(t, owner, org)
		for res, user := range want {
			if got[res] != user {
				t.Errorf("after deleting user C, %s names user %q, want %q", res, got[res], user)
			}
		}
	}

	otx := begin(t, owner, b.orgB)
	mustExec(t, otx, `delete from orgs where id = $1`, b.orgB)
	if err := otx.Commit(ctx); err != nil {
		t.Fatalf("deleting org B: %v", err)
	}
	if got := auditUsers(t, owner, b.orgB); len(got) != 0 {
		t.Errorf("org B's entries outlived it: %v", got)
	}
	if got := auditUsers(t, owner, b.orgA); len(got) < 3 {
		t.Errorf("deleting org B took org A's entries: %v left", got)
	}
}

// A batch holds its users as a foreign key's check held them: deleting a
// user waits for a batch naming it to commit, and then clears it from the
// batch's entries too, so no entry names a user that is gone.
func TestAuditAppendHoldsItsUsersUntilCommit(t *testing.T) {
	b := setupRLS(t)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	owner := connect(t, b.db.OwnerURL)
	watcher := connect(t, b.db.OwnerURL)
	app := connect(t, b.db.AppURL)

	userC := newUser(t, owner, "uid-c")
	batch := begin(t, app, b.orgA)
	defer batch.Rollback(ctx) //nolint:errcheck
	if err := appendEntry(batch, b.orgA, userC, "in-flight"); err != nil {
		t.Fatal(err)
	}
	var deleter int
	if err := owner.QueryRow(ctx, `select pg_backend_pid()`).Scan(&deleter); err != nil {
		t.Fatal(err)
	}
	deleted := make(chan error, 1)
	go func() {
		_, err := owner.Exec(ctx, `delete from users where id = $1`, userC)
		deleted <- err
	}()
	// The delete must be waiting on the batch's lock before the batch commits.
	for {
		var waiting bool
		if err := watcher.QueryRow(ctx, `select coalesce(wait_event_type = 'Lock', false) from pg_stat_activity where pid = $1`, deleter).Scan(&waiting); err != nil {
			t.Fatal(err)
		}
		if waiting {
			break
		}
		select {
		case err := <-deleted:
			t.Fatalf("the user was deleted while a batch naming it was open (err %v)", err)
		case <-ctx.Done():
			t.Fatal("the delete never waited for the batch")
		default:
		}
	}
	if err := batch.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	if err := <-deleted; err != nil {
		t.Fatalf("deleting the user after the batch: %v", err)
	}
	if got := auditUsers(t, watcher, b.orgA)["in-flight"]; got != "" {
		t.Errorf("the entry appended while its user was being deleted names %q", got)
	}
}
