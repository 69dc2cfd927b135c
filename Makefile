# Dư Luận — set-up, demo, tests and benchmarks. Every target creates .venv and installs what it needs.
SHELL := /bin/bash
# The interpreter .venv is made with (see scripts/python.sh: the distribution's optimised build first).
PYTHON ?= $(shell bash scripts/python.sh)
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
KERNELS := $(VENV)/.kernels
PG_DIR ?= /tmp/duluan-pg-$(shell id -u)-$(notdir $(CURDIR))
PG_PORT ?= 54329
PYTEST_WORKERS ?= 2
ENGINE_TESTS := duluan/analysis duluan/stats duluan/calendar
DJANGO_TESTS := duluan/apps

.PHONY: help venv demo test lint sysdeps test-engines test-sqlite test-postgres test-browser models bench bench-quick clean

help:
	@echo "make demo   — run the platform on an embedded SQLite with demo data (http://127.0.0.1:8000)"
	@echo "make test   — install everything, lint, run the tests on SQLite and PostgreSQL and in Chromium"
	@echo "make bench  — benchmarks (print figures)"

$(STAMP): pyproject.toml constraints.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -c constraints.txt -e '.[dev]'
	touch $(STAMP)

# Byte-compiled once here: where PYTHONDONTWRITEBYTECODE is set (as on our machines), every
# command would otherwise compile its modules again (35 ms of each `duluan classify`, 2026-11-30).
venv: $(STAMP) $(KERNELS)
	@$(PY) -m compileall -q duluan >/dev/null

# The compiled scoring loops, compiled once (10-18 s) into numba's cache, not by the first command
# or test that uses them; again when their sources change.
$(KERNELS): $(STAMP) duluan/analysis/kernels.py duluan/analysis/features.py duluan/analysis/plain_rows.py
	$(PY) -m duluan.analysis.kernels
	touch $(KERNELS)

demo: venv
	$(VENV)/bin/duluan demo

sysdeps:
	bash scripts/system-deps.sh

lint: venv
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports
	DJANGO_SETTINGS_MODULE=duluan.config.settings.test $(PY) manage.py makemigrations --check --dry-run >/dev/null

test-engines: venv
	$(PY) -m pytest -q -n $(PYTEST_WORKERS) -m "not browser" $(ENGINE_TESTS)

test-sqlite: venv
	env -u DATABASE_URL $(PY) -m pytest -q -n $(PYTEST_WORKERS) -m "not browser" $(DJANGO_TESTS)

test-postgres: venv
	@url=$$(bash scripts/pg-throwaway.sh start $(PG_DIR) $(PG_PORT)); \
	trap 'bash scripts/pg-throwaway.sh stop $(PG_DIR)' EXIT; \
	echo "PostgreSQL: $$url"; \
	DATABASE_URL=$$url $(PY) -m pytest -q -n $(PYTEST_WORKERS) -m "not browser" $(DJANGO_TESTS) && \
	DATABASE_URL=$$url DJANGO_ALLOW_ASYNC_UNSAFE=true $(PY) -m pytest -q -m browser tests/browser

test-browser: venv
	env -u DATABASE_URL DJANGO_ALLOW_ASYNC_UNSAFE=true $(PY) -m pytest -q -m browser tests/browser

test: sysdeps lint test-engines test-sqlite test-postgres

# Benchmarks print figures (tests never assert time). `make bench` runs the sizes the issues set
# (1M rows; hours on 2 cores); `make bench-quick` runs small sizes to check that everything runs.
BENCH_PG_DIR ?= /tmp/duluan-pg-bench-$(shell id -u)
BENCH_PG_PORT ?= 55431

models: venv
	@test -f var/models/topic.model -a -f var/models/sentiment.model || $(VENV)/bin/duluan models build --dir var/models

bench: venv sysdeps models
	$(PY) bench/bench_models.py
	$(PY) -m duluan.analysis.places_eval
	$(PY) -m duluan.analysis.cluster_eval
	$(PY) bench/bench_classify.py
	$(PY) bench/bench_classify.py --corpus vntc --model vntc --workers 2
	$(PY) bench/bench_dedupe.py
	$(PY) bench/bench_encodings.py
	$(PY) bench/bench_analyze.py --sizes 10000,100000,1000000
	$(PY) bench/bench_steps.py --batch-gc
	$(PY) bench/bench_survey.py
	$(PY) bench/backtest_hotness.py
	$(PY) bench/bench_import.py --rows 1000000
	@url=$$(bash scripts/pg-throwaway.sh start $(BENCH_PG_DIR) $(BENCH_PG_PORT)); \
	trap 'bash scripts/pg-throwaway.sh stop $(BENCH_PG_DIR)' EXIT; \
	DATABASE_URL=$$url $(PY) bench/bench_dashboard.py --signals 1000000 --issues 50000

bench-quick: venv sysdeps models
	$(PY) bench/bench_dedupe.py --n 2000
	$(PY) bench/bench_analyze.py --sizes 2000
	$(PY) bench/bench_survey.py --rows 100000
	$(PY) bench/bench_import.py --rows 5000
	@url=$$(bash scripts/pg-throwaway.sh start $(BENCH_PG_DIR) $(BENCH_PG_PORT)); \
	trap 'bash scripts/pg-throwaway.sh stop $(BENCH_PG_DIR)' EXIT; \
	DATABASE_URL=$$url $(PY) bench/bench_dashboard.py --signals 20000 --issues 1000 --seconds 10 --open311-seconds 10

clean:
	rm -rf $(VENV) var .pytest_cache .ruff_cache
