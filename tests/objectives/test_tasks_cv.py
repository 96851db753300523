"""Ready-made tasks take what SklearnCV takes for ``cv`` and ``groups``: a splitter and group
labels reach SklearnCV, they are refused in the name of the function the person called, and an
int ``cv`` gives the trials and scores it always gave (pinned from the code before splitters)."""

from __future__ import annotations

import hashlib
import re

import numpy as np
import pytest

from interactive_hpo import InvalidParameterError, Study
from interactive_hpo.objectives.tasks import TASKS, make_task, ridge_diabetes, svm_digits
from interactive_hpo.objectives.tradeoff import sparse_logistic_breast_cancer

pytest.importorskip("sklearn")

from sklearn.datasets import load_digits  # noqa: E402
from sklearn.model_selection import GroupKFold, KFold, StratifiedKFold, TimeSeriesSplit  # noqa: E402

BUILDERS = {**TASKS, "sparse_logistic_breast_cancer": sparse_logistic_breast_cancer}
GROUPS = np.arange(442) % 20  # 20 patients' sites, say, for the 442 rows of the diabetes data


def digest(task, budget=None):
    """A short hash of the rows of every fold's fit and validation parts."""
    hashed = hashlib.sha256()
    for fit, validation in task.fold_indices(budget):
        hashed.update(fit.tobytes() + b"|" + validation.tobytes() + b";")
    return hashed.hexdigest()[:16]


def apart(groups, *sides):
    """No group label on two of ``sides`` (arrays of rows)."""
    labels = [set(groups[rows].tolist()) for rows in sides]
    return all(not (a & b) for k, a in enumerate(labels) for b in labels[k + 1:])


# -- an int cv: what the code before splitters gave (seed=0, cv=3) -----------------------------------------
# fingerprint (estimator, data, split, seed), the folds at the full budget and at 0.5, the fold scores of
# space.sample(1, default_rng(1)) where a task is quick: all computed by the tasks of commit d3f5cc0, but
# the fingerprints of the two tasks with an estimator_params, which now enter it (mlp_layers_digits had
# mlp_digits' fingerprint, so their landscapes shared a cache).
BEFORE = {
    "svm_digits": ("96c9c0943cd43db7", "5125bd3603a7962f", "a503a5b5f1a0568b",
                   [0.9732739420935412, 0.9710467706013363, 0.9732739420935412]),
    "random_forest_breast_cancer": ("3ae9173fa32e7373", "63dde2f034b1f575", "63dde2f034b1f575",
                                    [0.9436619718309859, 0.9788732394366197, 0.9577464788732394]),
    "gradient_boosting_wine": ("0c14268a83d66eff", "ac6f5f1823e61d7f", "ac6f5f1823e61d7f", None),
    "mlp_digits": ("ede097572273b06f", "5125bd3603a7962f", "5125bd3603a7962f", None),
    "mlp_layers_digits": ("99c63ffd664585f2", "5125bd3603a7962f", "5125bd3603a7962f", None),
    "ridge_diabetes": ("29f6dfb60709a797", "816988eb5e8714c1", "a5b7405ad27704c5",
                       [0.24464087322889239, -0.28052500210863673, 0.28070159675109185]),
    "sparse_logistic_breast_cancer": ("cdf2bff4b281d246", "63dde2f034b1f575", "f694e3af9c4c13d2",
                                      [0.9577464788732394, 0.9577464788732394, 0.9647887323943662]),
}


@pytest.mark.parametrize("name", sorted(BEFORE))
def test_an_int_cv_gives_the_folds_and_scores_it_always_gave(name):
    fingerprint, folds, half_folds, scores = BEFORE[name]
    for task in (BUILDERS[name](seed=0, cv=3), make_task(name, seed=0, cv=3) if name in TASKS else None):
        if task is None:
            continue
        assert (task.fingerprint, digest(task), digest(task, 0.5)) == (fingerprint, folds, half_folds)
        if scores is not None:
            params = task.space.sample(1, np.random.default_rng(1))[0]
            assert task(params).user_attrs["fold_scores"] == scores


def test_an_int_cv_gives_the_trials_it_always_gave():
    task = ridge_diabetes(seed=0, cv=3)
    study = Study(task.space, "random", direction="maximize", seed=0)
    study.run(task, n_trials=3)
    assert [(dict(t.params), t.value) for t in study.trials] == [
        ({"ridge__alpha": 192.68083240730232, "poly__degree": 2, "poly__interaction_only": True}, 0.4217982651993612),
        ({"ridge__alpha": 3.5239078221286144, "poly__degree": 2, "poly__interaction_only": False}, 0.2840135422779531),
        ({"ridge__alpha": 8392.205291954348, "poly__degree": 1, "poly__interaction_only": False}, 0.05723061983425711),
    ]


