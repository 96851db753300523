"""Copies of what a study hands out: trials and snapshots pickle (joblib and multiprocessing
workers return them) and deep-copy whole and as read-only as the originals; a study refuses,
saying how to keep it."""

from __future__ import annotations

import copy
import math
import pickle
from collections.abc import Mapping
from dataclasses import fields, is_dataclass

import numpy as np
import pytest

from interactive_hpo import Categorical, Float, Int, SearchSpace, Study, TrialState
from interactive_hpo.plots.pareto import pareto_info
from interactive_hpo.trial import Trial

SPACE = SearchSpace([Float("x", 0.0, 1.0), Int("n", 1, 5), Categorical("c", ["a", "b"])])

#: Every way a user copies a value: pickle at each protocol (joblib and multiprocessing use the
#: default, the highest sends arrays as buffers), copy.deepcopy and copy.copy.
COPIES = {**{f"pickle{p}": (lambda o, p=p: pickle.loads(pickle.dumps(o, protocol=p)))
             for p in range(pickle.HIGHEST_PROTOCOL + 1)},
          "deepcopy": copy.deepcopy, "copy": copy.copy}


def every_field() -> Trial:
    """A trial with a value in every field: NaN and int steps in its curve, nested attributes."""
    return Trial(number=3, params={"x": 0.25, "n": 2, "c": "b"}, x=SPACE.to_unit({"x": 0.25, "n": 2, "c": "b"}),
                 state=TrialState.COMPLETE, value=0.5, values=(0.5, -1.0), constraints=(-0.5, 0.0), source="bo",
                 budget=0.5, generation=2, user_attrs={"folds": [0.9, 0.8], "fit": {"seconds": 1.5}, "note": None},
                 datetime_start=1.7e9, datetime_complete=1.7e9 + 2.5, intermediate_values={1: 0.3, 2.5: math.nan})


def assert_same(copied, original, name: str) -> None:
    """Field by field (records compare by identity), with NaN equal to NaN (a diverged step is
    kept as NaN), and of the same types (an int step stays an int, a mappingproxy one)."""
    assert type(copied) is type(original), name
    if is_dataclass(original):
        for f in fields(original):
            assert_same(getattr(copied, f.name), getattr(original, f.name), f"{name}.{f.name}")
    elif isinstance(original, Mapping):
        assert list(copied) == list(original) and [type(k) for k in copied] == [type(k) for k in original], name
        for key in original:
            assert_same(copied[key], original[key], f"{name}[{key!r}]")
    else:
        np.testing.assert_equal(copied, original, err_msg=name)


def assert_same_trial(copied: Trial, trial: Trial) -> None:
    assert copied is not trial
    assert_same(copied, trial, "trial")
    assert copied.to_json() == trial.to_json() and repr(copied) == repr(trial)


def assert_read_only(trial: Trial) -> None:
    for name in ("params", "user_attrs", "intermediate_values"):
        with pytest.raises(TypeError):
            getattr(trial, name)["x"] = 1
    with pytest.raises(ValueError, match="read-only"):
        trial.x[0] = 0.5
    with pytest.raises(AttributeError):
        trial.value = 1.0  # type: ignore[misc]


@pytest.mark.parametrize("how", COPIES)
def test_a_trial_copies_whole_and_read_only(how):
    # Before: pickle and deepcopy raised "cannot pickle 'mappingproxy' object".
    trial = every_field()
    copied = COPIES[how](trial)
    assert_same_trial(copied, trial)
    assert_read_only(copied)
    assert_read_only(trial)
    if how != "copy":  # a deep copy shares no list with the original
        assert copied.user_attrs["folds"] is not trial.user_attrs["folds"]


def test_the_trials_of_a_run_copy_whole_and_finish_as_the_original():
    study = Study(SPACE, "random", seed=0)
    study.run(lambda p: p["x"] + p["n"], 3)
    trials = pickle.loads(pickle.dumps(study.trials))
    for copied, trial in zip(trials, study.trials, strict=True):
        assert_same_trial(copied, trial)
    best = copy.deepcopy(study.best_trial)
    assert_same_trial(best, study.best_trial)
    # A copy is a trial like the original: it makes the same finished copy.
    running = pickle.loads(pickle.dumps(study.ask()))
    done = running.finished(TrialState.COMPLETE, 1.0, {"a": 1}, 5.0).reported(1, 0.5)
    assert done.state is TrialState.COMPLETE and dict(done.user_attrs) == {"a": 1}
    assert done.intermediate_values == {1: 0.5}


@pytest.mark.parametrize("how", [f"pickle{pickle.DEFAULT_PROTOCOL}", "deepcopy"])
def test_snapshots_copy_as_read_only_as_they_are(how):
    # Before: the copies' arrays were writeable where the originals' refuse a change.
    population = Study(SPACE, "cmaes", seed=0)
    population.run(lambda p: p["x"], 4)
    front = pareto_info(np.array([[1.0, 2.0], [2.0, 1.0], [3.0, 3.0]]), ["minimize", "minimize"])
    for view in (SPACE.slice2d("x", "n", resolution=4), population.population(), front):
        copied = COPIES[how](view)
        assert_same(copied, view, type(view).__name__)
        for f in fields(view):
            original, value = getattr(view, f.name), getattr(copied, f.name)
            if isinstance(original, np.ndarray):
                assert value.flags.writeable == original.flags.writeable, f.name
        assert not all(getattr(copied, f.name).flags.writeable for f in fields(view)
                       if isinstance(getattr(view, f.name), np.ndarray)), type(view).__name__


@pytest.mark.parametrize("how", COPIES)
def test_a_study_refuses_to_be_copied_saying_how_to_keep_it(how, tmp_path):
    # Before: "cannot pickle '_thread.RLock' object", which says nothing of what to do.
    for study in (Study(SPACE, seed=0), Study(SPACE, seed=0, storage=tmp_path / "s.jsonl")):
        with pytest.raises(TypeError, match=r"^A Study cannot be pickled nor copied: .*storage=.*Study\.load\("):
            COPIES[how](study)


def test_a_surrogate_view_copies_read_only_and_predicts_the_same():
    # Before: its copies' training inputs and losses were writeable.
    study = Study(SearchSpace([Float("x", 0.0, 1.0)]), "bo", seed=0, optimizer_settings={"n_initial": 3})
    study.run(lambda p: (p["x"] - 0.3) ** 2, 5)
    view = study.surrogate()
    grid = np.linspace(0, 1, 7)[:, None]
    for copied in (pickle.loads(pickle.dumps(view)), copy.deepcopy(view)):
        for name in ("X", "losses"):
            np.testing.assert_array_equal(getattr(copied, name), getattr(view, name))
            with pytest.raises(ValueError, match="read-only"):
                getattr(copied, name)[0] = 0.0
        np.testing.assert_allclose(copied.predict(grid).mean, view.predict(grid).mean)
