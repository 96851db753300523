"""A journal's min_budget rebuilds the ladder it was written under (review r416).

Until 2026-12-07 the ladder allowed a min_budget 1e-9 (in powers of eta) above a rung and
journals recorded min_budget as typed; the rule for a person's min_budget is now 1e-6 relative
(a float32 1/27 is 1/27). An old journal whose min_budget lies between the two resumed with a
rung more than it ran; a new one records the rung itself, which both rules read alike.
"""

from __future__ import annotations

import json
import warnings

import numpy as np
import pytest

from interactive_hpo import Float, SearchSpace, Study
from interactive_hpo.optimizers import ASHA, Hyperband, SuccessiveHalving
from interactive_hpo.optimizers.recorded import recorded

SPACE = SearchSpace([Float("x", 0, 1)])
CLASSES = [SuccessiveHalving, Hyperband, ASHA]
# (min_budget as the old code recorded it, the rungs it ran): case A, a float32 1/27 (the old code
# warned of it), and case B, 1/243 typed to six digits.
# Hyperband(min_budget=1, max_budget=27, seed=0)'s first trials in a study of seed 0, before this fix.
BUDGETS = [1.0] * 27 + [3.0] * 3
FIRST_X = [0.458135025932, 0.388221274715, 0.026297339422, 0.167165316313, 0.519812106517]
OLD = [(float(np.float32(1 / 27)), [1 / 9, 1 / 3, 1.0]),
       (0.00411523, [1 / 81, 1 / 27, 1 / 9, 1 / 3, 1.0])]


def objective(params, budget):
    return (params["x"] - 0.3) ** 2 + 1 / (1 + budget)


def silently(build):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        return build()


@pytest.mark.parametrize("cls", CLASSES)
@pytest.mark.parametrize("min_budget, rungs", OLD)
def test_an_old_journals_min_budget_just_above_a_rung_rebuilds_its_rungs(cls, min_budget, rungs):
    with recorded():
        scheduler = silently(lambda: cls(SPACE, min_budget=min_budget, seed=0))
    assert scheduler.budgets == pytest.approx(rungs, rel=1e-12)
    assert scheduler.settings()["min_budget"] == min_budget  # off its ladder: kept as recorded
    if cls is Hyperband:  # the brackets of its own ladder, not of the ladder a person's min_budget gives
        assert [budget for _, budget in scheduler.bracket_plan()[0]] == scheduler.budgets
    typed = silently(lambda: cls(SPACE, min_budget=min_budget))  # a person's: on the rung below, within 1e-6
    assert len(typed.budgets) == len(rungs) + 1


def test_an_old_journal_of_case_a_resumes_with_its_pending_promotion(tmp_path):
    # Written with the rungs the old code ran, then its header as the old code wrote it.
    path = tmp_path / "old.jsonl"
    Study(SPACE, "halving", seed=0, storage=path, optimizer_settings={"min_budget": 1 / 9}).run(
        objective, n_trials=12, progress=False)
    lines = path.read_text().splitlines()
    header = json.loads(lines[0])
    header["optimizer"]["settings"]["min_budget"] = OLD[0][0]
    path.write_text("\n".join([json.dumps(header), *lines[1:]]) + "\n")
    study = silently(lambda: Study.load(path))
    assert study.optimizer.budgets == pytest.approx(OLD[0][1], rel=1e-12)
    study.run(objective, n_trials=2, progress=False)
    assert [t.budget for t in study.trials[12:]] == [1.0, pytest.approx(1 / 9)]  # not new configurations at 1/27


@pytest.mark.parametrize("cls", CLASSES)
def test_a_float32_rung_is_recorded_as_the_rung_and_rebuilds_it(cls):
    typed = silently(lambda: cls(SPACE, min_budget=np.float32(1 / 27), seed=0))
    assert typed.settings()["min_budget"] == 1 / 27 and len(typed.budgets) == 4
    with recorded():
        rebuilt = silently(lambda: cls(SPACE, **typed.settings()))
    assert rebuilt.budgets == typed.budgets and rebuilt.settings() == typed.settings()
    with pytest.warns(UserWarning):
        assert cls(SPACE, min_budget=0.2).settings()["min_budget"] == 0.2  # off the ladder: as typed
    assert cls(SPACE).settings()["min_budget"] is None


def test_a_new_journal_of_a_float32_rung_resumes_with_four_rungs(tmp_path):
    path = tmp_path / "new.jsonl"
    study = silently(lambda: Study(SPACE, "halving", seed=0, storage=path,
                                   optimizer_settings={"min_budget": np.float32(1 / 27)}))
    study.run(objective, n_trials=3, progress=False)
    assert json.loads(path.read_text().splitlines()[0])["optimizer"]["settings"]["min_budget"] == 1 / 27
    loaded = silently(lambda: Study.load(path))
    assert loaded.optimizer.budgets == study.optimizer.budgets and len(loaded.optimizer.budgets) == 4
    loaded.run(objective, n_trials=1, progress=False)
    assert loaded.trials[-1].budget == pytest.approx(1 / 27)


def test_an_ordinary_run_proposes_as_before():
    # The same seed, the same trials: values from the code before this fix.
    study = Study(SPACE, "hyperband", seed=0, optimizer_settings={"min_budget": 1, "max_budget": 27})
    study.run(objective, n_trials=30, progress=False)
    assert [t.budget for t in study.trials] == BUDGETS
    assert [round(t.params["x"], 12) for t in study.trials[:5]] == FIRST_X
