# The whole set-up is two commands: `make lab` and `make test`.
# Torch goes in first, pinned, from PyTorch's CPU wheel index (as Binder's requirements do): on
# Linux, PyPI's torch (and an unpinned torch pulled in by botorch) brings several GB of CUDA
# packages. Torch alone (--no-deps): its dependencies come from PyPI with the rest, so where that
# index is out of reach (a machine with only PyPI and a local wheel) pip retries it for torch only
# (about 8 s; for torch and each of its nine dependencies it took 77 s) and takes the local
# 2.13.0+cpu wheel.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
TORCH  := torch==2.13.0
TORCH_INDEX := https://download.pytorch.org/whl/cpu
STAMP  := $(VENV)/.installed

.PHONY: lab test test-fast install clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --upgrade pip

# Reinstall when the dependency list changes. The bench extra (Optuna, scikit-optimize, SMAC3) is in,
# so that the benchmark harness test exercises every peer's adapter. Binder's pins are the
# constraints (without the torch line and extras' brackets, which constraints cannot hold), so the
# suite runs on exactly the versions Binder builds.
$(STAMP): $(BIN)/python pyproject.toml binder/requirements.txt
	$(BIN)/python -m pip install --no-deps $(TORCH) --extra-index-url $(TORCH_INDEX)
	grep -v -e '^#' -e '^--' -e '^torch' binder/requirements.txt | sed 's/\[[a-z,]*\]//' > $(VENV)/constraints.txt
	$(BIN)/python -m pip install -e ".[all,dev,bench]" -c $(VENV)/constraints.txt
	touch $(STAMP)

install: $(STAMP)

# JupyterLab refuses to start as root without --allow-root, and containers and CI machines run as
# root. LAB_FLAGS passes more options (the test of this target sets a port and a token).
ALLOW_ROOT := $(if $(filter 0,$(shell id -u)),--allow-root)
LAB_FLAGS ?=
lab: $(STAMP)
	@echo "Starting JupyterLab on the tutorials: open the http://...lab?token=... URL it prints below."
	$(BIN)/jupyter lab notebooks/ $(ALLOW_ROOT) $(LAB_FLAGS)

# The whole suite: unit tests, doctests, the README quickstart and the notebooks (nbval);
# pyproject.toml's pytest options say where each lives. Notebooks read their budget from
# IHPO_TRIALS: small here so the suite stays fast, teaching-sized when you open them.
# Two steps: everything but the browser tests on every core (pytest-xdist; --dist loadfile keeps
# a file's tests, and a notebook's cells, on one worker in order), then the browser tests on
# their own, so a real Lab waiting for a click never competes with GP fits for the CPU.
# --durations lists the slowest tests: the place to look when the suite grows.
# One BLAS and torch thread per worker: the workers already fill the cores, and two threads in
# each made the first step 10% slower on 2 cores (390 s against 350 s; numpy, scikit-learn and GP
# fits waiting for each other's threads).
IHPO_TRIALS ?= 12
JOBS ?= auto
test: $(STAMP)
	OMP_NUM_THREADS=1 IHPO_TRIALS=$(IHPO_TRIALS) $(BIN)/python -m pytest -n $(JOBS) --dist loadfile --durations=15 --ignore=tests/browser
	IHPO_TRIALS=$(IHPO_TRIALS) $(BIN)/python -m pytest tests/browser

# The inner loop while coding: unit tests and doctests without the notebooks, the browser tests
# and the sample-efficiency tests marked slow (under 3 minutes on 2 cores); TESTS narrows it to
# the room you work in (make test-fast TESTS=tests/study). `make test` before a commit.
TESTS ?= tests
test-fast: $(STAMP)
	OMP_NUM_THREADS=1 $(BIN)/python -m pytest -n $(JOBS) --dist loadfile -m "not slow" $(TESTS) --ignore=tests/browser

clean:
	rm -rf $(VENV)
