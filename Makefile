# Two entry points: `make run` (install and run the main job) and `make test` (install and check).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: run test install install-dev chromium axe lint types layers pytest bench fit clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

install: $(BIN)/python
	$(BIN)/pip install --quiet -e .

install-dev: $(BIN)/python
	$(BIN)/pip install --quiet -e '.[dev]'

# The web app on http://127.0.0.1:8000 (Ctrl+C stops it).
run: $(BIN)/python
	$(BIN)/pip install --quiet -e '.[web]'
	$(BIN)/ditf serve --host 127.0.0.1 --port 8000

test: install-dev chromium axe lint types layers pytest

# The browser tests drive Debian's Chromium, never a downloaded browser: install the package
# with apt when it is missing (where there is no apt, those tests skip and say why).
CHROMIUM := /usr/bin/chromium
chromium:
	@if [ ! -x $(CHROMIUM) ]; then \
	  if command -v apt-get >/dev/null 2>&1; then \
	    sudo=""; [ "$$(id -u)" -eq 0 ] || sudo="sudo"; \
	    $$sudo apt-get update -qq && \
	    $$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else \
	    echo "note: $(CHROMIUM) is missing and there is no apt-get; browser tests will skip"; \
	  fi; \
	fi

# The accessibility tests inject axe-core (pinned in package.json and package-lock.json,
# installed from the npm registry into node_modules; never a CDN). Without npm they skip.
axe: node_modules/axe-core/axe.min.js
node_modules/axe-core/axe.min.js: package.json package-lock.json
	@if command -v npm >/dev/null 2>&1; then \
	  npm ci --no-audit --no-fund --silent && touch $@; \
	else \
	  echo "note: npm is missing; the axe-core accessibility tests will skip"; \
	fi

lint:
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks

types:
	$(BIN)/mypy

layers:
	$(BIN)/lint-imports

# oTree pins old Starlette/SQLAlchemy, so its bot test runs from a venv of its own.
OTREE_VENV := .venv-otree
$(OTREE_VENV)/bin/otree:
	$(PYTHON) -m venv $(OTREE_VENV)
	$(OTREE_VENV)/bin/pip install --quiet 'otree==6.0.15' requests

# One worker per core (pytest-xdist), and the 15 slowest tests listed at the end. Bytecode
# caches stay on where the shell turns them off (PYTHONDONTWRITEBYTECODE): without them every
# CLI and server subprocess compiles ditf anew, and every worker rewrites every test module.
pytest: $(OTREE_VENV)/bin/otree
	PYTHONDONTWRITEBYTECODE= DITF_OTREE=$(CURDIR)/$(OTREE_VENV)/bin/otree $(BIN)/pytest -q -n auto --durations=15 --cov=ditf --cov-report=term-missing:skip-covered --cov-fail-under=95

bench: install-dev
	$(BIN)/python benchmarks/run.py

# Regenerate the fitted parameters shipped with the package: first the simulated link the
# anchoring calibration reads (the bargaining counterpart at each pull share), then the fit.
fit: install
	$(BIN)/python scripts/anchoring_link.py src/ditf/data/anchoring_link.csv
	$(BIN)/ditf fit --out src/ditf/data/fitted.json

clean:
	rm -rf $(VENV) $(OTREE_VENV) .pytest_cache .mypy_cache .ruff_cache .hypothesis
