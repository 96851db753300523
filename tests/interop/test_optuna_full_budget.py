"""A study's full budget and its optimizer's records on the way out to Optuna and back (r313):
a scheduler's lower rungs stay lower rungs (``to_optuna`` stores ``study.full_budget``), and an
optimizer's own records are not taken for an objective's."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

optuna = pytest.importorskip("optuna")

from optuna.distributions import FloatDistribution  # noqa: E402

from interactive_hpo import Float, SearchSpace, Study  # noqa: E402
from interactive_hpo.interop import from_optuna, to_optuna  # noqa: E402

optuna.logging.set_verbosity(optuna.logging.WARNING)
SPACE = SearchSpace([Float("x", 0.0, 1.0)])


@pytest.fixture(scope="module")
def hyperband():
    ours = Study(SPACE, "hyperband", seed=0, optimizer_settings={"min_budget": 1, "max_budget": 9})
    ours.run(lambda params, budget=None: (params["x"] - 0.3) ** 2 + 1 / budget, n_trials=20, progress=False)
    return ours


def test_a_scheduler_s_full_budget_goes_out_and_back_and_the_gp_learns_its_full_evaluations_only(hyperband,
                                                                                                 tmp_path):
    # Before: imported with full_budget 1, so the GP learnt every rung as a full evaluation, unsaid.
    theirs = to_optuna(hyperband)
    assert theirs.user_attrs["ihpo_full_budget"] == 9
    full = [t.x for t in hyperband.trials if t.budget == 9]
    below = len(hyperband.trials) - len(full)
    assert len(full) >= 2 and below > 0
    with pytest.warns(UserWarning, match=rf"from_optuna: {below} completed trial\(s\) ran below the full budget \(9\)"
                                         r"; 'bo' does not learn") as caught:
        back = from_optuna(theirs, optimizer_settings={"n_initial": 2}, storage=tmp_path / "back.jsonl")
    assert sum("below the full budget" in str(w.message) for w in caught) == 1  # one, with the count
    assert back.full_budget == Study.load(tmp_path / "back.jsonl").full_budget == 9
    assert back.best_trial.budget == 9
    np.testing.assert_array_equal(np.sort(back.surrogate().X, axis=0), np.sort(full, axis=0))  # was all 20


def test_a_full_budget_attribute_that_is_no_budget_is_left_out_with_a_warning():
    theirs = optuna.create_study()
    theirs.add_trial(optuna.trial.create_trial(params={"x": 0.5}, distributions={"x": FloatDistribution(0.0, 1.0)},
                                               value=1.0, user_attrs={"ihpo_budget": 3.0}))
    theirs.set_user_attr("ihpo_full_budget", -1)
    with pytest.warns(UserWarning, match=r"from_optuna left out the study's user attribute 'ihpo_full_budget', -1"):
        back = from_optuna(theirs, "random")
    assert back.full_budget == 1.0 and "carried_full_budget" not in back.trials[0].user_attrs


def test_our_own_optimizer_s_records_come_back_without_a_warning_and_another_s_still_warn():
    # Before: from_optuna(to_optuna(study), "sobol") warned of 'sobol_index', sobol's own record.
    ours = Study(SPACE, "sobol", seed=0)
    ours.run(lambda params: params["x"], n_trials=3, progress=False)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        back = from_optuna(to_optuna(ours), "sobol", seed=0)
    assert [t.user_attrs["sobol_index"] for t in back.trials] == [t.user_attrs["sobol_index"] for t in ours.trials]
    other = Study(SPACE, "random", seed=0)
    other.add_finished({"x": 0.5}, value=0.5, source="mine", user_attrs={"sobol_index": 7})
    with pytest.warns(UserWarning, match=r"have user attributes \['sobol_index'\], names 'sobol' records"):
        from_optuna(to_optuna(other), "sobol", seed=0)
