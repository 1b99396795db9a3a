# ML Jobbook — developer commands. `make help` lists them.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
export NO_MKDOCS_2_WARNING := 1
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: help install lock browser serve check test lint format site bench vendor clean js lab

help: ## Show this help
	@awk 'BEGIN {FS = ":.*## "} /^[a-zA-Z_-]+:.*## / {printf "  \033[36m%-10s\033[0m %s\n", $$1, $$2}' $(MAKEFILE_LIST)

$(STAMP): pyproject.toml requirements.lock
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps -e .
	@touch $@

LOCK_FLAGS := --generate-hashes --universal --python-version 3.11.5 --quiet

lock: install ## Re-resolve the hashed lock files (all platforms) after editing pyproject.toml
	$(BIN)/uv pip compile pyproject.toml --extra notebooks --extra dev $(LOCK_FLAGS) -o requirements.lock
	$(BIN)/uv pip compile pyproject.toml --extra notebooks --extra dev --extra lab \
		--constraints requirements.lock $(LOCK_FLAGS) -o requirements-lab.lock

install: $(STAMP) ## Create .venv and install the project (skipped when up to date)

browser: ## Install Debian chromium + CJK fonts for browser tests (skipped when present)
	@if ! command -v chromium >/dev/null || ! fc-list 2>/dev/null | grep -qi 'Noto Sans CJK'; then \
		$(SUDO) apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq chromium fonts-noto-cjk >/dev/null; \
	fi

serve: install ## Live preview at http://127.0.0.1:8000 (rebuilds when roadmap/ or docs/ change)
	JOBBOOK_OFFLINE=false $(BIN)/mkdocs serve -a 127.0.0.1:8000

check: install ## Validate roadmap/*.yml (file:line: message per problem)
	$(BIN)/jobbook check

lint: install node_modules/.package-lock.json ## ruff, the import contract between layers, ESLint
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports --no-cache
	node_modules/.bin/eslint overrides/src

format: install ## Apply ruff fixes and formatting
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --silent --no-audit --no-fund

ESBUILD_FLAGS := --bundle --format=iife --target=es2019 --minify --legal-comments=none

js: node_modules/.package-lock.json ## Bundle overrides/src/*.js into overrides/assets/js/jobbook.js (esbuild)
	node_modules/.bin/esbuild overrides/src/main.js $(ESBUILD_FLAGS) --outfile=overrides/assets/js/jobbook.js

test: install browser node_modules/.package-lock.json lint ## Everything CI runs: lint, unit, golden, end-to-end and browser tests
	$(BIN)/python -m pytest

site: install ## Strict offline build into site/ and dist/ml-jobbook-offline.zip
	$(BIN)/mkdocs build --strict
	$(BIN)/jobbook package --site site --out dist/ml-jobbook-offline.zip

bench: install ## Benchmark build time, memory and size at 1x and 10x the roadmap (FULL=1 adds 100x)
	$(BIN)/python scripts/bench.py $(if $(FULL),--full,)

$(VENV)/.lab-installed: $(STAMP) requirements-lab.lock
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements-lab.lock
	@touch $@

lab: $(VENV)/.lab-installed ## JupyterLab on docs/notebooks/ in the project's environment (edit and run the notebooks)
	$(BIN)/jupyter lab --notebook-dir=docs/notebooks $(if $(SUDO),,--allow-root) $(LAB_ARGS)

vendor: ## Refresh vendored front-end assets (KaTeX, iframe-worker, ts-fsrs) from npm, checksum-verified
	$(BIN)/python scripts/vendor_assets.py

clean: ## Remove build outputs and caches (keeps .venv)
	rm -rf site dist .pytest_cache .ruff_cache .cache
	find . -name __pycache__ -not -path './.venv/*' -prune -exec rm -rf {} +
