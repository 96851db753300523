"""A scorer that cannot score the estimator is refused when the objective is built, and only then.

Before: ``SklearnCV(Ridge(), ..., scoring="accuracy")`` was accepted and every trial failed with
"Classification metrics can't handle a mix of multiclass and continuous targets".
"""

from __future__ import annotations

import re
import warnings

import numpy as np
import pytest

from interactive_hpo import Categorical, Float, InvalidParameterError, SearchSpace

pytest.importorskip("sklearn")
from sklearn.compose import TransformedTargetRegressor  # noqa: E402
from sklearn.datasets import load_breast_cancer, load_diabetes, load_iris  # noqa: E402
from sklearn.ensemble import StackingClassifier, VotingClassifier  # noqa: E402
from sklearn.linear_model import LogisticRegression, Ridge, RidgeClassifier, SGDClassifier  # noqa: E402
from sklearn.metrics import accuracy_score, f1_score, make_scorer, roc_auc_score  # noqa: E402
from sklearn.model_selection import GridSearchCV  # noqa: E402
from sklearn.pipeline import Pipeline, make_pipeline  # noqa: E402
from sklearn.preprocessing import StandardScaler  # noqa: E402
from sklearn.svm import SVC  # noqa: E402

from interactive_hpo.objectives.incremental import SklearnIncremental  # noqa: E402
from interactive_hpo.objectives.sklearn_cv import SklearnCV  # noqa: E402

X_REG, Y_REG = load_diabetes(return_X_y=True)
X_CLS, Y_CLS = load_breast_cancer(return_X_y=True)
X_CLS = StandardScaler().fit_transform(X_CLS)
ALPHA = SearchSpace([Float("alpha", 1e-3, 1.0, log=True)])
C = SearchSpace([Float("C", 0.1, 1.0)])
CV = SearchSpace([Categorical("cv", [3])])  # for a meta-estimator: a setting that changes nothing scored


def _ridge_logistic(params):
    return {"model": Ridge() if params["model"] == "ridge" else LogisticRegression()}


REFUSED = [
    (Ridge(), "regression", ALPHA, "accuracy", "`scoring` of SklearnCV must be a regression scorer for Ridge, a "
     "regressor; got 'accuracy'. 'accuracy' compares class labels, and a regressor predicts numbers, so every trial "
     "would fail. Use a scorer such as 'r2' or 'neg_mean_squared_error', or a classifier."),
    (Ridge(), "regression", ALPHA, "roc_auc", "`scoring` of SklearnCV must be a regression scorer for Ridge, a "
     "regressor; got 'roc_auc'. 'roc_auc' reads decision_function or predict_proba, which a regressor does not have"),
    (Ridge(), "regression", ALPHA, make_scorer(accuracy_score), "got make_scorer(accuracy_score, response_method="
     "'predict'). The scorer compares class labels"),
    (make_pipeline(StandardScaler(), Ridge()), "regression", SearchSpace([Float("ridge__alpha", 0.1, 1.0)]), "f1_macro",
     "`scoring` of SklearnCV must be a regression scorer for Pipeline, a regressor; got 'f1_macro'."),
    (TransformedTargetRegressor(Ridge()), "regression", SearchSpace([Float("regressor__alpha", 0.1, 1.0)]),
     "accuracy", "a regression scorer for TransformedTargetRegressor, a regressor"),
    (SVC(), "classification", C, "neg_log_loss", "`scoring` of SklearnCV must be a scorer reading a method SVC has; "
     "got 'neg_log_loss'. 'neg_log_loss' reads predict_proba, which SVC does not have as given nor with any value of "
     "the space (predict_proba is not available when probability=False), so every trial would fail. Set the "
     "estimator up to provide it, or use a scorer reading predict, such as 'accuracy'."),
    (make_pipeline(StandardScaler(), SVC()), "classification", SearchSpace([Float("svc__C", 0.1, 1.0)]),
     "neg_log_loss", "which Pipeline does not have as given nor with any value of the space (predict_proba is not "
     "available when probability=False)"),
    (SGDClassifier(), "classification", SearchSpace([Float("alpha", 1e-5, 1e-2, log=True)]), "neg_log_loss",
     "(probability estimates are not available for loss='hinge')"),
    (VotingClassifier([("lr", LogisticRegression())]), "classification", SearchSpace([Float("lr__C", 0.1, 1.0)]),
     "neg_brier_score", "(predict_proba is not available when voting='hard')"),
    (RidgeClassifier(), "classification", ALPHA, "neg_log_loss", "('RidgeClassifier' object has no attribute "
     "'predict_proba')"),
]


