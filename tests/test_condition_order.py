"""A condition's values are held in the parent's order, so conditions that mean the same are one
(a journal written with the values in another order resumes), and a value that misspells one of
the parent's choices is refused with the choice it likely meant (audit a428 #3, #4)."""

from __future__ import annotations

import json

import pytest

from interactive_hpo import Categorical, Float, Int, SearchSpace, Study
from interactive_hpo.exceptions import InvalidParameterError


def models(trees, layers=(1, 3)):
    return SearchSpace([
        Categorical("model", ["svm", "forest", "boosting"]),
        Float("C", 1e-3, 1e3, log=True, condition=("model", "svm")),
        Int("depth", 1, 12, condition=("model", list(trees))),
        Int("layers", 1, 3),
        Float("width", 0.0, 1.0, condition=("layers", list(layers))),
    ])


def objective(p):
    return p.get("C", 1.0) + p.get("depth", 0) + p.get("width", 0.0)


def test_a_condition_s_values_are_held_in_the_parent_s_order():
    # Before: ["boosting", "forest"] and ["forest", "boosting"] made two spaces that compared unequal.
    space = models(["boosting", "forest"], layers=(3, 1, 3.0))
    assert space == models(["forest", "boosting"]) and hash(space) == hash(models(["forest", "boosting"]))
    assert space["depth"].condition.values == ("forest", "boosting")
    assert space["width"].condition.values == (1, 3)
    assert space.to_dict() == models(["forest", "boosting"]).to_dict()


@pytest.mark.parametrize("given", [["boosting", "forest"], ["forest", "boosting"]])
def test_a_journal_written_with_the_values_in_another_order_resumes(tmp_path, given):
    # Written as the code before this fix wrote it: the values in the order typed.
    path = tmp_path / "study.jsonl"
    study = Study(models(["forest", "boosting"]), "random", seed=0, storage=path)
    study.run(objective, n_trials=3, progress=False)
    lines = path.read_text().splitlines()
    header = json.loads(lines[0])
    written = {p["name"]: p for p in header["space"]["params"]}
    assert written["depth"]["condition"] == ["model", ["forest", "boosting"]]
    written["depth"]["condition"] = ["model", ["boosting", "forest"]]
    written["width"]["condition"] = ["layers", [3, 1]]
    path.write_text("\n".join([json.dumps(header), *lines[1:]]) + "\n")
    assert Study.load(path).space == models(["forest", "boosting"])
    resumed = Study(models(given), "random", seed=0, storage=path)
    assert [t.params for t in resumed.trials] == [t.params for t in study.trials]


@pytest.mark.parametrize("values, message", [
    ("SVM", "'SVM' (did you mean 'svm'?) is not one of them."),
    (["forest", "Boostng"], "'Boostng' (did you mean 'boosting'?) is not one of them."),
    # Not a slip of the keyboard: what to do about it, as before.
    (["svm", "mlp"], "'mlp' is not one of them: drop it from the condition of 'C'."),
    ("mlp", "'mlp' is not one of them, and the condition names no other value: 'C' could never be active. "
            "Remove 'C', or its condition."),
])
def test_a_near_miss_of_a_choice_is_refused_with_the_choice_it_meant(values, message):
    # Before: "'SVM' is not one of them, and the condition names no other value: 'C' could never
    # be active. Remove 'C', or its condition."
    with pytest.raises(InvalidParameterError) as raised:
        SearchSpace([Categorical("model", ["svm", "forest", "boosting"]),
                     Float("C", 1e-3, 1e3, log=True, condition=("model", values))])
    given = tuple([values] if isinstance(values, str) else values)
    assert str(raised.value).endswith(f"can take; got ('model', {given!r}). {message}")


def test_a_near_miss_beside_a_value_to_drop_is_told_both():
    """'RBF' beside 'poly' of ['linear', 'rbf'] was told to remove the child, as if no value were
    meant (r437)."""
    with pytest.raises(InvalidParameterError) as error:
        SearchSpace([Categorical("k", ["linear", "rbf"]), Float("C", 1, 2, condition=("k", ["RBF", "poly"]))])
    assert str(error.value).endswith("'RBF' (did you mean 'rbf'?), 'poly' are not among them: drop 'poly' from the "
                                     "condition of 'C'.")
