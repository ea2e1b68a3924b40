# The two commands a new user needs: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8501

.PHONY: run classroom test lint format test-engine test-app test-e2e bench clean

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

lint: $(VENV)/.dev
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

format: $(VENV)/.dev
	$(PY) -m ruff check --fix .
	$(PY) -m ruff format .

test: $(VENV)/.dev
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

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .hypothesis tests/e2e/screenshots
