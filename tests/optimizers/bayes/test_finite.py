"""No configuration proposed twice: a space of integers and categoricals (used up, it says so), and
a continuous or mixed space's optimum on a bound."""

from __future__ import annotations

import math

import numpy as np
import pytest

from interactive_hpo import Categorical, Float, Int, SearchExhausted, SearchSpace, Study
from interactive_hpo.study.replay import INTERRUPTED
from interactive_hpo.trial import USER_INTERRUPT

pytest.importorskip("botorch")

import torch  # noqa: E402

from interactive_hpo.optimizers.bayes.search import best_new  # noqa: E402
from interactive_hpo.optimizers.finite import MAX_CONFIGURATIONS, FiniteSpace  # noqa: E402

SPACE = SearchSpace([Int("a", 0, 4), Categorical("k", ["x", "y", "z"])])  # 15 configurations


def bowl(params):
    if params["a"] == 0:
        raise ValueError("this configuration cannot be fitted")  # failed trials count as taken too
    return (params["a"] - 3) ** 2 + {"x": 0.0, "y": 0.5, "z": 1.0}[params["k"]]


def keys(study):
    """The configuration of each trial, in order."""
    return [tuple(t.params.values()) for t in study.trials]


def test_every_configuration_once_then_the_study_stops_and_asking_says_why():
    study = Study(SPACE, "bo", seed=0)
    study.run(bowl, n_trials=25)
    assert len(study.trials) == 15 and len(set(keys(study))) == 15
    assert study.optimizer.exhausted and study.best_trial.params == {"a": 3, "k": "x"}
    with pytest.raises(SearchExhausted, match="nothing left to propose: every configuration of this space was "
                                              "evaluated, failed, pruned or is pending.*allow_repeats=True"):
        study.ask()


def test_a_trial_a_person_stopped_leaves_its_configuration_untried():
    """A Ctrl-C (the Lab's Stop, Kernel -> Interrupt) says nothing of the configuration: it was
    fitted as a failure and never proposed again, so a used-up space never evaluated it."""
    study = Study(SPACE, "bo", seed=0, optimizer_settings={"n_initial": 3})
    stopped = study.tell(study.ask(), state="FAILED", user_attrs={"error": USER_INTERRUPT})
    crashed = study.tell(study.ask(), state="FAILED", user_attrs={"error": "ValueError: out of memory"})
    assert stopped.cut_short and not crashed.cut_short
    study.run(lambda p: (p["a"] - 3) ** 2, n_trials=25)
    evaluated = [tuple(t.params.values()) for t in study.trials if t.state.value == "COMPLETE"]
    assert tuple(stopped.params.values()) in evaluated and tuple(crashed.params.values()) not in evaluated
    assert study.optimizer.exhausted and len(study.trials) == 16   # 15 configurations, one of them twice


@pytest.mark.parametrize(("error", "cut_short"), [
    (USER_INTERRUPT, True), ("cancelled", True), ("cancelled: Stop clicked again", True),
    ("not submitted: BrokenProcessPool", True),
    ("TrialStateError: the run ended before this trial started (FileNotFoundError())", True),
    # A report nothing could answer: the run ended, or its report server died (killed).
    ("TrialStateError: this report could not be answered: the run's report server is gone (EOFError())", True),
    ("TrialStateError: this report could not be answered: the run ended", True),
    # The same, in the words of journals written before: still the configuration's failure, so
    # that replaying such a journal tells the optimizer what it told it then.
    ("TrialStateError: the run ended before this report was answered (EOFError())", False),
    ("timed out after 5 s", False), ("worker lost (KilledWorker)", False), (INTERRUPTED, False),
    ("MemoryError", False)])
def test_which_failures_say_nothing_of_the_configuration(error, cut_short):
    """A person or the run ended these before they ran; a crash, a timeout, a lost worker or a
    killed process may be the configuration's doing (too much memory, too slow), so they count."""
    study = Study(SPACE, "random", seed=0)
    assert study.tell(study.ask(), state="FAILED", user_attrs={"error": error}).cut_short is cut_short


def test_pending_and_joint_proposals_are_distinct_and_untaken():
    study = Study(SPACE, "bo", seed=1, optimizer_settings={"n_initial": 3})
    study.run(bowl, n_trials=4)
    running = [study.ask() for _ in range(3)] + study.ask_batch(4)
    proposed = [tuple(t.params.values()) for t in running]
    assert len(set(proposed)) == 7 and not set(proposed) & set(keys(study)[:4])


def test_allow_repeats_lets_the_acquisition_choose_a_configuration_again():
    study = Study(SPACE, "bo", seed=0, optimizer_settings={"allow_repeats": True, "n_initial": 3})
    study.run(lambda p: (p["a"] - 3) ** 2, n_trials=20)
    assert len(study.trials) == 20 and not study.optimizer.exhausted
    assert len(set(keys(study))) < 20  # 15 configurations: repeats were allowed and made


