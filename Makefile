# e-RGIS: `make run` serves the portal, `make test` runs every check. Both set up what is
# missing first (system packages, virtualenv, front-end libraries, PostGIS database).
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
MANAGE := $(PY) manage.py

.PHONY: run test bench setup setup-test system system-browser system-bench db migrate demo lint \
        typecheck pytest messages clean-venv

run: setup demo
	scripts/serve.sh

test: setup-test lint typecheck pytest

# The benchmarks also run the production proxy (nginx) and a load generator (wrk).
bench: system-bench setup demo
	$(PY) -m bench

setup: system $(VENV)/.installed var/vendor/.copied locale-compiled db migrate
setup-test: system-browser $(VENV)/.installed var/vendor/.copied locale-compiled db static

system:
	scripts/system-deps.sh

system-browser:
	scripts/system-deps.sh --browser

system-bench:
	scripts/system-deps.sh --bench

# The virtualenv, rebuilt when the pinned versions change.
$(VENV)/.installed: pyproject.toml constraints.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) scripts/pyproject_deps.py dev > $(VENV)/requirements.txt
	$(PY) -m pip install -q -c constraints.txt -r $(VENV)/requirements.txt
	touch $@

# Front-end libraries from the npm registry, copied where collectstatic finds them.
node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error

var/vendor/.copied: node_modules/.package-lock.json scripts/vendor-assets.sh
	scripts/vendor-assets.sh
	touch $@

PO_FILES := $(wildcard rgis/locale/*/LC_MESSAGES/django.po)
locale-compiled: $(PO_FILES:.po=.mo)
rgis/locale/%/LC_MESSAGES/django.mo: rgis/locale/%/LC_MESSAGES/django.po
	msgfmt --check -o $@ $<

db:
	scripts/db.sh
	$(MANAGE) check_database

migrate:
	$(MANAGE) migrate --no-input -v 0

demo:
	$(MANAGE) load_demo

static:
	DJANGO_SETTINGS_MODULE=rgis.settings.test $(MANAGE) collectstatic --no-input -v 0

lint:
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports

typecheck:
	$(VENV)/bin/mypy

pytest:
	$(VENV)/bin/pytest

# Refresh the catalogues after changing UI strings; then translate the new entries.
messages:
	$(MANAGE) makemessages --no-obsolete --no-location -l kk -l ru -l en \
	  -i node_modules -i var -i .venv -i tests -i bench

clean-venv:
	rm -rf $(VENV)
