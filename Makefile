# The few things a person runs. Every target sets up .venv first, from any state.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.warclaims-installed

.PHONY: setup report test browser lab validate coverage lock clean

# (Re)creates .venv when it is missing or broken, and reinstalls when
# pyproject.toml or requirements.lock changed since the last install.
setup:
	@$(PY) -c 'import sys' 2>/dev/null || { rm -rf $(VENV) && $(PYTHON) -m venv $(VENV); }
	@want="$$(cat pyproject.toml requirements.lock | sha256sum)"; \
	if [ "$$(cat $(STAMP) 2>/dev/null)" != "$$want" ] || ! $(PY) -c 'import warclaims' 2>/dev/null; then \
	  echo "installing into $(VENV) (requirements.lock)"; \
	  $(PY) -m pip install -q --disable-pip-version-check -r requirements.lock && \
	  $(PY) -m pip install -q --disable-pip-version-check --no-deps --no-build-isolation -e . && \
	  echo "$$want" > $(STAMP); \
	fi

report: setup
	$(VENV)/bin/warclaims build

test: setup browser
	$(PY) -m pytest

# The browser tests drive Debian's chromium (Playwright's own browser download is not used).
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then echo "installing Debian's chromium for the browser tests"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else echo "chromium is missing: sudo apt-get install chromium" >&2; exit 1; fi; }

# Root (as in containers) must say --allow-root or JupyterLab refuses to start.
lab: setup
	$(VENV)/bin/jupyter lab --notebook-dir=notebooks $(if $(filter 0,$(shell id -u)),--allow-root) $(LAB_ARGS)

validate: setup
	$(VENV)/bin/warclaims validate

coverage: setup
	$(VENV)/bin/warclaims coverage

# Re-resolve the newest versions into requirements.lock (then update environment.yml).
lock:
	rm -rf .venv-lock && $(PYTHON) -m venv .venv-lock
	.venv-lock/bin/pip install -q -e '.[test]'
	{ sed -n '/^#/p' requirements.lock; .venv-lock/bin/pip freeze --exclude-editable | grep -v '^warclaims'; \
	  .venv-lock/bin/pip list --format=freeze | grep '^setuptools=='; } > requirements.lock.new
	rm -rf .venv-lock && mv requirements.lock.new requirements.lock

clean:
	rm -rf $(VENV) reports
