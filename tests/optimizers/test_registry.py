"""The registry: optimizers by name, added and taken out again."""

from __future__ import annotations

import re

import pytest

from interactive_hpo import (
    Float,
    InvalidParameterError,
    SearchSpace,
    StorageError,
    Study,
    available_optimizers,
    make_optimizer,
    register_optimizer,
    unregister_optimizer,
)
from interactive_hpo.optimizers.registry import check_settings, optimizer_class
from interactive_hpo.optimizers.simple import RandomSearch


class Mine(RandomSearch):
    name = "mine"


class KeepsRandom(RandomSearch):
    """Keeps RandomSearch's name: a journal naming it rebuilds RandomSearch."""


MineAlias = Mine  # a package re-exporting its class: another path to the same class


def test_a_plug_in_is_registered_and_taken_out_again():
    register_optimizer(Mine)
    try:
        assert "mine" in available_optimizers()
        assert isinstance(make_optimizer("mine", SearchSpace([Float("x", 0, 1)]), seed=0), Mine)
    finally:
        unregister_optimizer("mine")
    assert "mine" not in available_optimizers()
    with pytest.raises(InvalidParameterError, match=r"`name` of unregister_optimizer must be the name of a "
                                                    r"registered plug-in, one of \[\]; got 'mine'\.$"):
        unregister_optimizer("mine")
    with pytest.raises(InvalidParameterError, match=r"got 'bo'\. Built-in optimizers stay registered\."):
        unregister_optimizer("bo")  # it took Bayesian optimization out of this process
    assert "bo" in available_optimizers()


def test_callers_name_the_arguments_their_users_typed():
    space = SearchSpace([Float("x", 0, 1)])
    with pytest.raises(InvalidParameterError, match=r"^`optimizer` of Study must be one of \[.*\]; got 'rando'\. "
                                                    r"Did you mean 'random'\?$"):
        check_settings("rando", {}, argument="optimizer", owner="Study")
    with pytest.raises(InvalidParameterError, match=r"^`optimizer_settings` of Study must be keywords among "
                                                    r"\['scramble', 'seed'\]; got 'resolution'\. 'resolution' is not"):
        check_settings("sobol", {"resolution": 3}, settings_argument="optimizer_settings", owner="Study")
    with pytest.raises(InvalidParameterError, match=r"^`name` of make_optimizer must be one of .*; got \['sobol'\]"):
        make_optimizer(["sobol"], space)  # an unhashable name is refused too, not a TypeError


def test_the_optimizers_serving_several_leave_out_those_whose_extra_is_missing(monkeypatch):
    # Without torch, Study(space, "cmaes", directions=[...]) raised torch's install hint while
    # listing the alternatives, instead of saying the optimizer serves one objective.
    from interactive_hpo import Float, InvalidParameterError, SearchSpace, Study
    from interactive_hpo.exceptions import MissingDependencyError
    from interactive_hpo.optimizers import registry

    found = registry.optimizer_class

    def without_torch(name, **kwargs):
        if name in ("bo", "ehvi", "parego"):
            raise MissingDependencyError("torch is not installed")
        return found(name, **kwargs)

    monkeypatch.setattr(registry, "optimizer_class", without_torch)
    serving = registry.optimizers_serving_several()
    assert "nsga2" in serving and "random" in serving and "ehvi" not in serving
    with pytest.raises(InvalidParameterError, match="an optimizer that serves several objectives"):
        Study(SearchSpace([Float("x", 0, 1)]), "cmaes", directions=["minimize", "maximize"])


class Impostor(RandomSearch):
    name = "bo"


