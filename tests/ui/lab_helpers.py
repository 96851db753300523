"""The small objective and fast settings the Lab tests share."""

from __future__ import annotations

from interactive_hpo import Float, SearchSpace

LINE = SearchSpace([Float("x", -2.0, 2.0)])
#: A GP that proposes quickly: a short initial design, few restarts and raw samples.
FAST = {"n_initial": 3, "num_restarts": 2, "raw_samples": 64}


def quad(params):
    return (params["x"] - 1.0) ** 2
