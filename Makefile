# The whole set-up is two commands: `make lab` and `make test`.
# Torch goes in first, pinned to the CPU build this machine offers; an unpinned torch pulled
# in by botorch would bring several GB of CUDA packages.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
TORCH  := torch==2.13.0
STAMP  := $(VENV)/.installed

.PHONY: lab test install clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --upgrade pip

# Reinstall when the dependency list changes. The bench extra (Optuna, scikit-optimize) is in,
# so that the benchmark harness test exercises every peer's adapter.
$(STAMP): $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install $(TORCH)
	$(BIN)/python -m pip install -e ".[all,dev,bench]"
	touch $(STAMP)

install: $(STAMP)

lab: $(STAMP)
	$(BIN)/jupyter lab notebooks/

# The whole suite: unit tests, doctests, the README quickstart and the notebooks (nbval);
# pyproject.toml's pytest options say where each lives. Notebooks read their budget from
# IHPO_TRIALS: small here so the suite stays fast, teaching-sized when you open them.
IHPO_TRIALS ?= 12
test: $(STAMP)
	IHPO_TRIALS=$(IHPO_TRIALS) $(BIN)/python -m pytest

clean:
	rm -rf $(VENV)
