"""HPOSearchCV(storage=path) and nested_cv(storage=folder): a search is journaled as it runs, a fit
again with the same storage resumes it (what is left of n_trials, not n_trials more), and a journal
whose trials were scored on something else, or a file that is not a search's journal, is refused
and left byte for byte as it was."""

from __future__ import annotations

import functools
import gc
import re
import warnings

import numpy as np
import pytest

from interactive_hpo import Categorical, Float, InvalidParameterError, SearchSpace, StorageError, Study, TrialState

pytest.importorskip("sklearn")

from sklearn.datasets import load_diabetes  # noqa: E402
from sklearn.exceptions import FitFailedWarning  # noqa: E402
from sklearn.linear_model import Ridge  # noqa: E402

from interactive_hpo.model_selection import HPOSearchCV, nested_cv  # noqa: E402
from interactive_hpo.model_selection.journaled import evaluated  # noqa: E402
from interactive_hpo.study.read_only import opening_as  # noqa: E402
from interactive_hpo.trial import INTERRUPTED, USER_INTERRUPT  # noqa: E402

SPACE = SearchSpace([Float("alpha", 1e-3, 1e3, log=True)])
X_ALL, Y_ALL = load_diabetes(return_X_y=True)
X, Y = X_ALL[:80], Y_ALL[:80]
N_TRIALS, CV = 6, 3


class CountingRidge(Ridge):
    """Ridge that counts its fits (all clones together), and raises KeyboardInterrupt, as a Ctrl-C
    does, at fit number ``stop_at``."""

    fits = 0
    stop_at: int | None = None

    def fit(self, X, y, sample_weight=None):
        type(self).fits += 1
        if type(self).fits == type(self).stop_at:
            raise KeyboardInterrupt
        return super().fit(X, y, sample_weight)


@pytest.fixture(autouse=True)
def fresh_counter():
    CountingRidge.fits, CountingRidge.stop_at = 0, None
    yield
    CountingRidge.fits, CountingRidge.stop_at = 0, None


def search(n_trials=N_TRIALS, storage=None, **changes):
    settings = {"optimizer": "sobol", "n_trials": n_trials, "cv": CV, "seed": 0, "storage": storage, **changes}
    return HPOSearchCV(settings.pop("estimator", CountingRidge()), settings.pop("space", SPACE), **settings)


def fits_of(action):
    """Run ``action``; return how many times an estimator was fitted meanwhile."""
    before = CountingRidge.fits
    action()
    return CountingRidge.fits - before


@pytest.fixture(scope="module")
def uninterrupted():
    return search().fit(X, Y)


# -- resuming --------------------------------------------------------------------------------------
def test_a_journal_of_k_trials_resumes_with_what_is_left_and_matches_an_uninterrupted_search(tmp_path, uninterrupted):
    path = tmp_path / "search.jsonl"
    search(n_trials=2, storage=path).fit(X, Y)  # the process stopped after 2 trials (it was killed, say)
    resumed = search(storage=path, seed=None)  # no seed: the journal's
    assert fits_of(lambda: resumed.fit(X, Y)) == (N_TRIALS - 2) * CV + 1  # 4 trials of 3 folds, and the refit
    assert len(resumed.study_.trials) == N_TRIALS and resumed.study_.storage == str(path)
    # The same trials, folds and scores as a search that was never stopped, so the same choice.
    assert resumed.cv_results_["params"] == uninterrupted.cv_results_["params"]
    np.testing.assert_array_equal(resumed.cv_results_["mean_test_score"], uninterrupted.cv_results_["mean_test_score"])
    assert resumed.best_params_ == uninterrupted.best_params_ and resumed.best_score_ == uninterrupted.best_score_
    # Done: a fit again runs no trial, only the refit.
    again = search(storage=path)
    assert fits_of(lambda: again.fit(X, Y)) == 1 and again.best_params_ == uninterrupted.best_params_


