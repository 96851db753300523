"""The registry: optimizers by name, added and taken out again."""

from __future__ import annotations

import pytest

from interactive_hpo import (
    Float,
    InvalidParameterError,
    SearchSpace,
    available_optimizers,
    make_optimizer,
    register_optimizer,
    unregister_optimizer,
)
from interactive_hpo.optimizers.registry import check_settings
from interactive_hpo.optimizers.simple import RandomSearch


class Mine(RandomSearch):
    name = "mine"


def test_a_plug_in_is_registered_and_taken_out_again():
    register_optimizer(Mine)
    try:
        assert "mine" in available_optimizers()
        assert isinstance(make_optimizer("mine", SearchSpace([Float("x", 0, 1)]), seed=0), Mine)
    finally:
        unregister_optimizer("mine")
    assert "mine" not in available_optimizers()
    with pytest.raises(InvalidParameterError, match=r"`name` of unregister_optimizer must be one of \["):
        unregister_optimizer("mine")


def test_callers_name_the_arguments_their_users_typed():
    space = SearchSpace([Float("x", 0, 1)])
    with pytest.raises(InvalidParameterError, match=r"^`optimizer` of Study must be one of \[.*\]; got 'rando'\.$"):
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
