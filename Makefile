# Spotcheck: the two commands are `make demo` and `make test` (see README).
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000
DEMO_OBJECTS ?= 20000
DEMO_INSPECTORS ?= 300
# make postgres-db: the local PostgreSQL role and database (README, Running on PostgreSQL).
PG_DB ?= spotcheck
PG_USER ?= $(PG_DB)
PG_PASSWORD ?= $(PG_USER)
PG_HOST ?= 127.0.0.1
PG_PORT ?= 5432
PG_ROLE_ATTRS ?= CREATEDB
export PG_DB PG_USER PG_PASSWORD PG_HOST PG_PORT PG_ROLE_ATTRS
export DJANGO_SETTINGS_MODULE := spotcheck.settings

.PHONY: demo test install lint format migrations-check postgres-db postgres-db-drop serve worker bench clean

$(STAMP): requirements.txt requirements-dev.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet -r requirements-dev.txt
	touch $(STAMP)

install: $(STAMP)

## make demo: install, migrate the embedded SQLite database, load the demo region, serve.
demo: $(STAMP)
	$(PY) manage.py migrate --noinput
	$(PY) manage.py collectstatic --noinput --verbosity 0
	$(PY) manage.py demo_data --objects $(DEMO_OBJECTS) --inspectors $(DEMO_INSPECTORS) --if-empty
	$(PY) manage.py demo_logins
	@echo "Serving on http://$(HOST):$(PORT)/ (the public portal; staff log in at /accounts/login/ and work at /work/; Ctrl-C stops the server and the job worker)"
	$(PY) manage.py db_worker --interval 0.5 & trap 'kill $$!' EXIT INT TERM; \
	$(PY) manage.py runserver --noreload $(HOST):$(PORT)

## make test: install and run the whole suite (browser tests skip without Chromium).
test: $(STAMP)
	$(PY) -m pytest -n 2 --dist loadgroup $(PYTEST_ARGS)

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	# The draw engine is typed strictly; the public verifier is kept plain for its readers.
	$(VENV)/bin/mypy --strict spotcheck/drawspec/engine.py
	$(VENV)/bin/mypy spotcheck/drawspec/verify_draw.py

format: $(STAMP)
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

migrations-check: $(STAMP)
	$(PY) manage.py makemigrations --check --dry-run

## make postgres-db: a login role and a database it owns with a UTF-8 ctype, on the local server.
postgres-db:
	@scripts/postgres-db.sh

postgres-db-drop:
	@scripts/postgres-db.sh drop

bench: $(STAMP)
	$(PY) bench/run_all.py

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache
