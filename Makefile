# Dreamweaver: `make run` serves the demo site, `make test` runs the whole suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app app
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: run serve bench bench-storm bench-worst lighthouse test test-postgres lint audit lock browser install install-dev clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# One stamp per lock file: the venv is refreshed whenever a lock changes.
$(VENV)/.installed-run: requirements.lock pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.lock
	$(BIN)/pip install --quiet --no-deps -e .
	touch $@

$(VENV)/.installed-dev: requirements-dev.lock pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.lock
	$(BIN)/pip install --quiet --no-deps -e .
	touch $@

install: $(VENV)/.installed-run
install-dev: $(VENV)/.installed-dev

run: install
	$(FLASK) init-db
	$(FLASK) seed-demo
	@# The task queue's worker (image variants...) runs beside the server and stops with it.
	$(FLASK) worker & worker=$$!; trap 'kill $$worker' EXIT INT TERM; \
	  $(FLASK) run --host $(HOST) --port $(PORT)

serve: install
	$(FLASK) init-db
	$(FLASK) worker & worker=$$!; trap 'kill $$worker' EXIT INT TERM; \
	  GUNICORN_BIND=$${GUNICORN_BIND:-$(HOST):8000} $(BIN)/gunicorn -c gunicorn.conf.py app:app

# gunicorn + wrk against a 1,000-post and a 100,000-post / 1,000,000-comment site on
# SQLite and on the local PostgreSQL (seeded once: $(BENCH_DIR), databases dw_bench_*),
# against a hello-world floor; a PASS/FAIL line per issue 21 target (bench/README.md).
# About 35 minutes; BENCH_ARGS="--sizes 1k --databases sqlite --pages home" narrows it.
BENCH_DIR ?= /tmp/dreamweaver-bench
bench: install
	@command -v wrk >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk; \
	  else echo "Install Debian's wrk (sudo apt-get install wrk) for the benchmark."; exit 1; fi; }
	$(BIN)/python bench/run.py --dir $(BENCH_DIR) $(BENCH_ARGS)

# A boost storm: 1,000 servers fetching a new post's object and page at once.
bench-storm: install
	$(BIN)/python bench/storm.py $(BENCH_ARGS)

# The worst inputs we know, at the largest size each is accepted (bench/README.md).
bench-worst: install-dev
	$(BIN)/python bench/worst_case.py $(BENCH_ARGS)

# Lighthouse (mobile) on the demo's single post, home and category pages, 3 runs
# each; not a CI step, its performance figures move with the machine's load.
# Pinned: 13.x needs Node 22. Chromium comes from `make browser`.
LIGHTHOUSE_VERSION := 12.2.3
LIGHTHOUSE := .cache/lighthouse/node_modules/.bin/lighthouse
lighthouse: install $(LIGHTHOUSE) browser
	$(BIN)/python bench/lighthouse.py --lighthouse $(LIGHTHOUSE) $(LIGHTHOUSE_ARGS)

$(LIGHTHOUSE):
	npm install --prefix .cache/lighthouse --no-audit --no-fund --silent --save-exact lighthouse@$(LIGHTHOUSE_VERSION)

AXE_VERSION := 4.14.1
AXE := .cache/node/node_modules/axe-core/axe.min.js

# Debian's chromium for the browser tests (Playwright cannot download one here)
# and axe-core from npm for their accessibility checks.
browser: $(AXE)
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; \
	  else echo "Install Debian's chromium (sudo apt-get install chromium) for the browser tests."; fi; }

$(AXE):
	npm install --prefix .cache/node --no-audit --no-fund --silent axe-core@$(AXE_VERSION)

test: install-dev browser
	$(BIN)/python -m pytest

# The suite again on PostgreSQL (TEST_DATABASE_URL must point at an empty database).
test-postgres: install-dev
	@test -n "$(TEST_DATABASE_URL)" || { echo "Set TEST_DATABASE_URL=postgresql://..."; exit 2; }
	$(BIN)/python -m pytest -m "not browser"

lint: install-dev
	$(BIN)/ruff check .

audit: install-dev
	$(BIN)/python .ci/audit.py requirements.lock

lock: install-dev
	$(BIN)/pip-compile --quiet --strip-extras --no-emit-index-url --no-emit-find-links --extra postgres --extra redis --extra s3 -o requirements.lock pyproject.toml
	$(BIN)/pip-compile --quiet --strip-extras --no-emit-index-url --no-emit-find-links --extra postgres --extra redis --extra s3 --extra dev -o requirements-dev.lock pyproject.toml

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .hypothesis
