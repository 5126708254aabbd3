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

# The main job: the seed tutorials' experiments and real-data forecasts, with a report
# in demo-report/ (report.md, plots, results.json).
demo: $(STAMP)
	$(BIN)/lstmkit demo

test: $(STAMP)
	KERAS_BACKEND=jax $(BIN)/python -m pytest -q

# Peers (Keras 3, PyTorch 2.13 CPU) come from the bench extra, installed here only.
# peers.py includes the seeds' workloads (W1, W2) that seed_workloads.py runs alone.
bench: $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[bench]'
	KERAS_BACKEND=jax $(BIN)/python benchmarks/peers.py
	KERAS_BACKEND=jax $(BIN)/python benchmarks/stateful_loop.py

lint: $(STAMP)
	$(BIN)/ruff check lstmkit tests examples benchmarks

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache
