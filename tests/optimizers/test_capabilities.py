"""Capabilities are declared by inheriting a small ABC and checked with isinstance, never probed."""

from __future__ import annotations

import pytest

from interactive_hpo import Float, InvalidParameterError, SearchSpace, Study, available_optimizers
from interactive_hpo.optimizers.capabilities import (
    LearnsFromForeignTrials,
    ModelBased,
    ModelPerObjective,
    NeedsReportedGradients,
    PopulationMethod,
    ReissuesWaitingStep,
    Scheduler,
    WarmStartable,
)
from interactive_hpo.optimizers.registry import optimizer_class
from interactive_hpo.optimizers.simple import RandomSearch

SPACE = SearchSpace([Float("x", 0.0, 1.0)])
# ParEGO and EHVI inherit BO's warm starts: a study gives sources only when it has one objective.
# Every model-based and population method learns from trials it did not propose (the contract checks it).
LEARNS = LearnsFromForeignTrials
DECLARED = {"bo": {ModelBased, WarmStartable, LEARNS}, "parego": {ModelBased, WarmStartable, LEARNS},
            "ehvi": {ModelBased, ModelPerObjective, WarmStartable, LEARNS}, "halving": {Scheduler},
            "hyperband": {Scheduler}, "asha": {Scheduler}, "ga": {PopulationMethod, WarmStartable, LEARNS},
            "de": {PopulationMethod, WarmStartable, LEARNS}, "cmaes": {PopulationMethod, WarmStartable, LEARNS},
            "nsga2": {PopulationMethod, LEARNS}, "hypergradient": {ReissuesWaitingStep, NeedsReportedGradients}}


@pytest.mark.parametrize("name", available_optimizers())
def test_each_registered_optimizer_declares_what_it_can_do(name):
    cls = optimizer_class(name)
    declared = {kind for kind in (ModelBased, ModelPerObjective, Scheduler, PopulationMethod, WarmStartable, LEARNS,
                                  ReissuesWaitingStep, NeedsReportedGradients)
                if issubclass(cls, kind)}
    assert declared == DECLARED.get(name, set())


class LooksLikeAScheduler(RandomSearch):
    """Has the methods of a scheduler but does not declare it: nobody may treat it as one."""

    name = "looks_like_a_scheduler"
    max_budget = 1.0

    def rung_table(self):
        raise AssertionError("probed by name")

    def override(self, trial, action):
        raise AssertionError("probed by name")


def test_methods_with_a_capability_s_names_do_not_make_the_capability():
    study = Study(SPACE, LooksLikeAScheduler(SPACE, seed=0))
    study.tell(study.ask(), 1.0)
    with pytest.raises(InvalidParameterError, match="does not promote or stop finished trials"):
        study.stop(0)


def test_a_plug_in_declares_a_capability_by_registering():
    class Registered(LooksLikeAScheduler):
        name = "registered_scheduler"

    Scheduler.register(Registered)
    assert isinstance(Registered(SPACE, seed=0), Scheduler)
    assert not isinstance(LooksLikeAScheduler(SPACE, seed=0), Scheduler)
