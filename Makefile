# bc-subscriptions: every target bootstraps .venv (Python 3.11) from nothing.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml | cksum | cut -d' ' -f1)
# sam and cfn-lint need a region and credentials to exist, never real ones.
OFFLINE_AWS := AWS_DEFAULT_REGION=us-east-1 AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing SAM_CLI_TELEMETRY=0

.PHONY: help venv test pytest demo dev bench lint typecheck template unit integration e2e build clean

help:
	@echo "make test   lint, types, template checks and every test suite"
	@echo "make demo   the whole story end to end on the embedded local stack"
	@echo "make dev    the local stack as servers, for curl and scripts/invoke"
	@echo "make bench  performance budgets (not part of make test)"

$(STAMP):
	@$(PYTHON) -c 'import sys; assert sys.version_info[:2] == (3, 11), "Python 3.11 is required (the Lambda runtime)"'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	rm -f $(VENV)/.installed-* && touch $(STAMP)

venv: $(STAMP)

test: web lint typecheck template pytest

# Two workers: the machines this runs on have two cores; worksteal evens out slow files.
PYTEST_WORKERS ?= 2

# The /load page and the browser tests serve the built control-panel bundle.
pytest: $(STAMP) web-bundle
	$(BIN)/pytest -q -n $(PYTEST_WORKERS) --dist worksteal tests

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(STAMP)
	$(BIN)/mypy

template: $(STAMP)
	$(OFFLINE_AWS) $(BIN)/cfn-lint template.yaml
	$(OFFLINE_AWS) $(BIN)/sam validate --lint --template template.yaml

unit: $(STAMP)
	$(BIN)/pytest -q tests/unit

integration: $(STAMP)
	$(BIN)/pytest -q tests/integration

e2e: $(STAMP)
	$(BIN)/pytest -q tests/e2e

demo: $(STAMP)
	$(BIN)/python -m devstack.demo

dev: $(STAMP) web-bundle
	$(BIN)/python -m devstack.dev

bench: $(STAMP)
	$(BIN)/python -m devstack.bench

build: $(STAMP) web-bundle
	$(OFFLINE_AWS) $(BIN)/sam build --template template.yaml

# The control-panel app (web/admin): npm ci once per lockfile, a build when its sources change.
WEB := web/admin
WEB_STAMP := $(WEB)/node_modules/.installed-$(shell cat $(WEB)/package-lock.json | cksum | cut -d' ' -f1)
WEB_BUNDLE := functions/app_lifecycle/static/admin.js
WEB_SOURCES := $(shell find $(WEB)/src -type f) $(WEB)/vite.config.ts $(WEB)/package.json

.PHONY: web web-bundle

$(WEB_STAMP): $(WEB)/package-lock.json
	cd $(WEB) && npm ci --no-audit --no-fund
	rm -f $(WEB)/node_modules/.installed-* && touch $(WEB_STAMP)

$(WEB_BUNDLE): $(WEB_STAMP) $(WEB_SOURCES)
	cd $(WEB) && npm run build

# The storefront portal's script (web/storefront), served beside it.
SF := web/storefront
SF_STAMP := $(SF)/node_modules/.installed-$(shell cat $(SF)/package-lock.json | cksum | cut -d' ' -f1)
SF_BUNDLE := functions/app_lifecycle/storefront/storefront.js
SF_SOURCES := $(shell find $(SF)/src -type f) $(SF)/vite.config.ts $(SF)/package.json

$(SF_STAMP): $(SF)/package-lock.json
	cd $(SF) && npm ci --no-audit --no-fund
	rm -f $(SF)/node_modules/.installed-* && touch $(SF_STAMP)

$(SF_BUNDLE): $(SF_STAMP) $(SF_SOURCES)
	cd $(SF) && npm run build

web-bundle: $(WEB_BUNDLE) $(SF_BUNDLE)

web: $(WEB_BUNDLE) $(SF_BUNDLE)
	cd $(WEB) && npm run check-api-types && npm run typecheck && npm run lint && npm test
	cd $(SF) && npm run typecheck && npm run lint && npm test

clean:
	rm -rf $(VENV) .aws-sam .mypy_cache .ruff_cache .pytest_cache
