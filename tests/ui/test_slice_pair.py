"""Which pair a model slice shows in a conditional space, and which sliders it moves (no widgets).

The model panel offered only the parameters active at its sliders: with a linear kernel there
and the kernel on an axis (its selector hidden), nothing led to gamma (notebook 01).
"""

from __future__ import annotations

import pytest

from interactive_hpo import Categorical, Float, Int, SearchSpace
from interactive_hpo.ui.slice_pair import settle_pair

SVM = SearchSpace([Float("C", 1e-3, 1e3, log=True),
                   Float("gamma", 1e-4, 10.0, log=True, condition=("kernel", ["rbf", "poly"])),
                   Int("degree", 2, 5, condition=("kernel", "poly")),
                   Categorical("kernel", ["rbf", "poly", "linear"])])
LINEAR = {"C": 1.0, "gamma": 0.1, "degree": 3, "kernel": "linear"}


def test_a_parameter_picked_for_an_axis_moves_its_parent_to_a_value_that_activates_it():
    choice = settle_pair(SVM, LINEAR, ("C", "gamma"), picked="gamma")
    assert choice.pair == ("C", "gamma") and choice.moves == {"kernel": "rbf"} and choice.left == ()
    assert choice.words(SVM) == "gamma applies only when kernel is 'rbf' or 'poly': the slice takes kernel = 'rbf'."
    # Two children of one parent: the value that activates both (poly), whichever was picked.
    assert settle_pair(SVM, LINEAR, ("degree", "gamma"), picked="gamma").moves == {"kernel": "poly"}
    assert settle_pair(SVM, {**LINEAR, "kernel": "rbf"}, ("gamma", "degree")).moves == {"kernel": "poly"}


def test_nothing_moves_where_the_pair_is_active_already():
    choice = settle_pair(SVM, {**LINEAR, "kernel": "poly"}, ("gamma", "C"), picked="gamma")
    assert (choice.pair, choice.moves, choice.left, choice.words(SVM)) == (("gamma", "C"), {}, (), "")


def test_a_parent_on_the_other_axis_takes_an_activating_value_and_the_words_say_the_map_is_flat_elsewhere():
    choice = settle_pair(SVM, LINEAR, ("kernel", "gamma"), picked="gamma")
    assert choice.pair == ("kernel", "gamma") and choice.moves == {"kernel": "rbf"}
    assert choice.words(SVM) == ("gamma applies only when kernel is 'rbf' or 'poly': elsewhere the map does not "
                                 "change along it.")
    SVM.slice2d(*choice.pair, at={**LINEAR, **choice.moves})  # refused at the linear kernel: drawable now


def test_a_slider_the_user_moved_is_kept_and_what_it_deactivates_leaves_the_axes():
    choice = settle_pair(SVM, LINEAR, ("gamma", "C"), honour_sliders=True)
    # gamma's place goes to the first parameter active there and not on an axis: the kernel.
    assert choice.pair == ("kernel", "C") and choice.moves == {} and choice.left == ("gamma",)
    assert choice.words(SVM) == "gamma left the axes: it applies only when kernel is 'rbf' or 'poly'."
    both = settle_pair(SVM, LINEAR, ("degree", "gamma"), honour_sliders=True)
    assert both.pair == ("C", "kernel") and both.left == ("degree", "gamma") and both.moves == {}


def test_of_two_that_cannot_be_active_together_the_one_just_picked_stays():
    space = SearchSpace([Categorical("solver", ["sgd", "adam"]), Float("lr", 1e-4, 1.0, log=True),
                         Float("momentum", 0.0, 1.0, condition=("solver", "sgd")),
                         Float("beta", 0.5, 1.0, condition=("solver", "adam"))])
    at = {"solver": "sgd", "lr": 0.01, "momentum": 0.9, "beta": 0.9}
    choice = settle_pair(space, at, ("momentum", "beta"), picked="beta")
    # momentum needs sgd, beta adam: momentum leaves, for the first parameter active there (solver).
    assert choice.pair == ("solver", "beta") and choice.moves == {"solver": "adam"} and choice.left == ("momentum",)
    assert choice.words(space) == ("beta applies only when solver is 'adam': elsewhere the map does not change "
                                   "along it. momentum left the axes: it applies only when solver is 'sgd'.")


@pytest.mark.parametrize(("pair", "moves"), [
    (("lr", "width2"), {"layers": 2}),                     # an Int parent: the first value listed
    (("lr", "dropout2"), {"layers": 2, "regularize": True}),  # a chain: the grandparent moves too
])
def test_every_ancestor_up_the_chain_moves(pair, moves):
    space = SearchSpace([Int("layers", 1, 3), Float("lr", 1e-4, 1.0, log=True),
                         Int("width2", 8, 64, condition=("layers", [2, 3])),
                         Categorical("regularize", [False, True], condition=("layers", [2, 3])),
                         Float("dropout2", 0.0, 0.5, condition=("regularize", True))])
    at = {"layers": 1, "lr": 0.01, "width2": 16, "regularize": False, "dropout2": 0.1}
    choice = settle_pair(space, at, pair, picked=pair[1])
    assert choice.pair == pair and choice.moves == moves
    assert set(pair) <= set(space.complete({**at, **choice.moves}))