# At this seed the best configuration is the grid's second trial: four trials follow it.
GRID = {"optimizer": "grid", "space": SearchSpace([Categorical("alpha", [0.001, 0.01, 0.1, 1.0, 10.0, 100.0])]),
        "seed": 3}


def grid_search(storage=None):
    return search(storage=storage, **GRID)


@pytest.fixture(scope="module")
def uninterrupted_grid():
    return grid_search().fit(X, Y)


def crash_before(path, n_trials, **changes):
    """Run a search of ``n_trials`` journaled at ``path``, then leave its next trial RUNNING in a
    process that dies (a study opened on the journal asks it, which is the trial the search would
    run next, and is gone): as if the search had been killed during its trial ``n_trials``."""
    search(n_trials=n_trials, storage=path, **changes).fit(X, Y)
    with opening_as(search=True):  # the search's own process: a plain Study may not write to its journal
        crashed = Study.load(path)
    crashed.ask()
    del crashed
    gc.collect()


def stop_in_trial(path, k, **changes):
    """A Ctrl-C in the second fold of trial ``k`` of a search journaled at ``path``."""
    CountingRidge.fits, CountingRidge.stop_at = 0, k * CV + 2
    with pytest.raises(KeyboardInterrupt):
        search(storage=path, **changes).fit(X, Y)
    CountingRidge.stop_at = None


@pytest.mark.parametrize("how", ["ctrl_c", "kill"])
def test_a_stopped_trial_is_run_again_so_a_resumed_grid_search_is_the_uninterrupted_one(tmp_path, uninterrupted_grid,
                                                                                       how):
    """The trial stopped is the best configuration's: it used to stay FAILED, never evaluated, and
    the resumed search chose another best, without a warning."""
    path, full = tmp_path / "search.jsonl", uninterrupted_grid.cv_results_
    best = uninterrupted_grid.best_index_
    assert best == 1
    if how == "ctrl_c":
        stop_in_trial(path, best, **GRID)
    else:
        crash_before(path, best, **GRID)
    resumed = grid_search(storage=path)
    with warnings.catch_warnings():
        warnings.simplefilter("error", FitFailedWarning)  # a stopped trial is no failure of the estimator
        assert fits_of(lambda: resumed.fit(X, Y)) == (N_TRIALS - best) * CV + 1  # it first, then what is left
    assert resumed.best_params_ == uninterrupted_grid.best_params_ and resumed.best_index_ == best
    # One row per configuration evaluated, as scikit-learn's: the stopped trial is not one (study_ keeps it).
    results = resumed.cv_results_
    assert results["params"] == full["params"] and list(results["state"]) == ["COMPLETE"] * N_TRIALS
    for key in ["mean_test_score", "std_test_score", "rank_test_score"] + [f"split{k}_test_score" for k in range(CV)]:
        np.testing.assert_array_equal(results[key], full[key])
    trials = resumed.study_.trials
    assert len(trials) == N_TRIALS + 1 and trials[best].state is TrialState.FAILED
    assert trials[best + 1].source == "enqueued" and trials[best + 1].params == trials[best].params
    # Done: a fit again runs no trial, evaluates nothing again and writes nothing.
    journal, again = path.read_bytes(), grid_search(storage=path)
    assert fits_of(lambda: again.fit(X, Y)) == 1 and path.read_bytes() == journal


def test_a_killed_trial_of_bo_is_not_fitted_as_a_failure_once_run_again(tmp_path):
    """A kill during a GP proposal's trial: the resumed search proposes what the uninterrupted one did
    (it used to fit the killed point below the worst loss as well as its value, and steer away)."""
    bo = {"optimizer": "bo", "optimizer_settings": {"n_initial": 2, "num_restarts": 2, "raw_samples": 32}}
    full = search(n_trials=5, **bo).fit(X, Y)
    path = tmp_path / "search.jsonl"
    crash_before(path, 3, **bo)
    resumed = search(n_trials=5, storage=path, **bo).fit(X, Y)
    np.testing.assert_allclose([p["alpha"] for p in resumed.cv_results_["params"]],
                               [p["alpha"] for p in full.cv_results_["params"]], rtol=1e-6)
    assert resumed.study_.trials[3].error.startswith("interrupted") and len(resumed.study_.trials) == 6