@pytest.mark.parametrize("space, loss", [
    (SearchSpace([Float("x", 0, 1), Float("y", 0, 1)]), lambda p: p["x"] + p["y"]),
    (SearchSpace([Float("x", 0, 1), Categorical("k", ["a", "b", "c"])]), lambda p: p["x"] + "abc".index(p["k"])),
], ids=["continuous", "mixed"])
def test_an_optimum_on_a_bound_is_evaluated_once_unless_repeats_are_allowed(space, loss):
    """Once the GP trusts the corner, log-EI is largest at the corner itself (the fixed noise's
    sliver of uncertainty); the best new point of the search is proposed instead."""
    distinct = {}
    for allow_repeats in (False, True):
        study = Study(space, "bo", seed=0, optimizer_settings={"n_initial": 4, "allow_repeats": allow_repeats})
        study.run(loss, n_trials=14)
        distinct[allow_repeats] = len({tuple(t.params.values()) for t in study.trials})
        assert study.best_value == 0.0
    assert distinct[False] == 14 and distinct[True] < 14


def test_the_search_skips_points_to_exclude_and_falls_back_to_the_best():
    points = torch.tensor([[[0.0, 0.0]], [[0.5, 0.5]], [[0.0, 5e-7]]], dtype=torch.float64)
    values = torch.tensor([3.0, 1.0, 2.0], dtype=torch.float64)
    assert best_new(points, values, None) == 0
    assert best_new(points, values, np.array([[0.0, 0.0]])) == 1  # the third is the same point within 1e-6
    assert best_new(points, values, np.array([[0.0, 0.0], [0.5, 0.5]])) == 0  # all taken: the best anyway


def test_a_resumed_study_continues_the_initial_design_where_it_skipped(tmp_path):
    """Skipped Sobol points are recorded with each trial, so a replay skips the same ones."""
    path = tmp_path / "study.jsonl"
    study = Study(SearchSpace([Int("a", 0, 1), Int("b", 0, 1)]), "bo", seed=4, storage=path,
                  optimizer_settings={"n_initial": 4})
    study.run(lambda p: p["a"] + p["b"], n_trials=3)
    positions = [t.user_attrs["sobol_position"] for t in study.trials]
    assert positions == sorted(positions) and len(set(keys(study))) == 3
    study.save(tmp_path / "copy.jsonl")
    np.testing.assert_array_equal(Study.load(tmp_path / "copy.jsonl").ask().x, study.ask().x)


def test_which_spaces_are_listed():
    assert FiniteSpace.of(SearchSpace([Int("a", 0, 9), Float("x", 0, 1)])) is None
    assert FiniteSpace.of(SearchSpace([Int("a", 0, 2**40)])) is None  # counted, never listed
    side = int(math.isqrt(MAX_CONFIGURATIONS))
    assert FiniteSpace.of(SearchSpace([Int("a", 1, side), Int("b", 1, side)])).size == side * side
    finite = FiniteSpace.of(SPACE)
    assert finite.size == 15 and finite.untaken([(0, 0), (4, 2)]).shape == (13, 2)
    assert finite.key(SPACE.to_unit({"a": 3, "k": "z"})) == (3, 2)


SVM = SearchSpace([Categorical("C", [0.1, 1.0, 10.0]),
                   Categorical("gamma", [0.001, 0.01, 0.1], condition=("kernel", ["rbf", "poly"])),
                   Int("degree", 2, 3, condition=("kernel", "poly")),
                   Categorical("kernel", ["rbf", "poly", "linear"])])  # 3 * (3 + 3 * 2 + 1) = 30 configurations


@pytest.mark.parametrize("name", ["bo", "parego", "ehvi"])
def test_a_conditional_discrete_space_is_used_up_without_a_repeat_from_the_first_trial(name):
    """The initial design skips configurations taken: keyed on the raw Sobol point, whose inactive
    coordinates lie anywhere, a taken one was not recognised (here the third trial repeated the
    first; 10 of the 80 first points of a 48-configuration SVM space over seeds 0-9 repeated)."""
    size = FiniteSpace.of(SVM).size
    assert size == len(SVM.grid(3)) == 30
    two = name != "bo"  # ParEGO and EHVI: two objectives
    study = Study(SVM, name, seed=0, directions=["minimize", "maximize"] if two else None,
                  optimizer_settings={"n_initial": 12})
    study.run(lambda p: (len(p), p["C"]) if two else len(p), n_trials=size + 5)
    assert len(set(keys(study)[:12])) == 12  # the initial design
    assert len(study.trials) == size and len(set(keys(study))) == size and study.optimizer.exhausted
    with pytest.raises(SearchExhausted):
        study.ask()
    if name == "bo":   # propose said it with a bare ValueError or IndexError (h212)
        with pytest.raises(SearchExhausted, match="GaussianProcessBO has nothing left to propose"):
            study.optimizer.propose()


def test_a_point_is_keyed_as_the_configuration_it_decodes_to():
    """A raw point's key is its snapped point's: an inactive coordinate anywhere, and a log
    integer whose bin edges are not midway between its levels in the cube (0.4 decodes to 1 of
    1..4, nearer to the level of 2)."""
    finite = FiniteSpace.of(SVM)
    linear = SVM.to_unit({"C": 1.0, "kernel": "linear"})
    raw = linear.copy()
    raw[1:3] = [0.9, 0.1]  # gamma and degree, inactive for the linear kernel
    assert finite.key(raw) == finite.key(linear)
    log = SearchSpace([Int("n", 1, 4, log=True)])
    assert FiniteSpace.of(log).key(np.array([0.4])) == FiniteSpace.of(log).key(log.to_unit({"n": 1})) == (0,)
