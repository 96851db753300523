"""A GA child bred from a trial the GA did not breed (a manual one) names it as a parent.

Its trial recorded only the other parent, or none ([]: drawn as a root of the lineage), and no
``parents_from_trials``, though DE's children of such a trial record it (audit a439, e7.py).
"""

from __future__ import annotations

import pytest

from interactive_hpo import Float, SearchSpace, Study
from interactive_hpo.study import curves

SPACE = SearchSpace([Float("x", 0, 1), Float("y", 0, 1)])
OPTIMUM = {"x": 0.87, "y": 0.13}


def sphere(params):
    return (params["x"] - 0.87) ** 2 + (params["y"] - 0.13) ** 2


def with_manual(path=None, seed=1):
    """16 GA trials (generation 0), the optimum added by hand (trial 16), 15 more (generation 1)."""
    study = Study(SPACE, "ga", seed=seed, storage=path)
    study.run(sphere, n_trials=16, progress=False)
    study.add_manual(OPTIMUM, 0.0)
    study.run(sphere, n_trials=15, progress=False)
    return study


@pytest.fixture(scope="module")
def study():
    return with_manual()


# What commit d1bb3b4 proposed after the manual trial (seed 1): recording the parent changes no proposal.
BEFORE = [(0.707868, 0.267423), (0.936383, 0.13), (0.87, 0.156464), (0.863423, 0.103186), (0.661974, 0.304236),
          (0.716814, 0.270149), (0.87, 0.113233), (0.538638, 0.111423), (0.869157, 0.13), (0.72457, 0.05602),
          (0.87, 0.218503), (0.87, 0.160396), (0.649265, 0.344611), (0.681202, 0.18063), (0.758233, 0.332534)]


def test_the_ga_proposes_what_it_did(study):
    assert [(round(t.params["x"], 6), round(t.params["y"], 6)) for t in study.trials[17:]] == BEFORE


def test_children_of_a_manual_trial_name_it_and_the_lineage_adopts_it(study):
    # The manual trial, the best, is generation 1's elite: an individual built from trial 16.
    adopted = curves.lineage(study).adopted
    assert list(adopted.values()) == [16]
    (ident,) = adopted
    # Every child holding one of its exact coordinates (trials 18, 19, 23, 25, 27, 28) names it;
    # 19, 23 and 28 had no parent recorded at all (roots of the tree).
    holding = [t for t in study.trials[17:] if t.params["x"] == 0.87 or t.params["y"] == 0.13]
    assert [t.number for t in holding] == [18, 19, 23, 25, 27, 28]
    for trial in holding:
        assert ident in trial.user_attrs["parents"]
        assert trial.user_attrs["parents_from_trials"] == [[ident, 16]]
    assert [study.trials[n].user_attrs["parents"] for n in (19, 23, 28)] == [[ident]] * 3
    tree = curves.lineage(study)
    assert {p for parents in tree.parents for p in parents} <= set(tree.ids.tolist())


def test_a_manual_trial_not_an_elite_is_adopted_by_its_children():
    # Worse than generation 0's best, it is no elite: the child that took it as a parent (trial 8,
    # seed 2) names a new individual, which the lineage says was built from trial 6.
    study = Study(SPACE, "ga", seed=2, optimizer_settings={"population_size": 6})
    study.run(sphere, n_trials=6, progress=False)
    study.add_manual({"x": 0.2, "y": 0.9}, 0.5)
    study.run(sphere, n_trials=5, progress=False)
    tree = curves.lineage(study)
    (ident, number), = tree.adopted.items()
    assert number == 6 and ident not in [t.user_attrs.get("id") for t in study.trials]
    assert [t.number for t in study.trials if ident in t.user_attrs.get("parents", [])] == [8]
    assert study.trials[8].user_attrs["parents_from_trials"] == [[ident, 6]]


def test_a_journal_with_a_manual_trial_replays_the_same_lineage_and_next_trials(tmp_path):
    study = with_manual(tmp_path / "study.jsonl")
    study.save(tmp_path / "copy.jsonl")  # a copy: two studies open on one journal would share it
    resumed = Study.load(tmp_path / "copy.jsonl")
    before, after = curves.lineage(study), curves.lineage(resumed)
    assert after.ids.tolist() == before.ids.tolist() and after.parents == before.parents
    assert after.adopted == before.adopted == {16: 16}
    for _ in range(8):  # generation 2, bred from the manual trial's children and its elite
        asked, again = resumed.ask(), study.ask()
        assert (asked.params, asked.user_attrs) == (again.params, again.user_attrs)
        resumed.tell(asked, sphere(asked.params))
        study.tell(again, sphere(again.params))
