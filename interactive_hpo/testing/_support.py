"""What the rules share: the spaces, the factory type, and the helpers that drive a study.

Private to :mod:`interactive_hpo.testing`; the rules are in :mod:`interactive_hpo.testing.rules` and
:mod:`interactive_hpo.testing.rules_by_capability`.
"""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Callable, Iterator
from typing import Any

import numpy as np

# The public names, as a plug-in author sees them: this is a layer on top of the package.
from .. import (
    Categorical,
    Float,
    Int,
    Optimizer,
    SearchSpace,
    Study,
    StudyEvent,
    Suggestion,
    Trial,
    TrialState,
    TrialStateError,
    available_optimizers,
    register_optimizer,
)
from .._validation import fail, is_real, shown
from ..optimizers import optimizer_class
from ..optimizers.registry import unregister_optimizer

#: ``make(space, seed)`` builds the optimizer under test.
Factory = Callable[[SearchSpace, int], Optimizer]

#: The spaces proposals must stay inside, one per kind of parameter and one that mixes them.
SPACES: dict[str, SearchSpace] = {
    "continuous": SearchSpace([Float("x", -5.0, 5.0), Float("lr", 1e-4, 1.0, log=True)]),
    "integer": SearchSpace([Int("depth", 1, 8), Int("units", 8, 512, log=True)]),
    "categorical": SearchSpace([Categorical("act", ["relu", "tanh", "gelu"]), Categorical("opt", ["sgd", "adam"])]),
    "mixed": SearchSpace([Float("lr", 1e-4, 1.0, log=True), Int("depth", 1, 8), Categorical("act", ["relu", "tanh"])]),
    # momentum exists for SGD only, the third layer's width only with three layers.
    "conditional": SearchSpace([Categorical("opt", ["sgd", "adam"]), Float("lr", 1e-4, 1.0, log=True),
                                Float("momentum", 0.0, 0.99, condition=("opt", "sgd")), Int("layers", 1, 3),
                                Int("width3", 8, 512, log=True, condition=("layers", 3))]),
}
MIXED = SPACES["mixed"]
CONDITIONAL = SPACES["conditional"]
#: A space of four points, which an optimizer that can run out must run out on.
FINITE = SearchSpace([Int("a", 0, 1), Categorical("b", ["x", "y"])])
#: Trials per check unless told otherwise: enough for a model-based optimizer to leave its
#: initial design on the mixed space; few enough to keep a contract run to seconds.
N_TRIALS = 10

#: Rule name -> check, in the order they run; filled by ``@rule``.
CONTRACT: dict[str, Callable[..., None]] = {}


class Broken(AssertionError):
    """A rule broken, described without the optimizer's name (``rule`` adds it)."""


def rule(check: Callable[..., None]) -> Callable[..., None]:
    """Register ``check`` under its rule name, and make every failure it sees an AssertionError
    that names the rule and the optimizer (an optimizer's own exception included)."""
    name = check.__name__.removeprefix("check_")

    @functools.wraps(check)
    def checked(make: Factory, **options: Any) -> None:
        if not callable(make):
            raise fail("make", check.__name__, "a callable make(space, seed) -> Optimizer", make)
        try:
            check(make, **options)
        except Broken as broken:
            raise AssertionError(f"{who(make)} breaks the rule {name!r}: {broken}") from None
        except Exception as error:  # the optimizer crashed on something the contract lets a caller do
            raise AssertionError(f"{who(make)} breaks the rule {name!r}: it raised "
                                 f"{type(error).__name__}: {error}") from error

    CONTRACT[name] = checked
    return checked


def who(make: Factory) -> str:
    """The class and registry name of the optimizers ``make`` builds, for a failure message."""
    try:
        optimizer = make(MIXED, 0)
    except Exception:
        return f"the optimizer of {make!r}"
    return f"{type(optimizer).__name__} (name {getattr(optimizer, 'name', None)!r})"


# -- helpers ---------------------------------------------------------------------------------
def build(make: Factory, space: SearchSpace, seed: int) -> Optimizer:
    """``make(space, seed)``, refused unless it is an Optimizer over ``space``."""
    optimizer = make(space, seed)
    if not isinstance(optimizer, Optimizer):
        raise Broken(f"make(space, seed) returned {shown(optimizer)}, not an Optimizer")
    if optimizer.space != space:
        raise Broken("make(space, seed) returned an optimizer over another search space than the one given")
    return optimizer


def bowl(space: SearchSpace) -> Callable[..., float]:
    """The objective the checks minimize: a bowl in the unit cube (schedulers' budgets ignored)."""

    def loss(params: dict[str, Any], budget: float | None = None) -> float:
        return float(np.sum((space.to_unit(params) - 0.3) ** 2))

    return loss


