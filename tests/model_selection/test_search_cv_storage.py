"""HPOSearchCV(storage=path) and nested_cv(storage=folder): a search is journaled as it runs, a fit
again with the same storage resumes it (what is left of n_trials, not n_trials more), and a journal
whose trials were scored on something else, or a file that is not a search's journal, is refused
and left byte for byte as it was."""

from __future__ import annotations

import gc
import re
import warnings

import numpy as np
import pytest

from interactive_hpo import Float, InvalidParameterError, SearchSpace, StorageError, Study, TrialState

pytest.importorskip("sklearn")

from sklearn.datasets import load_diabetes  # noqa: E402
from sklearn.exceptions import FitFailedWarning  # noqa: E402
from sklearn.linear_model import Ridge  # noqa: E402

from interactive_hpo.model_selection import HPOSearchCV, nested_cv  # noqa: E402

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


def test_trials_a_ctrl_c_or_a_crash_cut_short_are_run_again_not_counted(tmp_path):
    path = tmp_path / "search.jsonl"
    CountingRidge.stop_at = 2 * CV + 2  # Ctrl-C in the second fold of the third trial
    with pytest.raises(KeyboardInterrupt):
        search(storage=path).fit(X, Y)
    CountingRidge.stop_at = None
    crashed = Study.load(path)
    crashed.ask()  # then a process that died with this trial RUNNING (its study is gone, as after a kill)
    del crashed
    gc.collect()
    resumed = search(storage=path)
    with warnings.catch_warnings():
        warnings.simplefilter("error", FitFailedWarning)  # a cut-short trial is no failure of the estimator
        assert fits_of(lambda: resumed.fit(X, Y)) == (N_TRIALS - 2) * CV + 1
    trials = resumed.study_.trials
    assert len(trials) == N_TRIALS + 2 and [t.number for t in trials if t.state is not TrialState.COMPLETE] == [2, 3]
    assert trials[2].cut_short and trials[3].error.startswith("interrupted")
    # Their rows are there (row = trial number), FAILED with NaN scores.
    results = resumed.cv_results_
    assert list(results["state"][2:4]) == ["FAILED", "FAILED"] and np.isnan(results["mean_test_score"][2:4]).all()
    complete = results["state"] == "COMPLETE"
    best = int(np.argmax(np.where(complete, results["mean_test_score"], -np.inf)))
    assert resumed.best_index_ == best and resumed.best_params_ == results["params"][best]
    assert resumed.best_score_ == results["mean_test_score"][best] and results["rank_test_score"][best] == 1


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
    with pytest.raises(StorageError, match=re.escape("`nested_cv.n_outer`: 2 in the journal, 3 given")):
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


def test_nested_cv_storage_must_be_a_folder(tmp_path):
    afile = tmp_path / "a_file"
    afile.write_text("mine")
    for storage in (afile, afile / "below", 3):
        with pytest.raises(InvalidParameterError, match=re.escape("`storage` of nested_cv must be a folder")):
            nested_cv(CountingRidge(), SPACE, X=X, y=Y, storage=storage, **NESTED)
    assert afile.read_text() == "mine" and CountingRidge.fits == 0
