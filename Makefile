# The two commands a newcomer needs: `make demo` and `make test`.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
MANAGE := $(PY) manage.py
# The demo runs on a local SQLite file: no server needed. To try it as production runs,
# on PostgreSQL and Redis (and add web processes by hand, see README.md):
#   make demo DEMO_DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal_demo CACHE_URL=redis://127.0.0.1:6379/5
DEMO_DATABASE_URL ?= sqlite:///$(CURDIR)/demo.sqlite3
DEMO_ENV := DJANGO_DEBUG=true DATABASE_URL=$(DEMO_DATABASE_URL)
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: demo test e2e lint format venv messages bench bench-api bench-pdf clean lock

# The virtualenv is rebuilt when the lock changes. requirements-dev.lock is the
# production lock (requirements.lock, what the Docker image installs) plus the
# development and test tools.
$(VENV)/.installed: requirements-dev.lock
	@py=$$(scripts/find-python.sh) || exit 1; \
	  echo "Using $$py"; \
	  [ -x $(PY) ] || "$$py" -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet --require-hashes -r requirements-dev.lock
	touch $@

venv: $(VENV)/.installed

# Compiled translations are build output, not committed.
locale/fr/LC_MESSAGES/django.mo: $(VENV)/.installed $(shell find locale */locale -name '*.po' 2>/dev/null)
	DJANGO_DEBUG=true $(MANAGE) compilemessages --ignore=.venv >/dev/null

messages: venv
	DJANGO_DEBUG=true $(MANAGE) makemessages -l fr --add-location=file --ignore=.venv --ignore=tests --ignore=bench --no-obsolete

demo: venv locale/fr/LC_MESSAGES/django.mo
	$(DEMO_ENV) $(MANAGE) migrate --noinput
	$(DEMO_ENV) $(MANAGE) seed_demo
	@echo
	@echo "The portal is at http://$(HOST):$(PORT)/ (Ctrl-C stops it, its worker and scheduler)."
	$(DEMO_ENV) $(PY) scripts/together.py \
	  "web=$(MANAGE) runserver $(HOST):$(PORT)" \
	  "worker=$(MANAGE) run_worker" \
	  "scheduler=$(MANAGE) run_scheduler"

# The whole suite on PostgreSQL (see scripts/with-postgres.sh for how one is found).
# The suite runs on every core (pytest-xdist, each worker with its own test database);
# PYTEST_WORKERS=0 runs it in one process.
PYTEST_WORKERS ?= auto
test: venv locale/fr/LC_MESSAGES/django.mo
	PY=$(PY) scripts/with-postgres.sh $(PY) -m pytest -n $(PYTEST_WORKERS) --maxprocesses=4 $(PYTEST_ARGS)

e2e: venv locale/fr/LC_MESSAGES/django.mo
	PY=$(PY) scripts/with-postgres.sh $(PY) -m pytest -m e2e $(PYTEST_ARGS)

# Lint, format and types (mypy with django-stubs on the application code; see pyproject.toml).
lint: venv
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	DJANGO_DEBUG=true $(VENV)/bin/mypy

format: venv
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

bench: venv locale/fr/LC_MESSAGES/django.mo
	PY=$(PY) scripts/with-postgres.sh $(PY) bench/run.py

# The platform API alone (single and batch PUTs), in a small database of its own: seconds.
bench-api: venv
	PY=$(PY) scripts/with-postgres.sh $(PY) bench/api_speed.py

# The whole inbox as one PDF on the worker (25,000 messages): time and peak memory.
bench-pdf: venv locale/fr/LC_MESSAGES/django.mo
	PY=$(PY) scripts/with-postgres.sh $(PY) bench/export_pdf.py

clean:
	rm -rf $(VENV) demo.sqlite3 demo.sqlite3-wal demo.sqlite3-shm staticfiles media

# Refresh both locks after changing pyproject.toml (needs uv: pip install uv).
lock:
	uv pip compile pyproject.toml --generate-hashes --universal --python-version 3.12 -o requirements.lock
	uv pip compile pyproject.toml --extra dev --generate-hashes --universal --python-version 3.12 -o requirements-dev.lock