def test_a_configuration_a_person_stops_twice_runs_again(tmp_path):
    """A Ctrl-C says nothing of the configuration, the second one neither: it used to count as a
    failure when stopped again in its run again (r348, as the schedulers read a Ctrl-C)."""
    path = tmp_path / "search.jsonl"
    stop_in_trial(path, 2)
    CountingRidge.fits, CountingRidge.stop_at = 0, 1  # Ctrl-C again, in its run again
    with pytest.raises(KeyboardInterrupt):
        search(storage=path).fit(X, Y)
    CountingRidge.stop_at = None
    resumed = search(storage=path)
    with warnings.catch_warnings():
        warnings.simplefilter("error", FitFailedWarning)
        assert fits_of(lambda: resumed.fit(X, Y)) == (N_TRIALS - 2) * CV + 1  # 2 done, then it and the rest
    assert list(resumed.cv_results_["state"]) == ["COMPLETE"] * N_TRIALS
    assert path.read_text().count('"event":"enqueued"') == 2


def test_a_configuration_its_process_died_on_twice_counts_as_failed():
    """Killed again when run again, it counts as a failure: one that kills its process would
    otherwise start every resume."""
    study = Study(SearchSpace([Float("alpha", 1e-3, 1.0, log=True)]), "random", seed=0)
    params = {"alpha": 0.1}
    for error in (INTERRUPTED, USER_INTERRUPT, INTERRUPTED):  # a kill, a Ctrl-C, a kill: run again as the search does
        study.enqueue(params)
        study.tell(study.ask(), state="FAILED", user_attrs={"error": error})
    rows, again = evaluated(study.trials)
    assert [t.error for t in rows] == [INTERRUPTED] and again == []


def test_a_resume_stopped_before_it_ran_the_queue_does_not_queue_twice(tmp_path, monkeypatch):
    path = tmp_path / "search.jsonl"
    stop_in_trial(path, 2)

    def stopped_run(*args, **kwargs):  # a Ctrl-C after the configuration was queued, before it ran
        raise KeyboardInterrupt

    with monkeypatch.context() as patched:
        patched.setattr(Study, "run", stopped_run)
        with pytest.raises(KeyboardInterrupt):
            search(storage=path).fit(X, Y)
    resumed = search(storage=path)
    assert fits_of(lambda: resumed.fit(X, Y)) == (N_TRIALS - 2) * CV + 1
    assert path.read_text().count('"event":"enqueued"') == 1 and len(resumed.study_.trials) == N_TRIALS + 1
    assert list(resumed.cv_results_["state"]) == ["COMPLETE"] * N_TRIALS


# -- refusals ------------------------------------------------------------------------------------------
CHANGES = [
    ("estimator", {"estimator": CountingRidge(fit_intercept=False)}, "`estimator.fit_intercept`: True in the journal, "
                                                                      "False given"),
    ("cv", {"cv": 4}, "`cv.n_splits`: 3 in the journal, 4 given"),
    ("scoring", {"scoring": "neg_mean_absolute_error"}, "`scoring`: None in the journal, 'neg_mean_absolute_error'"),
    ("seed", {"seed": 1}, "`seed`: 0 in the journal, 1 given"),
    ("space", {"space": SearchSpace([Float("alpha", 1e-2, 1e3, log=True)])},
     "the search space: `alpha`: low 0.001 in the journal, 0.01 given"),
    ("data", {"data": (X_ALL[1:81], Y_ALL[1:81])}, "`data.X`: other contents than in the journal"),
    ("estimator_params", {"estimator_params": lambda params: {"alpha": 2 * params["alpha"]}},
     "`estimator_params`: None in the journal"),
    # A finished search resumed with another optimizer returned the journal's results as its own.
    ("optimizer", {"optimizer": "random"}, "its trials were chosen by 'sobol', so its results would pass for the "
                                           "given optimizer's. `optimizer`: 'sobol' in the journal, 'random' given"),
    ("optimizer_settings", {"optimizer_settings": {"scramble": False}},
     "`optimizer_settings.scramble`: none in the journal, False given"),
]


