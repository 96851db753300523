"""Objectives shared by the multi-fidelity and pruning tests (schedulers, simulation, plots)."""

from __future__ import annotations

import math

from interactive_hpo import Float, SearchSpace

LINE = SearchSpace([Float("x", 0.0, 1.0)])


def bowl(params, budget=None):
    """A bowl with its minimum at x = 0.3; lower budgets see it blurred by a wobble that shrinks
    as the budget grows (deterministic, so rung decisions are reproducible)."""
    x = params["x"]
    return (x - 0.3) ** 2 + (0.0 if budget is None else 0.05 * math.sin(40 * x) / budget)


def curve(params, *, report, n_epochs=8):
    """A learning curve whose level is set by x (lower x, lower loss at every epoch), reported
    epoch by epoch."""
    loss = math.nan
    for epoch in range(n_epochs):
        loss = params["x"] + 1.0 / (epoch + 1)
        report(loss, epoch)
    return loss
