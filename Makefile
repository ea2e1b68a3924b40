# The two commands a new user needs: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8501

.PHONY: run test lint lint-js format test-engine test-app test-e2e bench clean

$(VENV)/bin/activate:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.runtime: requirements.txt | $(VENV)/bin/activate
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev: requirements-dev.txt requirements.txt $(VENV)/.runtime
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

# One BLAS thread per process: a classroom's sessions share the cores, and for the small matrices
# here more threads only add overhead (a 100x100 decision-boundary grid took 9x longer with two).
export OPENBLAS_NUM_THREADS ?= 1

run: $(VENV)/.runtime
	$(PY) -m streamlit run app.py --server.port $(PORT) --browser.gatherUsageStats false

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
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(PY) -m pytest -n 2 --dist loadgroup

test-engine: $(VENV)/.dev
	$(PY) -m pytest tests/engine

test-app: $(VENV)/.dev
	$(PY) -m pytest tests/app

test-e2e: $(VENV)/.dev
	./scripts/ensure-chromium.sh $(PY)
	$(PY) -m pytest tests/e2e

bench: $(VENV)/.runtime
	@for script in benchmarks/bench_*.py; do echo "== $$script"; $(PY) $$script || exit 1; done

clean:
	rm -rf $(VENV) node_modules .pytest_cache .ruff_cache .hypothesis tests/e2e/screenshots