@pytest.mark.parametrize("changes, message", [c[1:] for c in CHANGES], ids=[c[0] for c in CHANGES])
def test_a_journal_of_another_search_is_refused_naming_the_difference_and_left_as_it_is(tmp_path, changes, message):
    path = tmp_path / "search.jsonl"
    search(n_trials=2, storage=path).fit(X, Y)
    before = path.read_bytes()
    data = changes.pop("data", (X, Y))
    with pytest.raises(StorageError, match=re.escape(message)) as refused:
        fits_of(lambda: search(storage=path, **changes).fit(*data))
    assert "It was left as it is" in str(refused.value) and path.read_bytes() == before
    assert CountingRidge.fits == 2 * CV + 1  # the first search's; none since


class Mapper:
    """Turns the space's params into the estimator's, by a factor: a bound method or the object itself
    is an ``estimator_params``, and the factor is part of what the trials were scored on."""

    def __init__(self, factor):
        self.factor = factor

    def params(self, params):
        return {"alpha": self.factor * params["alpha"]}

    __call__ = params


def closing_over(helper):
    return lambda params: {"alpha": helper.factor * params["alpha"]}


@pytest.mark.parametrize("setting, message", [
    (lambda factor: Mapper(factor).params, "`estimator_params.self.factor`: 10 in the journal, 1.0001 given"),
    (Mapper, "`estimator_params.factor`: 10 in the journal, 1.0001 given"),
    (lambda factor: closing_over(Mapper(factor)), "`estimator_params.closure[0].factor`: 10 in the journal, 1.0001"),
], ids=["bound method", "callable object", "closure over an object"])
def test_estimator_params_are_recorded_with_the_values_they_hold(tmp_path, setting, message):
    """A bound method and a callable object were recorded by their code only (another factor was
    accepted); a lambda over an object by its repr (a new address in every process: always refused)."""
    path = tmp_path / "search.jsonl"
    search(n_trials=1, storage=path, estimator_params=setting(10)).fit(X, Y)
    with pytest.raises(StorageError, match=re.escape(message)):
        search(n_trials=2, storage=path, estimator_params=setting(1.0001)).fit(X, Y)
    # The same setting held by new objects (at other addresses, as in another process) resumes.
    assert len(search(n_trials=2, storage=path, estimator_params=setting(10)).fit(X, Y).study_.trials) == 2


def test_execution_only_settings_are_left_out_of_the_record(tmp_path):
    """n_jobs, verbose, pre_dispatch, a Pipeline's memory and an SVM's cache_size do not change a
    score: a resume that changes them was refused ("`estimator.n_jobs`: 1 in the journal, 2 given")."""
    from sklearn.ensemble import RandomForestClassifier
    from sklearn.model_selection import GridSearchCV
    from sklearn.pipeline import Pipeline
    from sklearn.svm import SVC

    from interactive_hpo.model_selection.journaled import EXECUTION_ONLY, describe

    assert EXECUTION_ONLY == {"n_jobs", "verbose", "pre_dispatch", "memory", "cache_size"}
    assert describe(RandomForestClassifier(n_jobs=1, verbose=0)) == describe(RandomForestClassifier(n_jobs=2,
                                                                                                    verbose=3))
    assert describe(GridSearchCV(SVC(cache_size=200), {"C": [1]}, pre_dispatch=4, n_jobs=1)) == \
        describe(GridSearchCV(SVC(cache_size=1000), {"C": [1]}, pre_dispatch="2*n_jobs", n_jobs=2))
    assert describe(RandomForestClassifier(n_estimators=5)) != describe(RandomForestClassifier(n_estimators=6))
    path = tmp_path / "search.jsonl"
    space = SearchSpace([Float("ridge__alpha", 1e-3, 1e3, log=True)])
    search(n_trials=1, storage=path, estimator=Pipeline([("ridge", CountingRidge())]), space=space).fit(X, Y)
    cached = Pipeline([("ridge", CountingRidge())], memory=str(tmp_path / "cache"), verbose=True)
    assert len(search(n_trials=2, storage=path, estimator=cached, space=space).fit(X, Y).study_.trials) == 2