@pytest.mark.parametrize("estimator, task, space, scoring, message", REFUSED,
                         ids=[f"{type(e).__name__}-{i}" for i, (e, *_) in enumerate(REFUSED)])
def test_a_scorer_that_cannot_score_the_estimator_is_refused_when_built(estimator, task, space, scoring, message):
    X, y = (X_REG, Y_REG) if task == "regression" else (X_CLS, Y_CLS)
    with pytest.raises(InvalidParameterError, match=re.escape(message)):
        SklearnCV(estimator, X, y, space, cv=3, scoring=scoring, seed=0)


ACCEPTED = [
    (SVC(probability=True), "classification", C, "neg_log_loss", {}),
    (SVC(), "classification", C, "roc_auc", {}),  # reads decision_function when there is no predict_proba
    (SVC(), "classification", SearchSpace([Categorical("probability", [False, True])]), "neg_log_loss", {}),
    (make_pipeline(StandardScaler(), SVC()), "classification", SearchSpace([Categorical("svc__probability", [True])]),
     "neg_log_loss", {}),
    (SGDClassifier(), "classification", SearchSpace([Categorical("loss", ["hinge", "log_loss"])]), "neg_log_loss", {}),
    (SVC(), "classification", SearchSpace([Float("c", 0.1, 1.0)]), "neg_log_loss",
     {"estimator_params": lambda params: {"C": params["c"], "probability": True}}),
    # A choice of model through estimator_params: the centre (Ridge) does not fit, the other does.
    (Pipeline([("scale", StandardScaler()), ("model", Ridge())]), "classification",
     SearchSpace([Categorical("model", ["ridge", "logistic"])]), "accuracy", {"estimator_params": _ridge_logistic}),
    # A search may set what the scorer needs when it is fitted; a stacking fills in its final estimator.
    (GridSearchCV(SVC(), {"probability": [True]}, cv=2), "classification", CV, "neg_log_loss", {}),
    (GridSearchCV(Pipeline([("model", Ridge())]), {"model": [LogisticRegression()]}, cv=2), "classification", CV,
     "accuracy", {}),
    (StackingClassifier([("lr", LogisticRegression())], cv=2), "classification", CV, "neg_log_loss", {}),
    (Ridge(), "regression", ALPHA, "r2", {}),
    (Ridge(), "regression", ALPHA, "adjusted_rand_score", {}),  # a clustering metric only warns about numbers
    (Ridge(), "binary", ALPHA, make_scorer(roc_auc_score), {}),  # a ranking metric of the predicted numbers
    (Ridge(), "regression", ALPHA, lambda estimator, X, y: 0.0, {}),  # a plain function declares nothing
    (LogisticRegression(), "classification", C, "r2", {}),
]


@pytest.mark.parametrize("estimator, task, space, scoring, kwargs", ACCEPTED,
                         ids=[f"{type(e).__name__}-{i}" for i, (e, *_) in enumerate(ACCEPTED)])
def test_a_scorer_that_can_score_the_estimator_in_some_configuration_is_accepted(estimator, task, space, scoring,
                                                                                   kwargs):
    X, y = {"regression": (X_REG, Y_REG), "binary": (X_REG, (Y_REG > 140).astype(float)),
            "classification": (X_CLS, Y_CLS)}[task]
    objective = SklearnCV(estimator, X, y, space, cv=3, scoring=scoring, seed=0, **kwargs)
    params = space.complete({"model": "logistic"} if "model" in space.names else None)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # convergence and clustering warnings are beside the point
        assert np.isfinite(objective(params).value)


