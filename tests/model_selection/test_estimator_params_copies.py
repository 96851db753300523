"""An estimator that ``estimator_params`` returns from a dict of the user's is copied before it is
set and fitted, as scikit-learn's searches copy a grid's values (a456: it was set and fitted in
place, so two searches shared one model, and the first one's ``best_estimator_`` became the
second's, refit on its data)."""

from __future__ import annotations

import pytest

pytest.importorskip("sklearn")

from sklearn.datasets import load_breast_cancer  # noqa: E402
from sklearn.linear_model import LogisticRegression  # noqa: E402
from sklearn.pipeline import Pipeline  # noqa: E402
from sklearn.preprocessing import StandardScaler  # noqa: E402
from sklearn.svm import SVC  # noqa: E402

from interactive_hpo import Categorical, Float, SearchSpace  # noqa: E402
from interactive_hpo.model_selection import HPOSearchCV  # noqa: E402
from interactive_hpo.objectives import SklearnCV  # noqa: E402


def test_the_models_of_a_users_dict_are_copied_not_fitted_in_place():
    X, y = load_breast_cancer(return_X_y=True)
    X, y = X[:200], y[:200]
    models = {"lr": LogisticRegression(max_iter=500), "svc": SVC()}
    space = SearchSpace([Categorical("model", ["lr", "svc"]), Float("C", 1e-2, 1e2, log=True)])

    def settings(params):
        return {"clf": models[params["model"]], "clf__C": params["C"]}

    pipe = Pipeline([("sc", StandardScaler()), ("clf", LogisticRegression())])
    first = HPOSearchCV(pipe, space, optimizer="random", n_trials=4, cv=3, seed=0, estimator_params=settings).fit(X, y)
    model = first.best_estimator_.named_steps["clf"]
    second = HPOSearchCV(pipe, space, optimizer="random", n_trials=4, cv=3, seed=1, estimator_params=settings)
    second.fit(X[50:], y[50:])
    assert model.C == first.best_params_["C"]            # the second search left the first one's model alone
    assert all(m is not model for m in models.values())
    assert models["lr"].C == 1.0 and models["svc"].C == 1.0 and not hasattr(models["svc"], "support_")
    task = SklearnCV(pipe, X, y, space=space, cv=3, estimator_params=settings, seed=0)
    task({"model": "svc", "C": 5.0})
    assert models["svc"].C == 1.0 and not hasattr(models["svc"], "support_")
