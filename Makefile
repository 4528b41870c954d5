# Two commands set everything up: `make demo` and `make test`.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

# The site's JavaScript comes from the npm registry at build time and is never committed: Mermaid
# draws the workflow diagrams and Gantt timelines, the iframe-worker shim lets search run when the
# site is opened from disk (file://). mkdocs.yml serves them from $(SITE_ASSETS) (theme.custom_dir).
MERMAID_VERSION := 11.17.2
IFRAME_WORKER_VERSION := 1.0.4
VENDOR := .vendor
SITE_ASSETS := $(VENDOR)/theme
SITE_ASSETS_STAMP := $(VENDOR)/.mermaid-$(MERMAID_VERSION)+iframe-worker-$(IFRAME_WORKER_VERSION)

.PHONY: demo test lint typecheck pytest docs site-assets package bench clean

$(BIN)/python:
	$(PY) -m venv $(VENV)

$(STAMP): $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/yuqing demo

lint: $(STAMP)
	$(BIN)/ruff check src tests examples benchmarks
	$(BIN)/ruff format --check src tests examples benchmarks
	$(BIN)/lint-imports --no-cache

typecheck: $(STAMP)
	$(BIN)/mypy

# -rs: a test skipped for a missing component (tests/conftest.py) says so in one line.
# tests/edges/test_site.py builds the site with the assets and checks it in Chromium.
pytest: $(STAMP) site-assets
	$(BIN)/python -m pytest -q -rs

# `npm pack` fetches just the two published packages (mermaid.min.js is self-contained, so none
# of its dependencies is needed); their licences go with the files.
site-assets: $(SITE_ASSETS_STAMP)

$(SITE_ASSETS_STAMP):
	@command -v npm >/dev/null || { echo "site-assets: npm is needed (Debian package npm)"; exit 1; }
	rm -rf $(VENDOR)
	mkdir -p $(VENDOR)/npm/mermaid $(VENDOR)/npm/iframe-worker \
		$(SITE_ASSETS)/assets/vendor/mermaid $(SITE_ASSETS)/assets/vendor/iframe-worker
	cd $(VENDOR)/npm && npm pack --silent --ignore-scripts \
		mermaid@$(MERMAID_VERSION) iframe-worker@$(IFRAME_WORKER_VERSION) >/dev/null
	tar -xzf $(VENDOR)/npm/mermaid-$(MERMAID_VERSION).tgz -C $(VENDOR)/npm/mermaid
	tar -xzf $(VENDOR)/npm/iframe-worker-$(IFRAME_WORKER_VERSION).tgz -C $(VENDOR)/npm/iframe-worker
	cp $(VENDOR)/npm/mermaid/package/dist/mermaid.min.js $(VENDOR)/npm/mermaid/package/LICENSE \
		$(SITE_ASSETS)/assets/vendor/mermaid/
	cp $(VENDOR)/npm/iframe-worker/package/shim/index.js \
		$(SITE_ASSETS)/assets/vendor/iframe-worker/shim.js
	cp $(VENDOR)/npm/iframe-worker/package/LICENSE $(SITE_ASSETS)/assets/vendor/iframe-worker/
	touch $@

# Not --quiet: in mkdocs 1.6 it also silences the warnings that --strict counts.
docs: $(STAMP) site-assets
	@if [ -f mkdocs.yml ]; then NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs build --strict --site-dir .site; fi

# The package as users get it (part of `make pytest` too): wheel and sdist built and checked with
# twine, the wheel installed into a new virtual environment outside the checkout and run there.
package: $(STAMP)
	$(BIN)/python -m pytest -q -rs tests/edges/test_package.py

test: lint typecheck pytest docs

bench: $(STAMP)
	$(BIN)/python -m benchmarks

clean:
	rm -rf $(VENV) $(VENDOR) .site build dist *.egg-info src/*.egg-info
