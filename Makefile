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

demo: $(STAMP)
	$(BIN)/python -m lstmkit demo

test: $(STAMP)
	KERAS_BACKEND=jax $(BIN)/python -m pytest -q

bench: $(STAMP)
	KERAS_BACKEND=jax $(BIN)/python benchmarks/seed_workloads.py

lint: $(STAMP)
	$(BIN)/ruff check lstmkit tests examples benchmarks

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache
