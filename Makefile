# custodiet: `make demo` and `make test` set everything up on a fresh machine.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: demo test lint docs bench clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/custodiet run default --people 20000 --days 7 --seed 1 --out runs/demo --force
	@echo "custodiet is installed in $(BIN): run 'source $(BIN)/activate' to put it on your PATH"

test: $(STAMP)
	$(BIN)/ruff check src tests bench examples
	NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs build --strict
	bash scripts/ensure-chromium.sh
	$(BIN)/python -m pytest -m "not slow" -q tests --nbmake notebooks

# The documentation site, into site/ (git ignores it); warnings are errors.
docs: $(STAMP)
	NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs build --strict

lint: $(STAMP)
	$(BIN)/ruff check src tests bench examples

bench: $(STAMP)
	$(BIN)/python bench/world.py
	$(BIN)/python bench/replicate.py
	$(BIN)/python bench/audit.py
	$(BIN)/python bench/watch.py
	$(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) runs site .pytest_cache
