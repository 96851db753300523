"""A journaled study remembers the looks at the sealed test split of a task it ran (audit a439):
a resumed session (another process, or another Study over the journal with a task built alike)
warns on its first look when an earlier session looked already; another task inherits nothing."""

from __future__ import annotations

import json
import pickle
import subprocess
import sys
import warnings
from pathlib import Path

import pytest

from interactive_hpo import Categorical, Float, Int, SearchSpace, Study
from interactive_hpo.exceptions import StorageError

pytest.importorskip("sklearn")

from sklearn.datasets import load_iris  # noqa: E402
from sklearn.tree import DecisionTreeClassifier  # noqa: E402

from interactive_hpo.objectives.sklearn_cv import SealedTestSetWarning, SklearnCV  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
SPACE = SearchSpace([Float("min_impurity_decrease", 1e-4, 1e-1, log=True), Int("max_depth", 1, 6),
                     Categorical("criterion", ["gini", "entropy"])])
PARAMS = {"min_impurity_decrease": 1e-3, "max_depth": 3, "criterion": "gini"}


def task(seed=0, rows=150):
    X, y = load_iris(return_X_y=True)
    return SklearnCV(DecisionTreeClassifier(random_state=0), X[:rows], y[:rows], SPACE, cv=3, seed=seed)


def study_on(path, objective):
    return Study(objective.space, "random", direction=objective.direction, seed=0, storage=path)


def looks_in(path):
    return [json.loads(line) for line in Path(path).read_text().splitlines() if '"event":"test_look"' in line]


@pytest.fixture
def looked(tmp_path):
    """A journal whose study ran a task and looked once at its sealed split: (path, first score)."""
    path = tmp_path / "study.jsonl"
    first = task()
    study_on(path, first).run(first, n_trials=1)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        score = first.test_score(PARAMS)
    return path, score


def test_a_resumed_study_gives_a_task_built_alike_its_earlier_looks(looked):
    path, score = looked
    again = task()  # the next session: a new task object, the same data, split and estimator
    Study.load(path).run(again, n_trials=1)
    assert [(look.number, dict(look.params), look.score) for look in again.test_looks] == [(1, PARAMS, score)]
    earlier = r"look number 2 .*1 of them made in an earlier session.*study\.jsonl"
    with pytest.warns(SealedTestSetWarning, match=earlier):
        again.test_score(PARAMS)
    assert [look["score"] for look in looks_in(path)] == [score, score]  # each look journaled once
    assert len({look["look"] for look in looks_in(path)}) == 2


def test_another_task_inherits_no_looks(looked):
    path, _ = looked
    for other in (task(seed=1), task(rows=140)):  # another split, other data
        study_on(path, other).run(other, n_trials=1)
        assert other.test_looks == ()
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            other.test_score(PARAMS)


def test_a_look_is_journaled_once_and_looks_made_before_are_journaled_when_run(tmp_path):
    path = tmp_path / "study.jsonl"
    objective = task()
    objective.test_score(PARAMS)  # before any study: in memory only
    study = study_on(path, objective)
    study.run(objective, n_trials=1)
    assert len(looks_in(path)) == 1
    study.step(objective)  # the same study again: nothing journaled twice
    Study.load(path).add_evaluated(PARAMS, objective)  # another Study over the journal: nor
    assert len(looks_in(path)) == 1 and len(objective.test_looks) == 1
    copy = pickle.loads(pickle.dumps(objective))  # to a worker: the looks go, not the study
    assert len(copy.test_looks) == 1


def test_a_look_another_study_on_the_journal_made_meanwhile_counts(tmp_path):
    path = tmp_path / "study.jsonl"
    mine, theirs = task(), task()  # two notebooks on one journal
    study_on(path, mine).run(mine, n_trials=1)
    study_on(path, theirs).run(theirs, n_trials=1)
    theirs.test_score(PARAMS)
    with pytest.warns(SealedTestSetWarning, match="look number 2"):
        mine.test_score(PARAMS)


def test_a_journal_that_fails_is_warned_of_and_the_look_still_counts(tmp_path):
    path = tmp_path / "study.jsonl"
    objective = task()
    study_on(path, objective).run(objective, n_trials=1)
    path.unlink()  # deleted under the study
    with pytest.warns(RuntimeWarning, match="could not be kept in .*study.jsonl.*still counted here"):
        score = objective.test_score(PARAMS)
    assert [look.score for look in objective.test_looks] == [score]
    assert not path.exists()  # nothing written in its place


def test_a_journal_with_looks_loads_saves_and_forks(looked, tmp_path):
    from interactive_hpo.study.branching import fork_study, remap_study

    path, _ = looked
    study = Study.load(path)
    study.save(tmp_path / "saved.jsonl")
    assert len(looks_in(tmp_path / "saved.jsonl")) == 1
    assert len(Study.load(tmp_path / "saved.jsonl").trials) == len(study.trials)
    assert len(fork_study(study, 0, storage=tmp_path / "fork.jsonl").study.trials) == 0
    assert len(remap_study(study, SPACE, storage=tmp_path / "remap.jsonl").study.trials) == 1
    for branch in ("fork.jsonl", "remap.jsonl"):  # a branch keeps the looks: they are facts about the data
        assert looks_in(tmp_path / branch) == looks_in(path)
        again = task()
        Study.load(tmp_path / branch).run(again, n_trials=1)
        assert len(again.test_looks) == 1
    assert len(Study.load(path, read_only=True).trials) == 1


