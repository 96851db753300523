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
