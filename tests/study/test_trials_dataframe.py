"""``trials_dataframe(study)``: Optuna's columns and dtypes, so Optuna users' analysis code runs on our studies."""

from __future__ import annotations

import math
import subprocess
import sys

import pytest

pd = pytest.importorskip("pandas")
optuna = pytest.importorskip("optuna")

from interactive_hpo import Categorical, Float, Int, InvalidParameterError, SearchSpace, Study, TrialState  # noqa: E402
from interactive_hpo.interop import from_optuna, to_optuna  # noqa: E402
from interactive_hpo.study.dataframe import trials_dataframe  # noqa: E402

optuna.logging.set_verbosity(optuna.logging.ERROR)

SPACE = SearchSpace([Float("lr", 1e-4, 1.0, log=True), Int("depth", 1, 8), Categorical("kind", ["tree", "linear"]),
                     Float("alpha", 0.0, 1.0, condition=("kind", "linear"))])


def objective(trial):
    lr = trial.suggest_float("lr", 1e-4, 1.0, log=True)
    depth = trial.suggest_int("depth", 1, 8)
    kind = trial.suggest_categorical("kind", ["tree", "linear"])
    if kind == "linear":
        lr *= trial.suggest_float("alpha", 0.0, 1.0)
    trial.set_user_attr("seconds", 0.1 * depth)
    trial.report(lr, 0)
    if trial.number == 2:
        raise optuna.TrialPruned()
    if trial.number == 4:
        raise ValueError("boom")
    return lr * depth


def optuna_study(**kwargs) -> optuna.Study:
    study = optuna.create_study(sampler=optuna.samplers.TPESampler(seed=0), **kwargs)
    study.enqueue_trial({"kind": "tree"})
    study.enqueue_trial({"kind": "linear"})
    study.optimize(objective, n_trials=7, catch=(ValueError,))
    return study


def optunas(study: optuna.Study, *args, **kwargs):
    """Optuna's frame without the system attributes, which we ignore (enqueue_trial's "fixed_params")."""
    frame = study.trials_dataframe(*args, **kwargs)
    if isinstance(frame.columns, pd.MultiIndex):
        return frame.drop(columns="system_attrs", level=0)
    return frame[[c for c in frame.columns if not c.startswith("system_attrs_")]]


def test_the_columns_and_dtypes_are_optunas():
    theirs = optuna_study()
    assert "system_attrs_fixed_params" in theirs.trials_dataframe()  # enqueued trials
    expected = optunas(theirs)
    ours = trials_dataframe(from_optuna(theirs, "random", seed=0))
    assert list(ours.columns) == [*expected.columns, "source"]
    assert ours.dtypes.drop("source").equals(expected.dtypes)
    pd.testing.assert_frame_equal(ours[expected.columns], expected)  # the same trials give the same frame
    assert ours.state.tolist() == ["COMPLETE", "COMPLETE", "PRUNED", "COMPLETE", "FAIL", "COMPLETE", "COMPLETE"]
    assert math.isnan(ours.params_alpha[0]) and ours.params_alpha[1] >= 0  # inactive: NaN, as in Optuna


def test_a_study_of_our_own_reads_like_an_optuna_one():
    study = Study(SPACE, "random", seed=0)
    for _ in range(4):
        study.step(lambda p: p["lr"] * p["depth"])
    study.add_finished({"lr": 0.1, "depth": 2, "kind": "tree"}, state=TrialState.FAILED, source="elsewhere",
                 budget=0.5, user_attrs={"error": "out of memory"})
    study.ask()  # still running
    frame = trials_dataframe(study)
    with pytest.warns(UserWarning, match="left out RUNNING trials"):
        expected = to_optuna(study).trials_dataframe()  # the same trials written by Optuna (the RUNNING one left out)
    shared = [c for c in expected.columns if not c.startswith("user_attrs_ihpo_")]  # to_optuna's own attributes
    assert [c for c in frame.columns if c in shared] == shared
    assert frame[shared].iloc[:5].dtypes.equals(expected[shared].dtypes)
    assert frame.state.tolist() == ["COMPLETE"] * 4 + ["FAIL", "RUNNING"]
    assert frame.source.tolist() == ["random"] * 4 + ["elsewhere", "random"]
    assert frame.budget.tolist()[4] == 0.5 and math.isnan(frame.budget[0])
    assert frame.user_attrs_error[4] == "out of memory" and pd.isna(frame.datetime_complete[5])
    # What an Optuna user writes next works as it does on an Optuna study.
    best = frame[frame.state == "COMPLETE"].sort_values("value").iloc[0]
    assert best.number == study.best_trial.number


