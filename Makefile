# The two commands a new user needs: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8501

.PHONY: run classroom test lint format test-engine test-app test-e2e bench screenshots clean lock upgrade lint-js

# What gets installed: the locks, exact versions with the hash of every file, so a class installs
# what the tests passed with. requirements*.txt hold the floors; `make lock` / `make upgrade`
# (below) turn them into the locks. The dev lock holds the runtime lock's pins plus the test tools.
LOCK := requirements.lock
DEV_LOCK := requirements-dev.lock

$(VENV)/bin/activate:
	$(PYTHON) -m venv $(VENV)

# The venv's own pip installs the locks (no unpinned pip upgrade first). The dry run installs
# nothing: it fails when requirements*.txt ask for a package or version the lock lacks.
$(VENV)/.runtime: $(LOCK) requirements.txt | $(VENV)/bin/activate
	$(PY) -m pip install --quiet --require-hashes -r $(LOCK)
	@$(PY) -m pip install --quiet --no-index --dry-run -r requirements.txt \
		|| { echo "$(LOCK) is older than requirements.txt: run 'make lock'"; exit 1; }
	touch $@

$(VENV)/.dev: $(DEV_LOCK) requirements-dev.txt $(VENV)/.runtime
	$(PY) -m pip install --quiet --require-hashes -r $(DEV_LOCK)
	@$(PY) -m pip install --quiet --no-index --dry-run -r requirements-dev.txt \
		|| { echo "$(DEV_LOCK) is older than requirements-dev.txt: run 'make lock'"; exit 1; }
	touch $@

# The locks are compiled by uv (from PyPI, pinned here, installed into .venv only for this):
# one universal lock for Python 3.11 and newer on Linux, macOS and Windows (markers where they
# differ), the fewest versions across Pythons, so 3.11 and 3.12 install the same versions.
# `make lock` after editing requirements*.txt: adds, drops or moves only what they changed.
# `make upgrade`: every package to its newest release that the floors allow.
# The dev lock is compiled first; the runtime lock is constrained to its pins, so the app runs
# with the versions the tests used.
UV_VERSION := 0.13.9
UV := $(VENV)/bin/uv
UV_COMPILE = $(UV) pip compile --quiet --no-config --python $(PY) --python-version 3.11 \
	--universal --fork-strategy fewest --generate-hashes --custom-compile-command "make lock" \
	$(if $(filter upgrade,$@),--upgrade)

$(VENV)/.uv-$(UV_VERSION): | $(VENV)/bin/activate
	$(PY) -m pip install --quiet uv==$(UV_VERSION)
	touch $@

lock upgrade: $(VENV)/.uv-$(UV_VERSION)
	$(UV_COMPILE) requirements-dev.txt -o $(DEV_LOCK)
	$(UV_COMPILE) requirements.txt -c $(DEV_LOCK) -o $(LOCK)

# One BLAS thread per process: a classroom's sessions share the cores, and for the small matrices
# here more threads only add overhead (a 100x100 decision-boundary grid took 9x longer with two).
export OPENBLAS_NUM_THREADS ?= 1

# scripts/serve.py = `streamlit run app.py`, with the imports done before the server listens and
# the sessions of learners who left freed (see there). Two malloc arenas instead of glibc's 8 per
# core: session threads each kept freed memory in their own arena (15 learners, 400 reruns, then
# gone: RSS +172 MB over the start with the default, +56 MB with 2).
run: export MALLOC_ARENA_MAX ?= 2
run: $(VENV)/.runtime
	$(PY) scripts/serve.py --server.port $(PORT) --browser.gatherUsageStats false

# A whole class on one machine: WORKERS app processes behind HAProxy on PORT (README: Teach a class).
WORKERS ?= $(shell nproc 2>/dev/null || echo 2)
classroom: $(VENV)/.runtime
	./scripts/ensure-haproxy.sh
	PORT=$(PORT) WORKERS=$(WORKERS) PY=$(PY) ./scripts/classroom.sh

lint: $(VENV)/.dev lint-js
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

# The browser code (ui/js) with ESLint (package.json, eslint.config.mjs) when Node.js is installed;
# without it the app and its tests still run, so this only says it skipped.
lint-js:
	@if command -v npm >/dev/null 2>&1; then \
		[ -x node_modules/.bin/eslint ] || npm ci --no-audit --no-fund --silent; \
		node_modules/.bin/eslint ui/js; \
	else \
		echo "lint-js: Node.js (npm) not found: JavaScript lint skipped"; \
	fi

format: $(VENV)/.dev
	$(PY) -m ruff check --fix .
	$(PY) -m ruff format .

test: $(VENV)/.dev lint-js
	./scripts/ensure-chromium.sh $(PY)
	./scripts/ensure-node-tools.sh
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(PY) -m pytest -n 2 --dist loadgroup

test-engine: $(VENV)/.dev
	$(PY) -m pytest tests/engine

test-app: $(VENV)/.dev
	$(PY) -m pytest tests/app

test-e2e: $(VENV)/.dev
	./scripts/ensure-chromium.sh $(PY)
	./scripts/ensure-node-tools.sh
	$(PY) -m pytest tests/e2e

bench: $(VENV)/.runtime
	@for script in benchmarks/bench_*.py; do echo "== $$script"; $(PY) $$script || exit 1; done

# The README's pictures (docs/lab.png, docs/gallery/*.png) taken anew in Chromium: after a change
# to what a lesson looks like. Playwright comes with the test tools.
screenshots: $(VENV)/.dev
	./scripts/ensure-chromium.sh $(PY)
	$(PY) scripts/screenshots.py

clean:
	rm -rf $(VENV) node_modules .pytest_cache .ruff_cache .hypothesis tests/e2e/screenshots
