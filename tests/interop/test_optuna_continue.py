"""Continuing an imported Optuna study with its own objective (from_optuna(...).run(optuna_objective(f))):
what the objective records, and what from_optuna says before the run (auditor a307)."""

from __future__ import annotations

import re
import warnings

import pytest

optuna = pytest.importorskip("optuna")

from interactive_hpo import Float, Int, InvalidParameterError, SearchSpace, Study, TrialState  # noqa: E402
from interactive_hpo.interop import (  # noqa: E402
    from_optuna,
    optuna_notices,  # noqa: E402
    optuna_objective,
    to_optuna,
)
from interactive_hpo.interop.optuna_notices import RECORDED  # noqa: E402
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


def test_from_optuna_refuses_a_seed_among_the_optimizer_settings():
    # It overrode seed= for the optimizer alone, unseen (a307 m9).
    theirs = optuna.create_study(sampler=optuna.samplers.RandomSampler(seed=0))
    theirs.optimize(tagged, n_trials=2)
    with pytest.raises(InvalidParameterError, match=re.escape("`optimizer_settings` of from_optuna must be settings "
                                                              "without 'seed'")):
        from_optuna(theirs, "random", seed=0, optimizer_settings={"seed": 1})


def test_from_optuna_says_when_a_gp_will_fit_many_trials_and_its_recipe_works(monkeypatch):
    # 2000 imported trials stalled the first ask() of the default "bo" for minutes, unannounced (a307 t8).
    monkeypatch.setattr(optuna_notices, "MANY_FOR_A_GP", 6)
    theirs = optuna.create_study(sampler=optuna.samplers.RandomSampler(seed=0))
    theirs.optimize(lambda t: t.suggest_float("x", 0.0, 1.0), n_trials=8)
    with pytest.warns(UserWarning, match=r"'bo' fits a Gaussian process to all 8 COMPLETE trials .*cube") as caught:
        from_optuna(theirs, seed=0)
    told = next(str(w.message) for w in caught if "Gaussian process" in str(w.message))
    recipe = re.search(r"small = (.*?); (small\.add_trials\(.*?\)); from_optuna", told)
    small = eval(recipe.group(1))  # the message's own words, run as given
    eval(recipe.group(2).replace("300", "5"))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert len(from_optuna(small, seed=0).trials) == 5
        from_optuna(theirs, "random", seed=0)


def test_a_condition_on_a_float_is_refused_with_the_recipe_that_works():
    # The hint offered space=SearchSpace([..., Float('y', ..., condition=('<parent>', ...))]), which
    # SearchSpace refuses for the Float parent that decides here (a307 t12).
    theirs = optuna.create_study(sampler=optuna.samplers.RandomSampler(seed=0))
    theirs.optimize(lambda t: t.suggest_float("x", 0, 1) + (t.suggest_float("y", 0, 1) if t.params["x"] > 0.5
                                                             else 0.0), n_trials=10)
    with pytest.raises(InvalidParameterError) as refused:
        from_optuna(theirs, "random")
    text = str(refused.value)
    assert "Only the values of ['x'] (Float) tell it apart, and a condition needs a Categorical or Int parent" in text
    assert "space=" not in text
    recipe = re.search(r"\(optuna\.create_study\(direction=\.\.\.\)\.add_trials\((.*)\)\)\.$", text).group(1)
    study = theirs  # the recipe's name for it
    small = optuna.create_study()
    small.add_trials(eval(recipe))
    assert len(from_optuna(small, "random").trials) == sum("y" in t.params for t in study.trials) > 0


def test_an_objective_with_steps_the_import_dropped_is_told_so_once_per_parameter():
    # Optuna's FixedTrial warned "out of the range of the distribution" on every trial (a307 t4).
    def stepped(trial):
        return trial.suggest_float("x", 0.0, 1.0, step=0.1) + trial.suggest_int("n", 2, 20, step=2) / 100

    theirs = optuna.create_study(sampler=optuna.samplers.RandomSampler(seed=3))
    theirs.optimize(stepped, n_trials=4)
    ours = from_optuna(theirs, "random", seed=0, drop_steps=True)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        new = ours.run(optuna_objective(stepped), n_trials=4, progress=False)
    messages = [str(w.message) for w in caught]
    assert not [m for m in messages if "out of the range of the distribution" in m]
    told = [m for m in messages if "a step the study's space does not have" in m]
    assert len(told) == 1 and "`x` with step=0.1" in told[0]  # "random" proposes x off its step at once
    assert [t.value for t in new] == [t.params["x"] + t.params["n"] / 100 for t in new]  # run at what it records


def test_an_optuna_objective_that_prunes_itself_keeps_its_message_as_the_reason():
    calls = []

    def gives_up(trial):
        calls.append(trial.suggest_float("x", 0.0, 1.0))
        if len(calls) == 1:
            raise optuna.TrialPruned("too slow to converge")
        raise optuna.TrialPruned()  # no message: no reason recorded (was "the objective raised optuna.TrialPruned")

    study = Study(SearchSpace([Float("x", 0.0, 1.0)]), "random", seed=0)
    done = study.run(optuna_objective(gives_up), n_trials=2, progress=False)
    assert [t.state for t in done] == [TrialState.PRUNED] * 2
    assert [t.user_attrs.get("pruned_reason") for t in done] == ["too slow to converge", None]