def test_a_name_taken_by_another_optimizer_is_refused_and_the_same_one_again_is_not():
    # register_optimizer(Impostor) replaced Bayesian optimization silently, for every journal naming "bo".
    with pytest.raises(InvalidParameterError, match=re.escape(
            "`name` of register_optimizer must be a name no other optimizer is registered under; got 'bo'. 'bo' is "
            "taken by interactive_hpo.optimizers.bayes:GaussianProcessBO, a built-in optimizer: give yours another "
            "name.")):
        register_optimizer(Impostor)
    with pytest.raises(InvalidParameterError, match="a built-in optimizer"):
        register_optimizer("tests.optimizers.test_registry:Impostor", name="random")
    assert make_optimizer("random", SearchSpace([Float("x", 0, 1)]), seed=0).__class__ is RandomSearch
    register_optimizer(Mine)
    try:
        register_optimizer(Mine)  # a notebook cell run again
        register_optimizer(type("Mine", (RandomSearch,), {"name": "mine", "__module__": Mine.__module__,
                                                          "__qualname__": "Mine"}))  # ... that defines it again
        with pytest.raises(InvalidParameterError, match=re.escape(
                "got 'mine'. 'mine' is taken by tests.optimizers.test_registry:Mine, call "
                "unregister_optimizer('mine') first to put another optimizer under that name.")):
            register_optimizer(Impostor, name="mine")
        # Under another name, a journal recording "mine" resumed with whatever "mine" was then; by
        # import path it was registered so.
        for typed in (Mine, "tests.optimizers.test_registry:Mine"):
            with pytest.raises(InvalidParameterError, match=re.escape(
                    "`name` of register_optimizer must be None or the class's own `name`, 'mine' (what a journal "
                    "records); got 'shifted'. Set the class attribute `name` to register it under another name.")):
                register_optimizer(typed, name="shifted")
        assert "shifted" not in available_optimizers()
    finally:
        unregister_optimizer("mine")
    register_optimizer("tests.optimizers.test_registry:Mine")  # under its own name, as a class is
    try:
        assert optimizer_class("mine") is Mine
        register_optimizer("tests.optimizers.test_registry:Mine", name="mine")  # once used, as before it
    finally:
        unregister_optimizer("mine")


def test_one_class_by_two_paths_is_one_registration():
    # A re-export's path and the class were "taken by" each other; the built-in class itself was refused.
    register_optimizer("tests.optimizers.test_registry:MineAlias")
    try:
        register_optimizer(Mine)
        register_optimizer("tests.optimizers.test_registry:Mine")
        assert optimizer_class("mine") is Mine
    finally:
        unregister_optimizer("mine")
    before = available_optimizers()
    register_optimizer(optimizer_class("bo"))
    assert available_optimizers() == before and optimizer_class("bo").__name__ == "GaussianProcessBO"


@pytest.mark.parametrize(("path", "error"), [
    ("tests.optimizers.no_such_module:Mine", "ModuleNotFoundError: No module named 'tests.optimizers.no_such_module'."),
    ("tests.optimizers.test_registry:Yours", "AttributeError: module 'tests.optimizers.test_registry' has no "
                                             "attribute 'Yours'."),
    ("tests.optimizers.test_registry.Mine", "ValueError: it is not of the form 'module:Class'."),
])
def test_an_import_path_that_does_not_import_is_refused_where_it_was_typed(path, error):
    # It was registered, and failed at the first study using it, far from the typo.
    with pytest.raises(InvalidParameterError, match=re.escape(
            f"`cls_or_path` of register_optimizer must be an import path 'module:Class' that imports; got {path!r}. "
            f"{error}")):
        register_optimizer(path, name="mine")
    assert "mine" not in available_optimizers()