@pytest.mark.parametrize("edit", ['"score":"high","was":', '"was":', '"score":1' + "0" * 400 + ',"was":'])
def test_a_test_look_line_that_breaks_a_rule_is_refused_naming_it(looked, edit):
    """A score given as text, missing, or an int past a float's range (the last two loaded, then
    broke every run of the task with Python's KeyError or OverflowError: r443)."""
    path, _ = looked
    lines = Path(path).read_text().splitlines()
    at = next(i for i, line in enumerate(lines) if '"test_look"' in line)
    lines[at] = lines[at].replace('"score":', edit)
    Path(path).write_text("\n".join(lines) + "\n")
    with pytest.raises(StorageError, match=rf"line {at + 1}.*`score` of this \"test_look\" event"):
        Study.load(path)


def test_the_lab_keeps_the_looks_as_study_run_does(tmp_path):
    """The Lab wraps its objective, which hid the task from the study: no look was journaled (r443)."""
    pytest.importorskip("ipywidgets")
    from interactive_hpo.ui import Lab

    path = tmp_path / "lab.jsonl"
    first = task()
    lab = Lab(study_on(path, first), first)
    lab.step_button.click()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        first.test_score(PARAMS)
    again = task()
    Lab(study_on(path, again), again).step_button.click()
    with pytest.warns(SealedTestSetWarning, match="look number 2"):
        again.test_score(PARAMS)


def _accuracy(model, X, y):
    return float((model.predict(X) == y).mean())


def test_a_scoring_function_gives_the_same_fingerprint_in_another_process(two_sessions):
    """Its repr holds its address: each session's task had another fingerprint and inherited no look (r443)."""
    assert two_sessions[0]["fingerprint"] == _fingerprint()


def _fingerprint():
    return SklearnCV(DecisionTreeClassifier(random_state=0), *load_iris(return_X_y=True), SPACE, cv=3, seed=0,
                     scoring=_accuracy).fingerprint


SESSION = """
import json, warnings
from sklearn.datasets import load_iris
from sklearn.tree import DecisionTreeClassifier
from interactive_hpo import Categorical, Float, Int, SearchSpace, Study
from interactive_hpo.objectives.sklearn_cv import SklearnCV
SPACE = SearchSpace([Float("min_impurity_decrease", 1e-4, 1e-1, log=True), Int("max_depth", 1, 6),
                     Categorical("criterion", ["gini", "entropy"])])
task = SklearnCV(DecisionTreeClassifier(random_state=0), *load_iris(return_X_y=True), SPACE, cv=3, seed=0)
study = Study(task.space, "random", direction=task.direction, seed=0, storage="study.jsonl")
study.run(task, n_trials=2)
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    task.test_score(study.best_trial.params)
looks = [str(w.message)[:40] for w in caught]
# Another check in the same process, which pays for sklearn's import once: the fingerprint of a
# task with a scoring function of this test module, for the test beside the quickstart's.
from tests.study.test_sealed_looks import _fingerprint
print(json.dumps({"looks": looks, "fingerprint": _fingerprint()}))
"""


@pytest.fixture(scope="module")
def two_sessions(tmp_path_factory):
    """What two sessions of :data:`SESSION`, each a fresh process, print in one folder, in order."""
    folder = tmp_path_factory.mktemp("sessions")

    def session():
        done = subprocess.run([sys.executable, "-c", SESSION], cwd=folder, capture_output=True, text=True,
                              env={"PYTHONPATH": str(ROOT), "OMP_NUM_THREADS": "1", "PATH": ""}, check=True)
        return json.loads(done.stdout)

    return session(), session()


def test_the_quickstart_run_twice_warns_the_second_time(two_sessions):
    first, second = two_sessions
    assert first["looks"] == []
    assert second["looks"] == ["This is look number 2 at the sealed test"]


def test_a_task_bound_to_a_study_is_not_bound_again_at_each_step(tmp_path, monkeypatch):
    """Each Study.step (a Lab's Step) hashed the task's data and read the journal again (r443:
    27 ms a step on a journal of 2,000 trials); a look, or another study, binds it anew."""
    from interactive_hpo.study import sealed_looks

    reads = []
    recorded = sealed_looks.LookKeeper.recorded
    monkeypatch.setattr(sealed_looks.LookKeeper, "recorded", lambda self, t: reads.append(t) or recorded(self, t))
    objective = task()
    study = study_on(tmp_path / "study.jsonl", objective)
    for _ in range(3):
        study.step(objective)
    assert len(reads) == 1
    objective.test_score(PARAMS)   # reads and journals the look
    study.step(objective)
    other = study_on(tmp_path / "other.jsonl", objective)
    other.step(objective)          # another journal: bound there, the look journaled there too
    assert len(reads) == 3 and '"test_look"' in (tmp_path / "other.jsonl").read_text()