# -- a splitter and groups reach SklearnCV -----------------------------------------------------------------
@pytest.mark.parametrize("build", [
    lambda: ridge_diabetes(seed=0, cv=GroupKFold(4), groups=GROUPS),
    lambda: make_task("ridge_diabetes", seed=0, cv=GroupKFold(4), groups=GROUPS),
], ids=["ridge_diabetes", "make_task"])
def test_groups_stay_on_one_side_of_the_sealed_split_and_of_every_fold(build):
    task = build()
    assert isinstance(task.cv, GroupKFold)
    assert apart(GROUPS, task.train_indices, task.test_indices)
    folds = task.fold_indices()
    assert len(folds) == 4 and all(apart(GROUPS, fit, validation, task.test_indices) for fit, validation in folds)
    params = {"ridge__alpha": 10.0, "poly__degree": 1, "poly__interaction_only": False}
    assert len(task(params).user_attrs["fold_scores"]) == 4


def test_a_seeded_stratified_splitter_cuts_the_training_split():
    splitter = StratifiedKFold(3, shuffle=True, random_state=7)
    task = svm_digits(seed=0, cv=splitter)
    y_train = load_digits(return_X_y=True)[1][task.train_indices]
    expected = list(splitter.split(np.zeros((len(y_train), 1)), y_train))
    for (fit, validation), (direct_fit, direct_validation) in zip(task.fold_indices(), expected, strict=True):
        np.testing.assert_array_equal(fit, task.train_indices[direct_fit])
        np.testing.assert_array_equal(validation, task.train_indices[direct_validation])
    assert digest(task) != BEFORE["svm_digits"][1]  # not the folds an int cv=3 gives


def test_time_series_split_keeps_time_order_in_a_task():
    task = ridge_diabetes(seed=0, cv=TimeSeriesSplit(3))
    np.testing.assert_array_equal(task.test_indices, np.arange(331, 442))  # the last quarter, unshuffled
    assert all(fit.max() < validation.min() for fit, validation in task.fold_indices())


def test_a_tradeoff_task_takes_a_splitter_and_groups():
    groups = np.arange(569) % 19
    task = sparse_logistic_breast_cancer(seed=0, cv=GroupKFold(3), groups=groups)
    assert apart(groups, task.train_indices, task.test_indices)
    assert all(apart(groups, fit, validation) for fit, validation in task.fold_indices())
    assert len(task({"C": 0.1, "class_weight": "none"}).user_attrs["fold_sizes"]) == 3


# -- refusals, in the name of the function called -----------------------------------------------------------
SPLITTER = "must be an int in [2, inf) or a splitter (an object with split and get_n_splits, such as KFold(3)); got "
CASES = [
    ("groups with an int cv", lambda: ridge_diabetes(cv=5, groups=GROUPS),
     "`groups` of ridge_diabetes must be None when `cv` is an int; got group labels. They would be ignored, and "
     "shuffled folds put one group on both sides: pass a splitter that reads them, such as cv=GroupKFold(5)."),
    ("groups with an int cv, by name", lambda: make_task("ridge_diabetes", cv=3, groups=GROUPS),
     "`groups` of make_task must be None when `cv` is an int; got group labels."),
    ("groups of the wrong length", lambda: svm_digits(cv=GroupKFold(3), groups=GROUPS),
     "`groups` of svm_digits must be an array-like of shape (n_samples,) = (1797,), one label per sample; got an "
     "array-like of shape (442,)."),
    ("a group splitter without groups", lambda: make_task("svm_digits", cv=GroupKFold(3)),
     "`groups` of make_task must be group labels of shape (n_samples,) for GroupKFold; got None. It keeps each "
     "group within one side of every split: pass groups=... to make_task."),
    ("groups a splitter ignores", lambda: sparse_logistic_breast_cancer(cv=KFold(3), groups=np.arange(569)),
     "`groups` of sparse_logistic_breast_cancer must be None when `cv` is a splitter that ignores them (KFold); got "
     "group labels."),
    ("a list of pairs", lambda: ridge_diabetes(cv=[([0, 1], [2])]),
     "`cv` of ridge_diabetes " + SPLITTER + "[([0, 1], [2])]. Its row indices would be into the training split"),
    ("a float", lambda: make_task("svm_digits", cv=2.5), "`cv` of make_task " + SPLITTER + "2.5."),
    ("one fold", lambda: svm_digits(cv=1), "`cv` of svm_digits must be an int in [2, inf); got 1."),
]


@pytest.mark.parametrize("call, message", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_input_errors(call, message):
    with pytest.raises(InvalidParameterError, match=re.escape(message)):
        call()
