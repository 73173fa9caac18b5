# The Monitor platform. Quick start: `make demo`, `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
HOST   ?= 127.0.0.1
PORT   ?= 8000

.PHONY: install demo serve worker test lint fix migrations-check clean messages browser-tools pdf-tools test-browser bench-latency

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
	@echo "PDF builds run in a background worker started here too; it stops with the server."
	$(BIN)/monitor worker --no-reload & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT INT TERM; \
	$(BIN)/monitor runserver $(HOST):$(PORT)

serve: install
	$(BIN)/monitor runserver $(HOST):$(PORT)

# The background worker that runs the PDF builds requested in the back office (one is
# enough; `make demo` starts one next to the server).
worker: install
	$(BIN)/monitor worker

# The suite runs on every core (pytest-xdist; each worker has its own test database); a
# test file stays on one worker. TEST_WORKERS=0 runs it in one process.
TEST_WORKERS ?= auto
test: install
	$(BIN)/pytest -n $(TEST_WORKERS) --dist loadfile

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

# Debian's poppler-utils: pdftoppm renders PDF pages to images in the publishing tests.
pdf-tools:
	command -v pdftoppm >/dev/null || (apt-get update -qq && apt-get install -y -qq poppler-utils)

test-browser: install browser-tools
	MONITOR_REQUIRE_BROWSER=1 $(BIN)/pytest -m browser

# p50/p95 of a public page against a static file under gunicorn (bench/README.md).
bench-latency: install
	$(BIN)/python bench/site_latency.py

clean:
	rm -rf $(VENV) var .pytest_cache .ruff_cache .hypothesis
