# `make demo` and `make test` set everything up from a fresh clone: a .venv with
# lstmkit and its dev extras, then the main job or the whole test suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test bench lint clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

# The seed tutorials' examples, run as written (the main job until `lstmkit demo` exists).
demo: $(STAMP)
	@for f in examples/seed*.py; do echo "=== $$f"; $(BIN)/python $$f || exit 1; done

test: $(STAMP)
	KERAS_BACKEND=jax $(BIN)/python -m pytest -q

bench: $(STAMP)
	KERAS_BACKEND=jax $(BIN)/python benchmarks/seed_workloads.py
	KERAS_BACKEND=jax $(BIN)/python benchmarks/stateful_loop.py

lint: $(STAMP)
	$(BIN)/ruff check lstmkit tests examples benchmarks

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache
