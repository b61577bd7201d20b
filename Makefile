# Mirante — see README.md. Every target that needs PostgreSQL, Redis or the
# Firebase Auth emulator starts them itself (scripts/dev).
SHELL := /bin/bash
.DEFAULT_GOAL := help

.PHONY: help dev up down status test lint deps ingest leaktest bench onboard

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

# dev and up install the system packages first (as root), the report
# toolchain included, or stop naming what is missing and how to install it.
dev: ## run the whole stack in the foreground (Ctrl-C stops it)
	@scripts/dev deps
	@scripts/dev dev

up: ## start the stack in the background; returns when everything answers
	@scripts/dev deps
	@scripts/dev up

down: ## stop the stack started by make up
	@scripts/dev down

status: ## what runs, and where
	@scripts/dev status

test: ## the full test suite against real PostgreSQL, Redis and the Auth emulator
	@scripts/dev test

lint: ## go vet, gofmt, staticcheck and gosec (scripts/sast)
	@go vet ./...
	@test -z "$$(gofmt -l $$(git ls-files '*.go'))" || { gofmt -l $$(git ls-files '*.go'); echo "gofmt: files above need formatting" >&2; exit 1; }
	@scripts/sast

ingest: ## load an official file into the running stack: make ingest SOURCE=ipca FILE=path-or-URL
	@scripts/dev ingest "$(SOURCE)" "$(FILE)"

onboard: ## create an org and invite its first owner in the running stack: make onboard SLUG=acme NAME="Acme S.A." OWNER=dona@acme.example [PLAN=free|standard|enterprise ISOLATION=row|dataset DATASET=tenant_acme ENTITLEMENTS=all|none|a,b REISSUE=1]
	@scripts/dev onboard -slug "$(SLUG)" -owner "$(OWNER)" $(if $(NAME),-name "$(NAME)") $(if $(PLAN),-plan "$(PLAN)") $(if $(ISOLATION),-isolation "$(ISOLATION)") $(if $(DATASET),-dataset "$(DATASET)") $(if $(ENTITLEMENTS),-entitlements "$(ENTITLEMENTS)") $(if $(REISSUE),-reissue)

leaktest: ## the tenant leak suite against the running stack (make up first); prints "N probes, M leaks"
	@scripts/dev leaktest

bench: ## every performance target, as ratios against baselines, on a stack of its own; writes .data/bench/results.json
	@scripts/dev deps
	@go run ./scripts/bench

deps: ## install the system packages the stack needs (as root), or print the command
	@scripts/dev deps
