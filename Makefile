# Two entry points that work on a fresh machine with only python3:
#   make demo   the district of the source article: its 2021 report as of 25 Aug 2021
#   make test   ruff, mypy --strict, pytest and the documentation site (--strict)
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test lint typecheck pytest docs bench bench-docs clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet --group dev -e .
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/python examples/district_2021.py

lint: $(STAMP)
	$(BIN)/ruff check src tests examples benchmarks tools
	$(BIN)/ruff format --check src tests examples benchmarks tools
	$(BIN)/lint-imports

typecheck: $(STAMP)
	$(BIN)/mypy

pytest: $(STAMP)
	bash tools/ensure_browser.sh
	bash tools/ensure_postgres.sh
	$(BIN)/pytest -q

# The site, with the rule catalogue and the workflow diagram generated from the code;
# any warning (a broken link, a docstring that does not match) fails the build.
docs: $(STAMP)
	NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs build --strict --quiet

test: lint typecheck pytest docs

bench: $(STAMP)
	$(BIN)/python benchmarks/lifecycle.py

# docs/performance.md's table of ratios to the floors, measured again (hours, not minutes).
bench-docs: $(STAMP)
	$(BIN)/python benchmarks/run_all.py --into docs/performance.md --n 100000 --postgresql

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache site
