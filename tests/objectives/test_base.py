"""FunctionObjective: a budget its function cannot take is refused naming `budget`, with what to write."""

from __future__ import annotations

import re

import pytest

from interactive_hpo import Float, InvalidParameterError, SearchSpace, Study
from interactive_hpo.objectives import FunctionObjective

LINE = SearchSpace([Float("x", 0.0, 1.0)])


def square(params):
    return params["x"] ** 2


def square_of_kwargs(params, **kwargs):
    return params["x"] ** 2


@pytest.mark.parametrize("fn", [square, square_of_kwargs])
def test_a_budget_the_function_has_no_keyword_for_is_refused_naming_budget(fn):
    """Before: Python's own "TypeError: square() got an unexpected keyword argument 'budget'"
    (and a bare **kwargs took it, though a study refuses such a function for a scheduler)."""
    objective = FunctionObjective(fn, LINE)
    with pytest.raises(InvalidParameterError, match=re.escape(
            f"`budget` of FunctionObjective('{fn.__name__}') must be None: {fn.__name__} takes no `budget` keyword; "
            "got 0.5. To evaluate it at budgets (as Hyperband, ASHA and successive halving do), declare one by name, "
            "def fn(params, *, budget=None) (a bare **kwargs does not count): a budget in (0, 1], None for the full "
            "budget.")):
        objective({"x": 0.5}, budget=0.5)
    assert objective({"x": 0.5}) == 0.25


def test_a_function_that_needs_a_budget_is_refused_without_one():
    """Before: "TypeError: needs() missing 1 required keyword-only argument: 'budget'"."""
    def needs(params, *, budget):
        return params["x"] * budget

    objective = FunctionObjective(needs, LINE)
    assert objective({"x": 0.5}, budget=0.5) == 0.25
    with pytest.raises(InvalidParameterError, match=re.escape(
            "`budget` of FunctionObjective('needs') must be a float in (0, 1]: needs has a `budget` keyword without a "
            "default; got None. Give it a default for the full budget, budget=None, or pass one.")):
        objective({"x": 0.5})


def test_a_study_with_a_scheduler_refuses_a_function_without_budget_before_any_trial():
    study = Study(LINE, "hyperband", seed=0)
    with pytest.raises(InvalidParameterError, match=re.escape(
            "`objective` of Study.run must be an objective with a `budget` keyword; got FunctionObjective('square', "
            "direction='minimize'). 'hyperband' evaluates configurations at budgets")):
        study.run(FunctionObjective(square, LINE), n_trials=3)
    assert study.trials == []
