"""The default ladder is 27:1 relative to max_budget; a float32 min_budget is its rung; the hint of a
max_budget beyond an objective's budget_range gives settings that rebuild the same rungs silently."""

import re
import warnings

import numpy as np
import pytest

from interactive_hpo import Float, SearchSpace, Study
from interactive_hpo.exceptions import InvalidParameterError
from interactive_hpo.optimizers import ASHA, Hyperband, hyperband_brackets, rung_budgets
from interactive_hpo.optimizers.registry import make_optimizer

SPACE = SearchSpace([Float("lr", 1e-4, 1, log=True)])


def test_max_budget_alone_has_rungs_down_to_a_27th_of_it():
    # Hyperband(max_budget=27) on epochs started 729 configurations at 0.037 epochs (int(budget) = 0), silently.
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        hyperband = Hyperband(SPACE, max_budget=27)
        assert hyperband.budgets == [1.0, 3.0, 9.0, 27.0]
        assert hyperband.bracket_plan()[0] == [(27, 1.0), (9, 3.0), (3, 9.0), (1, 27.0)]
        assert Hyperband(SPACE, max_budget=0.01).budgets[0] == pytest.approx(0.01 / 27)  # was refused
        assert ASHA(SPACE).budgets == rung_budgets(1 / 27, 1, 3)  # max_budget=1: as before
        assert ASHA(SPACE, reduction_factor=2, max_budget=8).budgets[0] == 0.5  # off the ladder: no warning


def test_a_default_min_budget_is_recorded_as_not_given_and_follows_max_budget():
    asha = ASHA(SPACE, max_budget=27, seed=0)
    assert asha.settings()["min_budget"] is None and asha.min_budget == 1
    changed = make_optimizer("asha", SPACE, **{**asha.settings(), "max_budget": 81})  # a change of settings
    assert changed.budgets == [3.0, 9.0, 27.0, 81.0]
    assert ASHA(SPACE, min_budget=1 / 9).settings()["min_budget"] == 1 / 9


def test_a_journal_of_the_old_default_resumes_with_its_rungs_and_no_warning(tmp_path):
    # 0.1 recorded the default it used, 1/27, whatever max_budget was (off the ladder at reduction factor 2).
    path = tmp_path / "study.jsonl"
    with pytest.warns(UserWarning, match="starts new configurations at budget 0.052"):
        study = Study(SPACE, "hyperband", seed=0, storage=path,
                      optimizer_settings={"min_budget": 1 / 27, "max_budget": 27, "reduction_factor": 2})
    study.run(lambda p, *, budget: p["lr"] + 1 / budget, n_trials=3, progress=False)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        loaded = Study.load(path)
    assert loaded.optimizer.budgets == study.optimizer.budgets and loaded.optimizer.budgets[0] == 27 / 2**9
    assert loaded.optimizer.settings()["min_budget"] == 1 / 27


@pytest.mark.parametrize("rung", [1 / 27, 1 / 9, 1 / 81])
def test_a_float32_min_budget_is_its_rung(rung):
    # np.float32(1/27) lost a rung silently, np.float32(1/9) with a warning that it was not 1/9.
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert ASHA(SPACE, min_budget=np.float32(rung)).budgets[0] == pytest.approx(rung)
    assert len(hyperband_brackets(np.float32(rung), 1, 3)) == len(hyperband_brackets(rung, 1, 3))
    assert rung_budgets(rung * (1 + 1e-7), 1, 3) == rung_budgets(rung, 1, 3)
    with pytest.warns(UserWarning, match="starts new configurations"):
        ASHA(SPACE, min_budget=rung * (1 + 1e-5))  # a person's choice between two rungs


@pytest.mark.parametrize("settings", [{"max_budget": 1.5}, {"max_budget": 81, "min_budget": 1}, {"max_budget": 27},
                                      # the hint scales the lowest rung, not a min_budget off the ladder below it
                                      {"max_budget": 1.5, "reduction_factor": 2},
                                      {"max_budget": 27, "min_budget": 2, "reduction_factor": 3}])
def test_the_hint_beyond_the_budget_range_rebuilds_the_same_rungs_without_a_warning(settings):
    def objective(params, *, budget):
        return params["lr"]

    objective.budget_range = (0, 1)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # min_budget=2 is off the ladder: said as it is typed, not tested here
        asha = ASHA(SPACE, **settings)
    with pytest.raises(InvalidParameterError, match="Set max_budget=1 and min_budget=") as error:
        Study(SPACE, asha).run(objective, n_trials=1, progress=False)
    hinted = dict(re.findall(r"(m\w\w_budget)=([\d.e-]+)", str(error.value).split("Set ")[-1]))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        rebuilt = ASHA(SPACE, **{k: float(v) for k, v in hinted.items()},
                       reduction_factor=settings.get("reduction_factor", 3))
    assert rebuilt.budgets == pytest.approx([b / asha.max_budget for b in asha.budgets], rel=1e-9)


@pytest.mark.parametrize("high", [1281167, 1 / 3, 2 / 3, 0.1])
def test_the_hint_s_max_budget_is_the_top_of_the_range_to_the_digit(high):
    # At six digits 1281167 read 1.28117e+06 (above the range: refused again) and 1/3 read 0.333333 (r416).
    def objective(params, *, budget):
        return params["lr"]

    objective.budget_range = (0, high)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # a max_budget of 2e6 with its default min_budget: not what is tested
        asha = ASHA(SPACE, max_budget=3 * high)
    with pytest.raises(InvalidParameterError, match="Set max_budget=") as error:
        Study(SPACE, asha).run(objective, n_trials=1, progress=False)
    hinted = {k: float(v) for k, v in re.findall(r"(m\w\w_budget)=([\d.e+-]+\d)", str(error.value).split("Set ")[-1])}
    assert hinted["max_budget"] <= high
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        rebuilt = ASHA(SPACE, **hinted)
    assert rebuilt.budgets == pytest.approx([b / 3 for b in asha.budgets], rel=1e-9)
    Study(SPACE, rebuilt).run(objective, n_trials=1, progress=False)  # accepted
