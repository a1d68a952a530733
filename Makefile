# The few things a person runs. Every target sets up .venv first, from any state.
# `make help` lists them: the text after `##` on a target's line is its help.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.warclaims-installed
LINTED := src tests bench notebooks

.DEFAULT_GOAL := help
.PHONY: help setup report watch test lint format browser lab validate coverage lock clean datapackage

help: ## list the targets
	@awk -F ':.*## ' '/^[a-z][a-z-]*:.*## / { printf "  make %-10s %s\n", $$1, $$2 }' $(MAKEFILE_LIST)

# (Re)creates .venv when it is missing or broken, and reinstalls when pyproject.toml or
# requirements.lock changed since the last install, or when a locked package is missing.
setup: ## create or repair .venv from requirements.lock
	@$(PY) -c 'import sys' 2>/dev/null || { rm -rf $(VENV) && $(PYTHON) -m venv $(VENV); }
	@want="$$(cat pyproject.toml requirements.lock | sha256sum)"; \
	if [ "$$(cat $(STAMP) 2>/dev/null)" != "$$want" ] || ! $(PY) -m warclaims.environment 2>/dev/null \
	   || [ ! -f $(VENV)/share/jupyter/kernels/warclaims/kernel.json ]; then \
	  echo "installing into $(VENV) (requirements.lock)"; \
	  $(PY) -m pip install -q --disable-pip-version-check -r requirements.lock && \
	  $(PY) -m pip install -q --disable-pip-version-check --no-deps --no-build-isolation -e . && \
	  $(PY) -m warclaims.environment && \
	  $(PY) -m ipykernel install --sys-prefix --name warclaims --display-name "warclaims (.venv)" >/dev/null && \
	  echo "$$want" > $(STAMP); \
	fi
	@# The package's bytecode, as a regular install has it: a no-op build is mostly Python starting.
	@$(PY) -m compileall -q src/warclaims

report: setup ## validate the claim table and build the HTML reports into reports/
	$(VENV)/bin/warclaims build

watch: setup ## build, then rebuild on every save until Ctrl-C (warclaims build --watch)
	$(VENV)/bin/warclaims build --watch

test: setup browser lint ## lint, then run the whole test suite (in random order)
	@# "--screenshots=DIR", not "--screenshots DIR": once DIR exists, pytest would take it for the tests' folder
	$(PY) -m pytest --screenshots=build/screenshots

datapackage: setup ## write data/datapackage.json from the table's schemas (a test keeps it in step)
	$(PY) -c 'from warclaims.claims.schema import datapackage_json; open("data/datapackage.json", "w", encoding="utf-8").write(datapackage_json())'

lint: setup ## ruff (lint and format check) and nbstripout (no outputs in committed notebooks)
	$(VENV)/bin/ruff check --no-cache $(LINTED)
	$(VENV)/bin/ruff format --check --no-cache $(LINTED)
	$(VENV)/bin/nbstripout --keep-id --verify notebooks/*.ipynb

format: setup ## apply ruff's fixes and formatting, strip notebook outputs
	$(VENV)/bin/ruff check --fix $(LINTED)
	$(VENV)/bin/ruff format $(LINTED)
	$(VENV)/bin/nbstripout --keep-id notebooks/*.ipynb

# The browser tests drive Debian's chromium (Playwright's own browser download is not used).
browser: ## install Debian's chromium for the browser tests, when missing
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then echo "installing Debian's chromium for the browser tests"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else echo "chromium is missing: sudo apt-get install chromium" >&2; exit 1; fi; }

# Root (as in containers) must say --allow-root or JupyterLab refuses to start.
lab: setup ## open JupyterLab on notebooks/ with the project's kernel
	$(VENV)/bin/jupyter lab --notebook-dir=notebooks $(if $(filter 0,$(shell id -u)),--allow-root) $(LAB_ARGS)

validate: setup ## check data/*.csv and the seeds, listing every problem
	$(VENV)/bin/warclaims validate

coverage: setup ## list every number in the sources and what accounts for it
	$(VENV)/bin/warclaims coverage

lock: ## re-resolve the newest versions into requirements.lock (then update environment.yml)
	rm -rf .venv-lock && $(PYTHON) -m venv .venv-lock
	.venv-lock/bin/pip install -q -e '.[test]'
	{ sed -n '/^#/p' requirements.lock; .venv-lock/bin/pip freeze --exclude-editable | grep -v '^warclaims'; \
	  .venv-lock/bin/pip list --format=freeze | grep '^setuptools=='; } > requirements.lock.new
	rm -rf .venv-lock && mv requirements.lock.new requirements.lock

clean: ## remove .venv, reports/ and build/
	rm -rf $(VENV) reports build
