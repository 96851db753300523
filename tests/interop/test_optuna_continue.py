"""Continuing an imported Optuna study with its own objective (from_optuna(...).run(optuna_objective(f))):
what the objective records, and what from_optuna says before the run (auditor a307)."""

from __future__ import annotations

import warnings

import pytest

optuna = pytest.importorskip("optuna")

from interactive_hpo import Float, Int, SearchSpace, Study, TrialState  # noqa: E402
from interactive_hpo.interop import from_optuna, optuna_objective, to_optuna  # noqa: E402
from interactive_hpo.interop.optuna_study import RECORDED  # noqa: E402
from interactive_hpo.optimizers import available_optimizers  # noqa: E402

optuna.logging.set_verbosity(optuna.logging.ERROR)


def tagged(trial):
    """An Optuna objective that records, for its own use, a name our BO records too."""
    x = trial.suggest_float("x", 0.0, 1.0)
    trial.set_user_attr("acquisition", "val_loss")
    return x


def test_an_optuna_objective_setting_a_recorded_name_keeps_its_value_and_attribute_under_another(tmp_path):
    # Every new trial FAILED with its value thrown away (a307 t14): keep_record turned the clash
    # with the GP's "acquisition" into a failure. Now the value is kept, the GP's record keeps its
    # name, the objective's goes to "objective:acquisition", through the journal and to_optuna.
    theirs = optuna.create_study(sampler=optuna.samplers.RandomSampler(seed=0))
    theirs.optimize(tagged, n_trials=3)
    with pytest.warns(UserWarning, match=r"Optuna trials \[0, 1, 2\] have user attributes \['acquisition'\], names "
                                         r"'bo' records .*kept as 'objective:<name>'"):
        ours = from_optuna(theirs, "bo", seed=0, optimizer_settings={"n_initial": 2}, storage=tmp_path / "s.jsonl")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the move's warning: tests/study/test_study.py checks it
        new = ours.run(optuna_objective(tagged), n_trials=2, progress=False)
    assert [t.state for t in new] == [TrialState.COMPLETE] * 2
    assert [t.value for t in new] == [t.params["x"] for t in new]
    assert all(t.user_attrs["objective:acquisition"] == "val_loss" and t.user_attrs["acquisition"] != "val_loss"
               for t in new)
    assert [dict(t.user_attrs) for t in Study.load(tmp_path / "s.jsonl").trials] == [dict(t.user_attrs)
                                                                                    for t in ours.trials]
    exported = to_optuna(ours).trials[-1]
    assert exported.user_attrs["objective:acquisition"] == "val_loss" and exported.value == new[-1].value


def test_from_optuna_says_nothing_of_names_its_optimizer_does_not_record():
    theirs = optuna.create_study(sampler=optuna.samplers.RandomSampler(seed=0))
    theirs.optimize(tagged, n_trials=3)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        from_optuna(theirs, "random", seed=0)


@pytest.mark.parametrize("name", available_optimizers())  # the built-in ones, when collected
def test_the_names_from_optuna_warns_of_are_those_each_optimizer_records(name):
    # from_optuna's list is by hand: an optimizer added, or a name one starts recording, must join it.
    several = name in ("parego", "ehvi", "nsga2")
    settings = {"max_budget": 4, "min_budget": 1} if name in ("halving", "hyperband", "asha") else \
        {"n_initial": 2} if name in ("bo", "parego", "ehvi") else \
        {"population_size": 4} if name in ("ga", "de", "nsga2") else {}
    study = Study(SearchSpace([Float("x", 0.0, 1.0), Int("n", 1, 3)]), name, seed=0, optimizer_settings=settings,
                  directions=["minimize", "minimize"] if several else None)

    def objective(params, budget=None):
        return (params["x"], params["n"] - params["x"]) if several else params["x"] * params["n"]

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        study.run(objective, n_trials=4, progress=False)
    assert {key for t in study.trials for key in t.user_attrs} <= set(RECORDED[name])
