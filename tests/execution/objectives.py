"""Objectives the tests of this folder send to worker processes, in a module that imports no pytest.

A worker imports the module of an objective it unpickles (cloudpickle sends a module's function
by name, and a closure's globals with it): a test module's import brought pytest into every
worker a run started, about 0.15 s of CPU each, and the suite starts dozens of them.
"""

from __future__ import annotations

import math
import time

from interactive_hpo import TrialPruned


def bowl(params):
    time.sleep(0.02)
    return params["x"] ** 2 + params["y"] ** 2


def diverges(params, report):
    """Reports 0.0 at steps 0-3; when x > 0, NaN at step 2 (a diverged run, which the median rule
    prunes at once whatever the other trials did: the outcome does not depend on timing)."""
    for step in range(4):
        report(math.nan if params["x"] > 0 and step == 2 else 0.0, step)
    return 0.0


def gives_up(params):
    if params["x"] > 0:
        raise TrialPruned(f"x = {params['x']:.3g} > 0")
    return params["x"]


def reports_twice(params, report):
    report(1.0, 0)
    report(2.0, 0)
    return params["x"]


class Counting:
    """An objective with state: its value is how many times it was called (in its process)."""

    def __init__(self):
        self.calls = 0

    def __call__(self, params):
        self.calls += 1
        return float(self.calls)