def test_a_journal_of_an_optimizer_not_registered_here_says_so_not_that_it_is_corrupted(tmp_path):
    path = tmp_path / "s.jsonl"
    register_optimizer(Mine)
    try:
        Study(SearchSpace([Float("x", 0, 1)]), "mine", seed=0, storage=path).run(lambda p: p["x"], 2)
    finally:
        unregister_optimizer("mine")
    before = path.read_bytes()
    with pytest.raises(StorageError, match=re.escape(f"{path}, line 1: `optimizer` of the journal's header must be "
                                                     "the name of an optimizer registered in this process (['asha',"
                                                     )) as caught:
        Study.load(path)
    assert str(caught.value).endswith("got 'mine'. Import the module that registers it (its register_optimizer call) "
                                      "first, or, if the name was edited by hand, restore it; nothing was written to "
                                      "the journal.")
    assert "corrupted" not in str(caught.value) and path.read_bytes() == before
    register_optimizer(Mine)
    try:
        assert len(Study.load(path).trials) == 2
    finally:
        unregister_optimizer("mine")


def test_forks_and_saves_check_the_class_in_charge_at_each_step(tmp_path):
    """A fork builds the optimizer in charge at its step by name: a class a journal would not
    rebuild is refused there (a subclass keeping "random" became RandomSearch silently), and one
    that would is not (the class in charge now was checked instead)."""
    from interactive_hpo import Study
    from interactive_hpo.study.branching import fork_study

    space = SearchSpace([Float("x", 0, 1)])
    keeps = Study(space, KeepsRandom(space, seed=0), seed=0)
    keeps.run(lambda p: p["x"], n_trials=3)
    keeps.switch_optimizer("sobol")
    keeps.run(lambda p: p["x"], n_trials=2)
    with pytest.raises(InvalidParameterError, match="in charge at step 2 is not registered under its name"):
        fork_study(keeps, 2)
    with pytest.raises(InvalidParameterError, match="'random' is not KeepsRandom here"):
        keeps.save(tmp_path / "s.jsonl")                             # a fork of the saved journal would
    assert type(fork_study(keeps, 4).study.optimizer).__name__ == "SobolSearch"

    later = Study(space, "random", seed=0)
    later.run(lambda p: p["x"], n_trials=3)
    later.switch_optimizer(KeepsRandom(space, seed=1))
    assert type(fork_study(later, 2).study.optimizer) is RandomSearch  # RandomSearch was in charge then


def test_classes_a_factory_makes_are_told_apart():
    """Two calls of one factory make two classes under one "module:Class": registering one does
    not make a journal of the other rebuild it."""
    from interactive_hpo.optimizers.registry import rebuilt_by_name

    def make():
        class Made(RandomSearch):
            name = "made"
        return Made

    first, second = make(), make()
    register_optimizer(first)
    try:
        assert rebuilt_by_name(first) and not rebuilt_by_name(second)
        with pytest.raises(InvalidParameterError, match="taken by"):
            register_optimizer(second)
    finally:
        unregister_optimizer("made")


def test_which_optimizers_schedule_budgets_is_known_without_importing_the_built_in_ones():
    # The Lab asks it of every optimizer; importing each to ask imported torch for a Lab over CMA-ES.
    from interactive_hpo.optimizers.capabilities import Scheduler
    from interactive_hpo.optimizers.registry import schedules_budgets

    for name in available_optimizers():
        assert schedules_budgets(name) == issubclass(optimizer_class(name), Scheduler), name
    register_optimizer(Mine)
    try:
        assert not schedules_budgets("mine")
    finally:
        unregister_optimizer("mine")
    with pytest.raises(InvalidParameterError, match="`name` of schedules_budgets must be one of"):
        schedules_budgets("baysian")


def test_seed_is_no_setting_where_the_seed_is_an_argument_of_its_own():
    # from_optuna and IHPOSampler take seed=: their message listed 'seed' among the settings, then refused it.
    with pytest.raises(InvalidParameterError, match=r"keywords among \['scramble'\]; got 'n'"):
        check_settings("sobol", {"n": 3}, settings_argument="optimizer_settings", owner="from_optuna", seed_apart=True)
    with pytest.raises(InvalidParameterError, match=r"settings without 'seed'.*pass seed=3 instead"):
        check_settings("sobol", {"seed": 3}, settings_argument="optimizer_settings", owner="from_optuna",
                       seed_apart=True)
