# The Monitor platform. Quick start: `make demo`, `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
HOST   ?= 127.0.0.1
PORT   ?= 8000

.PHONY: install demo serve test lint fix migrations-check clean messages browser-tools test-browser bench-latency

# Create .venv from a bare clone and install the project with its dev tools.
$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

# Migrate, load the bundled real data (countries, treaties, UN depositary events), serve.
demo: install
	$(BIN)/monitor migrate --noinput
	$(BIN)/monitor seed
	@echo "Serving the Monitor on http://$(HOST):$(PORT)/"
	@echo "Editorial back office: http://$(HOST):$(PORT)/accounts/login/ (first account:"
	@echo "  $(BIN)/monitor user add NAME --role administrator --password-stdin)"
	$(BIN)/monitor runserver $(HOST):$(PORT)

serve: install
	$(BIN)/monitor runserver $(HOST):$(PORT)

test: install
	$(BIN)/pytest

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

fix: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

migrations-check: install
	$(BIN)/monitor makemigrations --check --dry-run

# Translations (English, French, Spanish): refresh the catalogs from the code and templates,
# then compile them. Run from monitor/ so that .venv is not scanned.
messages: install
	cd monitor && MONITOR_VAR_DIR=$(CURDIR)/var ../$(BIN)/monitor makemessages -l fr -l es --no-obsolete --add-location file
	cd monitor && MONITOR_VAR_DIR=$(CURDIR)/var ../$(BIN)/monitor compilemessages

# What the browser tests need: Debian's Chromium (never `playwright install`) and axe-core.
browser-tools:
	command -v chromium >/dev/null || (apt-get update -qq && apt-get install -y -qq chromium)
	command -v npm >/dev/null || (apt-get update -qq && apt-get install -y -qq npm)
	test -f .cache/npm/node_modules/axe-core/axe.min.js || \
	  npm install --no-save --no-audit --no-fund --loglevel=error --prefix .cache/npm axe-core@4

test-browser: install browser-tools
	MONITOR_REQUIRE_BROWSER=1 $(BIN)/pytest -m browser

# p50/p95 of a public page against a static file under gunicorn (bench/README.md).
bench-latency: install
	$(BIN)/python bench/site_latency.py

clean:
	rm -rf $(VENV) var .pytest_cache .ruff_cache .hypothesis
