"""Arguments of HPOSearchCV and nested_cv that scikit-learn's searches take, and one they must
not: a seed among the optimizer's settings (auditor a307, m3 m9 m14)."""

from __future__ import annotations

import re

import pytest

pytest.importorskip("sklearn")

from sklearn.datasets import load_iris  # noqa: E402
from sklearn.svm import SVC  # noqa: E402

from interactive_hpo import Categorical, Float, InvalidParameterError, SearchSpace  # noqa: E402
from interactive_hpo.model_selection import HPOSearchCV, nested_cv  # noqa: E402

X, Y = load_iris(return_X_y=True)
SPACE = SearchSpace([Float("C", 1e-2, 1e2, log=True)])


@pytest.mark.parametrize("call, owner", [
    (lambda: HPOSearchCV(SVC(), SPACE, optimizer="random", optimizer_settings={"seed": 1}, n_trials=1).fit(X, Y),
     "HPOSearchCV"),
    (lambda: nested_cv(SVC(), SPACE, X=X, y=Y, optimizer="random", optimizer_settings={"seed": 1}, n_trials=1),
     "nested_cv"),
])
def test_a_seed_among_the_optimizer_settings_is_refused_naming_both_arguments(call, owner, no_trials):
    # It overrode seed= for the optimizer alone, unseen: two settings seeds, two searches at seed=0 (m9).
    with pytest.raises(InvalidParameterError, match=re.escape(
            f"`optimizer_settings` of {owner} must be settings without 'seed' (the seed is an argument of its own, "
            f"`seed`); got {{'seed': 1}}. It would override `seed` of {owner} for the optimizer alone: pass seed=1")):
        call()


def test_tuple_choices_are_refused_with_a_recipe_that_works():
    # "(1, 1) cannot be stored in a JSON journal", and no way out said (a307 m11).
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline

    name = "tfidfvectorizer__ngram_range"
    with pytest.raises(InvalidParameterError, match="cannot be stored in a JSON journal. Name each choice by a str") \
            as refused:
        Categorical(name, [(1, 1), (1, 2)])
    recipe = re.search(r"choices = (\{.*?\}); (Categorical\(.*?\)) and, .*?estimator_params=(lambda p: .*)\.$",
                       str(refused.value))
    recipe_names = {"choices": eval(recipe.group(1)), "Categorical": Categorical}  # its own words, run as given
    space = SearchSpace([Float("logisticregression__C", 1e-2, 1e2, log=True), eval(recipe.group(2), recipe_names)])
    docs, labels = ["good movie", "bad movie", "great film", "awful film", "good film", "bad acting"] * 5, [1, 0] * 15
    search = HPOSearchCV(make_pipeline(TfidfVectorizer(), LogisticRegression()), space, optimizer="random", n_trials=2,
                         cv=3, seed=0, estimator_params=eval(recipe.group(3), recipe_names)).fit(docs, labels)
    assert search.best_estimator_.get_params()[name] == {"1,1": (1, 1), "1,2": (1, 2)}[search.best_params_[name]]