def test_a_record_names_differences_deep_in_a_pipeline_and_tells_functions_apart():
    import json

    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    from interactive_hpo.model_selection.journaled import describe, record_changes

    old, new = (describe(make_pipeline(StandardScaler(), Ridge(fit_intercept=flag))) for flag in (True, False))
    assert json.loads(json.dumps(old)) == old  # JSON, as the journal's header holds it
    assert record_changes(old, new) == ["`steps[1][1].fit_intercept`: True in the journal, False given"]
    assert record_changes(describe(lambda p: {"alpha": p["a"]}), describe(lambda p: {"alpha": 2 * p["a"]})) == \
        ["`code`: other contents than in the journal"]
    assert describe({"stop_words": {"the", "a", "of"}}) == {"stop_words": ["a", "of", "the"]}  # in any process
    assert describe(float("nan")) == "nan" and describe(np.arange(3)) == describe(np.arange(3))
    assert describe(functools.partial(Mapper.params, Mapper(2))) != \
        describe(functools.partial(Mapper.params, Mapper(3)))

    def recursive(params):  # closes over itself
        return recursive(params)

    assert describe(recursive)["closure"] == ["<recursive>"]


@pytest.mark.parametrize("content", [b"my notes, not a journal\n", b'{"a": "JSON object"}\n', b"\x89PNG\r\n"])
def test_a_file_that_is_not_a_journal_is_never_overwritten(tmp_path, content):
    path = tmp_path / "search.jsonl"
    path.write_bytes(content)
    with pytest.raises(StorageError, match="not an interactive_hpo journal"):
        search(storage=path).fit(X, Y)
    assert path.read_bytes() == content and CountingRidge.fits == 0


def test_a_studys_journal_that_no_search_started_is_refused(tmp_path):
    path = tmp_path / "study.jsonl"
    Study(SPACE, "sobol", direction="maximize", storage=path).run(lambda p: -p["alpha"], n_trials=2)
    before = path.read_bytes()
    with pytest.raises(StorageError, match="holds a study that no search started"):
        search(storage=path).fit(X, Y)
    assert path.read_bytes() == before and CountingRidge.fits == 0


@pytest.mark.parametrize("opened", ["Study", "Study.load"])
def test_a_plain_study_reads_a_searchs_journal_but_may_not_write_to_it(tmp_path, uninterrupted, opened):
    # A Study on a search's journal ran 2 trials scoring 123.0 each; the resumed search reported
    # best_score_ 123.0, an R^2 taken from trials it never scored.
    from interactive_hpo.study.branching import fork_study

    path = tmp_path / "search.jsonl"
    search(n_trials=3, storage=path).fit(X, Y)
    before = path.read_bytes()
    study = Study(SPACE, "sobol", direction="maximize", storage=path) if opened == "Study" else Study.load(path)
    assert len(study.trials) == 3 and study.best_value == max(uninterrupted.cv_results_["mean_test_score"][:3])
    refusal = (f"{re.escape(str(path))} belongs to an HPOSearchCV search .*Nothing was written.*"
               f"HPOSearchCV\\(..., storage={re.escape(repr(str(path)))}\\).fit\\(X, y\\).*"
               "fork_study\\(study, len\\(study.trials\\), storage=new_path\\)")
    for write in (lambda: study.run(lambda p: 123.0, n_trials=2), lambda: study.add_manual({"alpha": 1.0}, 123.0),
                  lambda: study.enqueue({"alpha": 1.0}), lambda: study.switch_optimizer("random")):
        with pytest.raises(StorageError, match=refusal):
            write()
    assert path.read_bytes() == before and len(study.trials) == 3
    resumed = search(storage=path).fit(X, Y)
    assert resumed.best_score_ == uninterrupted.best_score_ and len(resumed.study_.trials) == N_TRIALS
    # The way out for a study of one's own: its trials carried to a new journal, which is the fork's to write.
    fork = fork_study(study, len(study.trials), storage=tmp_path / "mine.jsonl").study
    fork.run(lambda p: 123.0, n_trials=1)
    assert len(Study.load(tmp_path / "mine.jsonl").trials) == 4


