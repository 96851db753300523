"""The rules of the optimizer contract for what an optimizer declares beyond ask and tell (its
capabilities, :mod:`~interactive_hpo.optimizers.capabilities`): an optimizer that does not
declare one passes its rule without a run. The rules every optimizer keeps are in
:mod:`~interactive_hpo.testing.rules`; each is a ``check_<rule>(make, ...)`` function as there.
"""

from __future__ import annotations

import itertools
import tempfile
from pathlib import Path
from typing import Any

import numpy as np

from .. import Evaluation, Optimizer, Study, Trial, TrialState
from ..optimizers.capabilities import (
    LearnsFromForeignTrials,
    MultiObjective,
    PopulationMethod,
    ReissuesWaitingStep,
    WarmStartable,
)
from ._support import (
    MIXED,
    N_TRIALS,
    Broken,
    Factory,
    Watch,
    bowl,
    build,
    problem_of,
    registered,
    rule,
    same_next_ask,
    watched_study,
)

__all__ = ["check_several_objectives_with_constraints", "check_warm_starts_are_used_and_replayed",
           "check_foreign_losses_change_the_asks", "check_a_waiting_step_may_be_evaluated_twice"]


@rule
def check_several_objectives_with_constraints(make: Factory, *, n_trials: int = N_TRIALS) -> None:
    """An optimizer that declares :class:`~interactive_hpo.optimizers.capabilities.MultiObjective`
    serves a study of two objectives with a constraint: the same seed gives the same trials (a
    manual trial with its two values and its constraint, and a failed one, among them), and the
    study loaded back from its journal proposes what the original proposes next. An optimizer
    for one objective passes without a run."""
    if not isinstance(build(make, MIXED, 7), MultiObjective):
        return

    def two_bowls() -> Any:
        calls = [0]

        def objective(params: dict[str, Any], budget: float | None = None) -> Evaluation:
            calls[0] += 1
            if calls[0] == 2:
                raise RuntimeError("diverged")
            x = MIXED.to_unit(params)
            # Two bowls apart (a front between them); the constraint cuts off one end of it.
            return Evaluation((float(np.sum((x - 0.3) ** 2)), float(np.sum((x - 0.7) ** 2))),
                              constraints=[float(x[0] - 0.6)])

        return objective

    def drive(study: Study) -> list[tuple[Any, ...]]:
        objective = two_bowls()
        study.run(objective, n_trials=n_trials // 2)
        study.add_manual(MIXED.sample(1, rng=1)[0], (0.5, 0.5), constraints=[-0.1])
        study.run(objective, n_trials=n_trials - n_trials // 2 - 1)
        return [(t.params, t.state, t.values, t.constraints, t.source) for t in study.trials]

    directions = ["minimize", "minimize"]
    optimizer = build(make, MIXED, 7)
    with registered(optimizer), tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "study.jsonl"
        study = Study(MIXED, optimizer, directions=directions, seed=0, storage=path)
        watch = Watch(study)
        rows = drive(study)
        watch.verify()
        if drive(Study(MIXED, build(make, MIXED, 7), directions=directions, seed=0)) != rows:
            raise Broken("two studies of two objectives with optimizers of the same seed ran different trials")
        loaded = Study.load(path)
        if [(t.params, t.state, t.values, t.constraints, t.source) for t in loaded.trials] != rows:
            raise Broken("the study of two objectives loaded from its journal has other trials than the one that "
                         "wrote it")
        same_next_ask(loaded.optimizer, study.optimizer,
                      "the optimizer of the study of two objectives loaded from its journal")


@rule
def check_warm_starts_are_used_and_replayed(make: Factory, *, n_trials: int = N_TRIALS) -> None:
    """An optimizer that declares :class:`~interactive_hpo.optimizers.capabilities.WarmStartable`
    serves a study warm-started from a related one: the same seed and sources give the same
    trials (a failed one among them), other trials than a cold study's (the sources are used),
    and the study loaded back from its journal proposes what the original proposes next. An
    optimizer that does not use sources passes without a run."""
    if not isinstance(build(make, MIXED, 7), WarmStartable):
        return
    loss = bowl(MIXED)
    related = Study(MIXED, "random", seed=5)
    related.run(lambda params: 2.0 * loss(params) + 1.0, n_trials=12)  # the same landscape, other units

    def drive(study: Study) -> list[tuple[Any, ...]]:
        calls = [0]

        def fails_once(params: dict[str, Any], budget: float | None = None) -> float:
            calls[0] += 1
            if calls[0] == 3:
                raise RuntimeError("diverged")
            return loss(params)

        study.run(fails_once, n_trials=n_trials)
        return [(t.params, t.state, t.value, t.source) for t in study.trials]

    optimizer = build(make, MIXED, 7)
    with registered(optimizer), tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "study.jsonl"
        study = Study(MIXED, optimizer, seed=0, storage=path, warm_start={"related": related})
        rows = drive(study)
        if drive(Study(MIXED, build(make, MIXED, 7), seed=0, warm_start={"related": related})) != rows:
            raise Broken("two warm-started studies with optimizers of the same seed ran different trials")
        if drive(Study(MIXED, build(make, MIXED, 7), seed=0)) == rows:
            raise Broken("a warm-started study ran the trials of a cold one: the sources given to warm_start() "
                         "were not used")
        loaded = Study.load(path)
        if [(t.params, t.state, t.value, t.source) for t in loaded.trials] != rows:
            raise Broken("the warm-started study loaded from its journal has other trials than the one that wrote it")
        same_next_ask(loaded.optimizer, study.optimizer, "the optimizer of the warm-started study loaded from its "
                                                         "journal")


@rule
def check_foreign_losses_change_the_asks(make: Factory, *, n_trials: int = N_TRIALS) -> None:
    """An optimizer that declares
    :class:`~interactive_hpo.optimizers.capabilities.LearnsFromForeignTrials` learns from trials
    it did not propose: two studies given the same ``n_trials`` manual trials before its first
    ask, with other losses (a bowl's, and the same losses in reverse order: the best point gets
    the worst), then told the same loss for each of its asks (the manual losses' median, so that
    which manual trials beat its own depends on their losses), differ in their asks within
    ``n_trials`` asks; a population method's within ``n_trials`` asks after its first generation
    (which may be its initial design, bred before it learns). An optimizer that does not
    declare it passes without a run."""
    if not isinstance(build(make, MIXED, 7), LearnsFromForeignTrials):
        return
    manual = MIXED.sample(n_trials, rng=2)
    losses = np.array([bowl(MIXED)(params) for params in manual])
    reversed_losses = np.sort(losses)[::-1][np.argsort(np.argsort(losses))]  # rank r gets the r-th worst
    own = float(np.median(losses))
    pair = [watched_study(make, MIXED, 7) for _ in range(2)]
    for (study, _), told in zip(pair, (losses, reversed_losses), strict=True):
        for params, value in zip(manual, told, strict=True):
            study.add_manual(params, float(value))
    limit = n_trials
    for n in itertools.count(1):
        trials = [study.ask() for study, _ in pair]
        if dict(trials[0].params) != dict(trials[1].params):
            for _, watch in pair:
                watch.verify()
            return
        optimizer = pair[0][0].optimizer
        if n == 1 and isinstance(optimizer, PopulationMethod) and (snapshot := optimizer.population()) is not None:
            limit += len(snapshot.X)
        for (study, _), trial in zip(pair, trials, strict=True):
            study.tell(trial, own)
        if n >= limit:
            raise Broken(f"two studies given the same {n_trials} manual trials with other losses (a bowl's, and "
                         f"them in reverse order) asked the same {n} trials, each told the same loss: it declares "
                         "LearnsFromForeignTrials but its asks do not follow from the trials it did not propose")


@rule
def check_a_waiting_step_may_be_evaluated_twice(make: Factory, *, n_trials: int = N_TRIALS) -> None:
    """An optimizer that declares :class:`~interactive_hpo.optimizers.capabilities.ReissuesWaitingStep`
    waits for its own latest step alone, which ``IHPOSampler`` hands to a second Optuna worker
    meanwhile: told each ask's loss before the next, it waits within ``n_trials`` asks, with that
    step, a point of the unit cube, last among its own pending suggestions; told the step's result
    twice (two trials of its own at that point, the second worker's result after the first, another
    loss), it waits no more, and two optimizers of the same seed so driven ask the same next. An
    optimizer that does not declare it passes without a run."""
    if not isinstance(build(make, MIXED, 7), ReissuesWaitingStep):
        return
    loss = bowl(MIXED)

    def told(optimizer: Optimizer, number: int, x: np.ndarray, shift: float = 0.0) -> None:
        params = MIXED.from_unit(x)
        optimizer.tell(Trial(number=number, params=params, x=MIXED.to_unit(params), state=TrialState.COMPLETE,
                             value=loss(params) + shift, source=optimizer.name), loss(params) + shift)

    def drive() -> Optimizer:
        optimizer = build(make, MIXED, 7)
        for number in range(n_trials):
            suggestion = optimizer.ask()
            if optimizer.waiting:
                break
            told(optimizer, number, suggestion.x)
        else:
            raise Broken(f"it declares ReissuesWaitingStep and did not wait within {n_trials} asks, each told "
                         "before the next")
        if not optimizer.own_pending:
            raise Broken("it waits with no suggestion of its own pending: it has no step to hand out again")
        step = optimizer.own_pending[-1]
        problem = problem_of(MIXED, step)
        if problem is not None:
            raise Broken(f"its step pending while it waits: {problem}")
        told(optimizer, number, step.x)
        told(optimizer, number + 1, step.x, shift=1.0)  # the second worker's result of the same step
        if optimizer.waiting:
            raise Broken("told its step's result twice, it still waits")
        return optimizer

    same_next_ask(drive(), drive(), "an optimizer of the same seed told its waiting step twice")