def test_constraints_are_the_system_attrs_columns_optuna_gives_them():
    # They were left out: a constrained study's frame could not tell feasible trials from the others.
    def constrained(trial):
        x = trial.suggest_float("x", 0.0, 1.0)
        trial.set_constraint("0", x - 0.5)
        trial.set_constraint("1", 0.2 - x)
        return x

    theirs = optuna.create_study(sampler=optuna.samplers.RandomSampler(seed=0))
    theirs.optimize(constrained, n_trials=3)
    expected = theirs.trials_dataframe()
    assert "system_attrs_constraints:1" in expected
    for multi_index in (False, True):
        ours = trials_dataframe(from_optuna(theirs, "random", seed=0), multi_index=multi_index)
        expected = theirs.trials_dataframe(multi_index=multi_index)
        assert list(ours.columns)[:-1] == list(expected.columns)  # then our "source"
        pd.testing.assert_frame_equal(ours[expected.columns], expected)


def test_several_objectives_are_values_columns_named_as_optuna_names_them():
    def two(trial):
        x = trial.suggest_float("x", 0.0, 1.0)
        return x, 1 - x

    unnamed = optuna.create_study(directions=["minimize", "maximize"], sampler=optuna.samplers.RandomSampler(seed=0))
    unnamed.optimize(two, n_trials=3)
    named = optuna.create_study(directions=["minimize", "maximize"], sampler=optuna.samplers.RandomSampler(seed=0))
    with pytest.warns(optuna.exceptions.ExperimentalWarning):
        named.set_metric_names(["error", "speed"])
    named.optimize(two, n_trials=3)
    for study in (unnamed, named):
        expected = study.trials_dataframe()
        ours = trials_dataframe(from_optuna(study, "random", seed=0))
        assert list(ours.columns) == [*expected.columns, "source"]
        pd.testing.assert_frame_equal(ours[expected.columns], expected)
    assert "values_error" in trials_dataframe(from_optuna(named, "random")).columns
    one = optuna.create_study(direction="maximize", sampler=optuna.samplers.RandomSampler(seed=0))
    with pytest.warns(optuna.exceptions.ExperimentalWarning):
        one.set_metric_names(["r2"])
    one.optimize(lambda t: t.suggest_float("x", 0.0, 1.0), n_trials=2)
    ours = from_optuna(one, "random")
    assert ours.goals.names == ("r2",) and not ours.goals.multi
    assert list(trials_dataframe(ours).columns) == [*one.trials_dataframe().columns, "source"]  # value_r2


def test_attrs_and_multi_index_as_optuna_takes_them():
    theirs = optuna_study()
    ours = from_optuna(theirs, "random", seed=0)
    for attrs in [("number", "value", "state"), ("params", "user_attrs")]:
        pd.testing.assert_frame_equal(trials_dataframe(ours, attrs), theirs.trials_dataframe(attrs))
    pd.testing.assert_frame_equal(trials_dataframe(ours, multi_index=True).drop(columns="source", level=0),
                                  optunas(theirs, multi_index=True))
    assert trials_dataframe(Study(SPACE)).empty
    with pytest.raises(InvalidParameterError, match="`attrs` of Study.trials_dataframe must be a tuple of names"):
        trials_dataframe(ours, ("number", "colour"))


def test_values_and_intermediate_values_of_one_objective_as_optuna_gives_them():
    """Before: attrs=("number", "values") on a study of one objective gave a values_0 column of None
    (Optuna's holds the values), and "intermediate_values", which Optuna takes, was refused."""
    theirs = optuna_study()
    ours = from_optuna(theirs, "random", seed=0)
    for attrs in [("number", "values"), ("number", "value", "intermediate_values", "state")]:
        pd.testing.assert_frame_equal(trials_dataframe(ours, attrs), theirs.trials_dataframe(attrs))


def test_pandas_is_imported_only_when_asked_for():
    probe = ("import sys, interactive_hpo, interactive_hpo.study.dataframe, interactive_hpo.interop\n"
             "print('pandas' in sys.modules, 'optuna' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False"]