def test_a_plain_study_leaves_a_searchs_cut_off_write_and_says_so(tmp_path):
    # A plain study reads a search's journal read-only, so it never cuts a crash's half line off:
    # the warning said it would ("cut off the file once a study accepts the journal").
    path = tmp_path / "search.jsonl"
    search(n_trials=2, storage=path).fit(X, Y)
    with path.open("ab") as file:
        file.write(b'{"event":"finished","trial":{"num')
    before = path.read_bytes()
    with pytest.warns(RuntimeWarning, match=r"cut off mid-write .*left in the file as it is \(this study is "
                                            r"read-only\)") as seen:
        study = Study.load(path)
    assert not any("cut off the file" in str(w.message) for w in seen)
    assert len(study.trials) == 2 and path.read_bytes() == before


def test_trials_no_search_scored_are_left_out_of_a_resumed_search(tmp_path):
    # As an older interactive_hpo let a Study write them (or an edit of the journal): complete
    # without fold scores, or added by hand. The search chose them as its best.
    path = tmp_path / "search.jsonl"
    search(n_trials=3, storage=path).fit(X, Y)
    with opening_as(search=True):
        study = Study.load(path)
    study.run(lambda p: 123.0, n_trials=2)
    study.add_manual({"alpha": 1.0}, 99.0)
    with pytest.warns(UserWarning, match=f"{re.escape(str(path))} holds 3 trial.s. that no search scored "
                                         r"\(numbers \[3, 4, 5\].*leaves them out of cv_results_, of n_trials"):
        resumed = search(storage=path).fit(X, Y)
    # The optimizer went on past the proposals those trials took: other configurations, each scored.
    scores = resumed.cv_results_["mean_test_score"]
    assert len(scores) == N_TRIALS and [t.number for t in resumed.study_.trials][-3:] == [6, 7, 8]
    assert resumed.best_score_ == max(scores) < 1 and resumed.best_index_ == int(np.argmax(scores))


def test_nested_in_cross_val_score_the_second_fold_is_refused_with_the_way_out(tmp_path):
    from sklearn.model_selection import cross_val_score

    with pytest.raises(StorageError, match=re.escape("nested_cv(..., storage=folder)")):
        cross_val_score(search(n_trials=2, storage=tmp_path / "s.jsonl"), X, Y, cv=2, error_score="raise")


@pytest.mark.parametrize("storage, message", [
    (3, "`storage` of HPOSearchCV must be a file path"),
    ("", "`storage` of HPOSearchCV must be a file path"),
    (".", "`storage` of HPOSearchCV must be a file path, not a folder"),
])
def test_bad_storage_is_refused_before_any_trial(storage, message):
    with pytest.raises(InvalidParameterError, match=re.escape(message)):
        search(storage=storage).fit(X, Y)
    assert CountingRidge.fits == 0


# -- nested_cv: one journal per outer fold ---------------------------------------------------------
NESTED = {"optimizer": "sobol", "n_trials": 3, "outer": 2, "inner": 2}