def problem_of(space: SearchSpace, suggestion: Any) -> str | None:
    """What is wrong with a suggestion as proposed (before the study snaps it), or None."""
    if not isinstance(suggestion, Suggestion):
        return f"it proposed {shown(suggestion)}, not a Suggestion"
    x = np.asarray(suggestion.x, dtype=float)
    if x.shape != (space.dim,):
        return f"it proposed x of shape {x.shape} in a space of dimension {space.dim}"
    if not np.all(np.isfinite(x) & (x >= 0.0) & (x <= 1.0)):
        return f"it proposed x = {x.tolist()}, outside the unit cube"
    budget = suggestion.budget
    if budget is not None and not (is_real(budget) and 0 < budget < float("inf")):
        return f"it proposed the budget {shown(budget)}; a budget is a positive finite number or None"
    return None


class Watch:
    """Subscribed to a study: each time a trial is asked, looks at every suggestion pending in
    the optimizer as the optimizer made it (the study's trials are snapped, which hides an x
    outside the cube). A subscriber's error would only be a warning, so it keeps the first
    problem for :meth:`verify`."""

    def __init__(self, study: Study):
        self.study = study
        self.problem: str | None = None
        study.subscribe(self)

    def __call__(self, event: StudyEvent) -> None:
        if event.kind == "asked" and self.problem is None:
            for suggestion in self.study.optimizer.pending:
                self.problem = self.problem or problem_of(self.study.space, suggestion)

    def verify(self) -> None:
        if self.problem is not None:
            raise Broken(self.problem)


def watched_study(make: Factory, space: SearchSpace, seed: int, **kwargs: Any) -> tuple[Study, Watch]:
    """A study driving ``make(space, seed)``, and the watch on its proposals."""
    study = Study(space, build(make, space, seed), seed=0, **kwargs)
    return study, Watch(study)


def run(make: Factory, seed: int, n_trials: int, objective: Callable[..., Any] | None = None,
        space: SearchSpace = MIXED) -> Study:
    """A study on ``space`` (the mixed one) that ran ``n_trials`` trials, every proposal checked."""
    study, watch = watched_study(make, space, seed)
    study.run(objective or bowl(space), n_trials=n_trials)
    watch.verify()
    return study


def ask_unless_waiting(asker: Optimizer | Study) -> Any:
    """``asker.ask()``, or None when a waiting optimizer refuses (its ``waiting`` said so)."""
    optimizer = asker.optimizer if isinstance(asker, Study) else asker
    waiting = optimizer.waiting
    try:
        return asker.ask()
    except TrialStateError:
        if waiting:
            return None
        raise


def loss_of(trial: Trial) -> float | None:
    """What a minimizing study tells the optimizer for ``trial``."""
    return trial.value if trial.state is TrialState.COMPLETE else None


def differ(replayed: Suggestion, original: Suggestion) -> str | None:
    """How ``replayed`` differs from ``original`` (point, budget, generation), or None."""
    a, b = np.asarray(replayed.x, dtype=float), np.asarray(original.x, dtype=float)
    if a.shape != b.shape or not np.array_equal(a, b):
        return f"x {a.tolist()} instead of {b.tolist()}"
    if (replayed.budget, replayed.generation) != (original.budget, original.generation):
        return (f"budget {replayed.budget} and generation {replayed.generation} instead of "
                f"{original.budget} and {original.generation}")
    return None


def same_next_ask(replayed: Optimizer, original: Optimizer, what: str) -> None:
    """Both optimizers' next asks, which must agree; ``what`` names the replayed one."""
    difference = differ(replayed.ask(), original.ask())
    if difference is not None:
        raise Broken(f"{what} proposes {difference}, what the original proposes next")


def parting(first: Study, second: Study) -> int | None:
    """The first trial number at which two studies' trials differ, or None if they do not."""
    a = [(t.params, t.budget) for t in first.trials]
    b = [(t.params, t.budget) for t in second.trials]
    if a == b:
        return None
    return next((i for i, (s, t) in enumerate(zip(a, b, strict=False)) if s != t), min(len(a), len(b)))


@contextlib.contextmanager
def registered(optimizer: Optimizer) -> Iterator[str]:
    """The optimizer's class under its registry name while the block runs (registered for the
    block if it was not; see :mod:`interactive_hpo.testing`); yields the name."""
    name, cls = getattr(optimizer, "name", None), type(optimizer)
    if not isinstance(name, str) or not name:
        raise Broken("it has no registry name: set the class attribute `name` (the `source` of its trials)")
    if name in available_optimizers():
        if optimizer_class(name) is not cls:
            raise Broken(f"its name {name!r} is registered to {optimizer_class(name).__name__}, so a journal "
                         "would rebuild that class instead; give the class a name of its own")
        yield name
        return
    register_optimizer(cls, name)
    try:
        yield name
    finally:
        unregister_optimizer(name)

