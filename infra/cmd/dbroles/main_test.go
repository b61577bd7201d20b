package main

import (
	"context"
	"strings"
	"testing"
)

func TestRoleStatement(t *testing.T) {
	create := roleStatement(false, "it's-secret")
	for _, want := range []string{`CREATE ROLE "mirante_app"`, "LOGIN", "NOSUPERUSER", "NOBYPASSRLS", "NOCREATEDB", "NOCREATEROLE", "NOREPLICATION", "'it''s-secret'"} {
		if !strings.Contains(create, want) {
			t.Errorf("create statement lacks %q: %s", want, create)
		}
	}
	alter := roleStatement(true, "x")
	if !strings.HasPrefix(alter, `ALTER ROLE "mirante_app" WITH LOGIN NOCREATEDB NOCREATEROLE PASSWORD 'x'`) {
		t.Errorf("alter statement: %s", alter)
	}
	if strings.Contains(alter, "BYPASSRLS") || strings.Contains(alter, "SUPERUSER") {
		t.Errorf("only a superuser may name SUPERUSER/BYPASSRLS in ALTER ROLE: %s", alter)
	}
}

func TestVerifyApp(t *testing.T) {
	good := roleAttrs{Login: true}
	if err := verifyApp(good); err != nil {
		t.Fatalf("good role refused: %v", err)
	}
	for name, a := range map[string]roleAttrs{
		"BYPASSRLS":         {Login: true, BypassRLS: true},
		"SUPERUSER":         {Login: true, Super: true},
		"CREATEROLE":        {Login: true, CreateRole: true},
		"cloudsqlsuperuser": {Login: true, MemberOf: []string{"cloudsqlsuperuser"}},
		"cannot log in":     {},
	} {
		if err := verifyApp(a); err == nil || !strings.Contains(err.Error(), name) {
			t.Errorf("%s: got %v", name, err)
		}
	}
	if err := verifyOwner(roleAttrs{Login: true, CreateRole: true, CreateDB: true, MemberOf: []string{"cloudsqlsuperuser"}}); err != nil {
		t.Errorf("a Cloud SQL API user (CREATEROLE, CREATEDB, cloudsqlsuperuser) is a fine owner: %v", err)
	}
	if err := verifyOwner(roleAttrs{Login: true, BypassRLS: true}); err == nil {
		t.Error("an owner with BYPASSRLS must be refused")
	}
}

func TestRunRefusesBadInput(t *testing.T) {
	if err := run(context.Background(), "", "0123456789abcdef"); err == nil || !strings.Contains(err.Error(), "DATABASE_URL") {
		t.Errorf("no URL: %v", err)
	}
	if err := run(context.Background(), "postgres://x@127.0.0.1:1/x", "short"); err == nil || !strings.Contains(err.Error(), "PG_APP_PASSWORD") {
		t.Errorf("short password: %v", err)
	}
}

func TestErrorsNeverEchoThePassword(t *testing.T) {
	msg := pgErrorCode(errString(`ERROR: syntax error at "CREATE ROLE x PASSWORD 'hunter2hunter2hunter2'"`))
	if strings.Contains(msg, "hunter2") {
		t.Errorf("password leaked: %s", msg)
	}
}

type errString string

func (e errString) Error() string { return string(e) }
