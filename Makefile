# Run the Numbers. The two commands a fresh machine needs: `make book` and `make test`.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
READY := $(VENV)/.ready
CHROMIUM := /usr/bin/chromium
BUILD_FLAGS := -W -n --keep-going

.PHONY: book translations test check lint lint-workflow lint-citation citation pages execute serve facts params scenario bench clean

$(READY): requirements.txt pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.txt
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	touch $@

## book: build the static site into _build/html from the committed, executed notebooks (refused if data/ changed since they ran): the English edition (as jupyter-book build . -W -n --keep-going), then the Chinese one into _build/html/zh, in one process
book: $(READY)
	$(BIN)/python -m runthenumbers.runner.freshness
	$(BIN)/python -m runthenumbers.editions build all
	@test -f _build/html/index.html && test -f _build/html/zh/index.html
	@echo "The site is in _build/html (the Chinese edition in _build/html/zh): open _build/html/index.html, or run 'make serve'."

## translations: extract the book's messages (sphinx-build -b gettext, one catalog a page) and merge them into locales/zh_CN with sphinx-intl; a changed English message turns fuzzy
translations: $(READY)
	$(BIN)/python -m runthenumbers.editions gettext
	$(BIN)/sphinx-intl update -p _build/gettext -d locales -l zh_CN -w 0 -j 1

## test: every test and check (data, models, pairing, nbval, site build, headless browser), one worker per core; a test file stays on one worker, so the site is built once and each notebook runs in order
test: $(READY) $(CHROMIUM) lint
	$(BIN)/python -m pytest -n auto --dist loadfile --durations=15

## lint-workflow: actionlint on .github/workflows (the pinned binary from requirements.txt)
lint-workflow: $(READY)
	$(BIN)/actionlint -no-color -shellcheck= -pyflakes= .github/workflows/*.yml

## lint-citation: cffconvert --validate on CITATION.cff, in its own environment (it pins an older jsonschema)
CFF_VENV := .venv-cff
$(CFF_VENV)/.ready: requirements-citation.txt
	test -x $(CFF_VENV)/bin/python || $(PYTHON) -m venv $(CFF_VENV)
	$(CFF_VENV)/bin/python -m pip install --quiet --disable-pip-version-check -r requirements-citation.txt
	touch $@

lint-citation: $(READY) $(CFF_VENV)/.ready
	$(BIN)/python -m runthenumbers.citation --check
	$(CFF_VENV)/bin/cffconvert --validate -i CITATION.cff

## citation: rewrite CITATION.cff from _config.yml (title, author, citation.version/date, repository.url)
citation: $(READY)
	$(BIN)/python -m runthenumbers.citation

$(CHROMIUM):
	@if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq chromium >/dev/null; \
	else echo "Browser tests need Debian's chromium: run 'sudo apt-get install chromium'." >&2; exit 1; fi

## check: the fast loop while working: ruff, mypy, actionlint on the CI workflow, then every test not marked slow or browser, one worker per core (under 20 s)
check: lint lint-workflow
	$(BIN)/python -m pytest -p no:nbval -o addopts="--strict-markers -p no:cacheprovider" -m "not slow and not browser" -q -n auto --hypothesis-profile=check

## lint: ruff (errors, import order) and ruff format --check over the package, the tests and the benchmarks; mypy on the package ([tool.mypy] in pyproject.toml)
lint: $(READY)
	$(BIN)/ruff check runthenumbers tests benchmarks
	$(BIN)/ruff format --check runthenumbers tests benchmarks
	$(BIN)/mypy

## pages: rewrite _toc.yml from runthenumbers/chapters.py, each notebook's papermill parameters cell from the parameter registry, and the CLI and parameter references (book/cli.md, book/parameters.md) from runthenumbers/reference.py
pages: $(READY)
	$(BIN)/python -m runthenumbers.chapters
	$(BIN)/python -m runthenumbers.runner.parameter_cells
	$(BIN)/python -m runthenumbers.reference
	$(BIN)/python -m runthenumbers.diff

## execute: re-execute in place each notebooks/*.md whose inputs (facts, code, pages it reads, its .md) changed since it ran; FORCE=1 executes all
execute: $(READY)
	$(BIN)/python -m runthenumbers.runner.notebooks $(if $(FORCE),--force)

## serve: serve the built site on http://127.0.0.1:8000
serve: book
	$(BIN)/python -m http.server --bind 127.0.0.1 --directory _build/html 8000

## scenario: re-run the notebooks with new inputs, e.g. make scenario ARGS="--set stress_top_two_revenue_lost=0.8 --out runs/stress"
scenario: $(READY)
	$(BIN)/runthenumbers run $(ARGS)

## params: list every notebook input with its default, range and unit
params: $(READY)
	$(BIN)/runthenumbers params

## facts: print the validated fact ledger
facts: $(READY)
	$(BIN)/runthenumbers facts

## bench: measurements, not tests: the sweep's speed and memory, page weights and chart draw times, build times
bench: book
	$(BIN)/python benchmarks/sweep_benchmark.py
	$(BIN)/python benchmarks/credit_benchmark.py
	$(BIN)/python benchmarks/site_budget.py
	$(BIN)/python benchmarks/build_speed.py

clean:
	rm -rf _build
