"""benchmarks/bench_repeats.py: what it counts as a repeat, and that its two settings differ where
the README says (an optimum on a bound)."""

from __future__ import annotations

import pytest

from benchmarks import bench_repeats
from interactive_hpo import Float, SearchSpace, Study

pytest.importorskip("botorch")


def test_a_repeat_is_a_trial_whose_params_equal_an_earlier_ones():
    study = Study(SearchSpace([Float("x", 0, 1)]), "random", seed=0)
    for x in (0.5, 0.25, 0.5, 0.5):
        study.add_manual({"x": x}, x)
    assert bench_repeats.repeats(study) == 2


def test_a_suite_run_is_in_the_suites_layout_and_counts_its_repeats():
    run = bench_repeats.suite_run("levy3_corner", seed=2, trials=30, allow_repeats=True)
    assert run["task"] == "levy3_corner" and run["budgets"] == [1.0] * 30 and len(run["losses"]) == 30
    assert run["repeats"] > 0 and bench_repeats.suite_run("levy3_corner", 2, 30, False)["repeats"] == 0