def test_nested_cv_resumes_fold_by_fold(tmp_path):
    folder = tmp_path / "nested"
    folder.mkdir()
    (folder / "notes.txt").write_text("mine")
    # Ctrl-C in the first inner fit of fold 2's second trial: fold 1 is done (3 trials of 2 fits, 1 refit).
    CountingRidge.stop_at = 3 * 2 + 1 + 2 + 1
    with pytest.raises(KeyboardInterrupt):
        nested_cv(CountingRidge(), SPACE, X=X, y=Y, storage=folder, **NESTED)
    CountingRidge.stop_at = None
    assert sorted(p.name for p in folder.iterdir()) == ["notes.txt", "outer_fold_1.jsonl", "outer_fold_2.jsonl"]
    fits = CountingRidge.fits
    result = nested_cv(CountingRidge(), SPACE, X=X, y=Y, storage=folder, **NESTED)  # seed None: the journals'
    # Fold 1 runs no trial, only its refit; fold 2 runs its 2 trials left (of 2 fits) and its refit.
    assert CountingRidge.fits - fits == 1 + 2 * 2 + 1
    assert [len(s.trials) for s in result.studies] == [3, 4] and (folder / "notes.txt").read_text() == "mine"
    # A call again is the same result, without a trial.
    fits = CountingRidge.fits
    again = nested_cv(CountingRidge(), SPACE, X=X, y=Y, storage=folder, **NESTED)
    assert CountingRidge.fits - fits == 2
    np.testing.assert_array_equal(again.outer_scores, result.outer_scores)
    assert again.chosen_params == result.chosen_params


def test_nested_cv_refuses_fold_journals_of_other_outer_folds_and_leaves_foreign_files(tmp_path):
    folder = tmp_path / "nested"
    nested_cv(CountingRidge(), SPACE, X=X, y=Y, storage=folder, seed=0, **NESTED)
    before = {p.name: p.read_bytes() for p in folder.iterdir()}
    # Named as the person typed it: nested_cv's storage, and the fold's journal.
    refusal = re.escape(f"`storage` of nested_cv: {folder / 'outer_fold_1.jsonl'} holds another search")
    difference = re.escape("`nested_cv.n_outer`: 2 in the journal, 3 given")
    with pytest.raises(StorageError, match=f"{refusal}.*{difference}"):
        nested_cv(CountingRidge(), SPACE, X=X, y=Y, storage=folder, seed=0, **{**NESTED, "outer": 3})
    with pytest.raises(StorageError, match=re.escape("`nested_cv.seed`: 0 in the journal, 1 given")):
        nested_cv(CountingRidge(), SPACE, X=X, y=Y, storage=folder, seed=1, **NESTED)
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == before
    other = tmp_path / "other"
    other.mkdir()
    (other / "outer_fold_1.jsonl").write_text("not a journal\n")
    with pytest.raises(StorageError, match="not an interactive_hpo journal"):
        nested_cv(CountingRidge(), SPACE, X=X, y=Y, storage=other, **NESTED)
    assert (other / "outer_fold_1.jsonl").read_text() == "not a journal\n"


def test_nested_cv_on_finished_fold_journals_of_another_optimizer_is_refused_and_writes_nothing(tmp_path):
    """It returned the journals' optimizer's results as the one given's, with a warning per fold,
    and wrote a `switched` event to every fold journal although no trial ran."""
    folder = tmp_path / "nested"
    nested_cv(CountingRidge(), SPACE, X=X, y=Y, storage=folder, seed=0, **NESTED)
    before = {p.name: p.read_bytes() for p in folder.iterdir()}
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(StorageError, match=re.escape("`optimizer`: 'sobol' in the journal, 'random' given")):
            nested_cv(CountingRidge(), SPACE, X=X, y=Y, storage=folder, **{**NESTED, "optimizer": "random"})
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == before


def test_nested_cv_storage_must_be_a_folder(tmp_path):
    afile = tmp_path / "a_file"
    afile.write_text("mine")
    for storage in (afile, afile / "below", 3):
        with pytest.raises(InvalidParameterError, match=re.escape("`storage` of nested_cv must be a folder")):
            nested_cv(CountingRidge(), SPACE, X=X, y=Y, storage=storage, **NESTED)
    assert afile.read_text() == "mine" and CountingRidge.fits == 0