def test_a_metric_function_or_several_scorers_are_refused_naming_scoring():
    with pytest.raises(InvalidParameterError, match=re.escape(
            "`scoring` of SklearnCV must be a scorer name from sklearn.metrics.get_scorer_names(), a callable "
            "scorer(estimator, X, y) or None; got <function accuracy_score")) as error:
        SklearnCV(SVC(), X_CLS, Y_CLS, C, scoring=accuracy_score, seed=0)
    assert "Please use `make_scorer` to convert a metric to a scorer." in str(error.value)
    with pytest.raises(InvalidParameterError, match=re.escape(
            "got ['accuracy', 'f1']. One scorer: the objective maximizes one score. To trade several off, use "
            "HPOSearchCV(scoring=[...]).")):
        SklearnCV(SVC(), X_CLS, Y_CLS, C, scoring=["accuracy", "f1"], seed=0)


def test_the_incremental_objective_checks_its_scorer_too():
    space = SearchSpace([Float("alpha", 1e-5, 1e-2, log=True)])
    with pytest.raises(InvalidParameterError, match=re.escape(
            "`scoring` of SklearnIncremental must be a scorer reading a method SGDClassifier has; got "
            "'neg_log_loss'.")):
        SklearnIncremental(SGDClassifier(), X_CLS, Y_CLS, space, scoring="neg_log_loss", seed=0)
    with_loss = SearchSpace([*space, Categorical("loss", ["hinge", "log_loss"])])
    assert SklearnIncremental(SGDClassifier(), X_CLS, Y_CLS, with_loss, scoring="neg_log_loss", seed=0).n_train > 0


# -- a metric that cannot read the targets -------------------------------------------------------
# Before: SklearnCV(SVC(), iris, scoring="f1") was accepted and every trial failed with "Target is
# multiclass but average='binary'".
X_IRIS, Y_IRIS = load_iris(return_X_y=True)
WORDS = np.array(["benign", "malignant"])[Y_CLS]


@pytest.mark.parametrize(("y", "scoring", "message"), [
    (Y_IRIS, "f1", "`scoring` of SklearnCV must be a scorer that reads these targets (3 classes); got 'f1'. 'f1' "
     "fails on them whatever is predicted (Target is multiclass but average='binary'."),
    (Y_IRIS, "precision", "For more than two classes use an averaged one, such as 'f1_macro' or 'f1_weighted'."),
    (Y_IRIS, "roc_auc", "`scoring` of SklearnCV must be a scorer that reads these targets (3 classes); got "
     "'roc_auc'. 'roc_auc' is binary, so every trial would fail; for several classes use 'roc_auc_ovr' or "
     "'roc_auc_ovo'."),
    (WORDS, "f1", "(2 classes); got 'f1'. 'f1' fails on them whatever is predicted (pos_label=1 is not a valid label. "
     "It should be one of ['benign' 'malignant']), so every trial would fail. Name the positive class: "
     "sklearn.metrics.make_scorer(f1_score, pos_label=...)."),
], ids=["f1 of 3 classes", "precision of 3 classes", "roc_auc of 3 classes", "f1 of two words"])
def test_a_metric_that_cannot_read_the_targets_is_refused(y, scoring, message):
    X = X_IRIS if len(y) == len(Y_IRIS) else X_CLS
    with pytest.raises(InvalidParameterError, match=re.escape(message)):
        SklearnCV(SVC(probability=True), X, y, C, scoring=scoring, seed=0)


@pytest.mark.parametrize(("y", "scoring"), [(Y_IRIS, "f1_macro"), (Y_IRIS, "roc_auc_ovr"), (Y_IRIS, "accuracy"),
                                            (Y_CLS, "f1"), (Y_CLS, "roc_auc"),
                                            (WORDS, make_scorer(f1_score, pos_label="malignant"))],
                         ids=["f1_macro", "roc_auc_ovr", "accuracy", "f1 binary", "roc_auc binary", "pos_label named"])
def test_a_metric_that_reads_the_targets_is_accepted(y, scoring):
    X = X_IRIS if len(y) == len(Y_IRIS) else X_CLS
    SklearnCV(SVC(probability=True), X, y, C, scoring=scoring, seed=0)


def test_the_incremental_objective_refuses_a_metric_that_cannot_read_its_targets():
    with pytest.raises(InvalidParameterError, match=re.escape("`scoring` of SklearnIncremental must be a scorer that "
                                                              "reads these targets (3 classes); got 'recall'.")):
        SklearnIncremental(SGDClassifier(), X_IRIS, Y_IRIS, SearchSpace([Float("alpha", 1e-4, 1e-2, log=True)]),
                           scoring="recall", seed=0)
