"""A race: several optimizers (and you) on one objective, the same budget, stepped in lockstep.

Each lane is its own :class:`~interactive_hpo.study.Study` over the same space and direction;
a round gives every optimizer lane one trial. The lane "you" (optional) takes only the
configurations you evaluate (:meth:`Race.evaluate`), up to the same budget. Lanes are ranked
by the best value each reached within the budget, ties broken by who got there first.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from .._validation import check_int, fail
from ..space import SearchSpace
from ..study.core import Study
from ..trial import Trial, TrialState

__all__ = ["Race", "Standing", "YOU"]

#: The name of the lane for your own configurations.
YOU = "you"


@dataclass(frozen=True)
class Standing:
    """One lane's place in the ranking.

    Attributes
    ----------
    rank : int
        1 for the winner.
    lane : str
    best_value : float
        Best value within the budget (NaN if nothing completed).
    reached_at : int
        How many trials the lane had used when it first reached ``best_value`` (0 if never).
    n_trials : int
        Trials used so far.
    """

    rank: int
    lane: str
    best_value: float
    reached_at: int
    n_trials: int


class Race:
    """Optimizers racing on ``objective`` with ``n_trials`` each.

    Parameters
    ----------
    objective : callable
        ``objective(params) -> float`` (anything ``Study.step`` accepts).
    lanes : sequence of str, or mapping of lane name -> (optimizer name, settings dict)
        ``["random", "sobol", "bo"]`` races those optimizers with their default settings;
        ``{"UCB": ("bo", {"acquisition": "ucb"}), ...}`` names lanes and sets settings.
    n_trials : int
        The budget of every lane.
    space : SearchSpace, optional
        Default: ``objective.space``.
    direction : {"minimize", "maximize"}, optional
        Default: ``objective.direction``, else "minimize".
    seed : int, optional
        Every lane's study gets this seed (same seed, same race).
    you : bool, default=False
        Add the lane "you" for configurations you evaluate with :meth:`evaluate`.

    Examples
    --------
    >>> from interactive_hpo import Float, SearchSpace
    >>> race = Race(lambda p: (p["x"] - 0.3) ** 2, ["random", "sobol"], n_trials=8,
    ...             space=SearchSpace([Float("x", 0, 1)]), seed=0)
    >>> race.run()
    >>> [(s.rank, s.lane, s.n_trials) for s in race.ranking()], race.finished
    ([(1, 'random', 8), (2, 'sobol', 8)], True)
    """

    def __init__(self, objective: Callable[..., Any], lanes: Sequence[str] | Mapping[str, tuple[str, dict[str, Any]]],
                 n_trials: int, *, space: SearchSpace | None = None, direction: str | None = None,
                 seed: int | None = 0, you: bool = False):
        if not callable(objective):
            raise fail("objective", "Race", "a callable objective(params) -> float", objective)
        space = space if space is not None else getattr(objective, "space", None)
        if not isinstance(space, SearchSpace):
            raise fail("space", "Race", "a SearchSpace (the objective has no .space)", space)
        specs = {name: (name, {}) for name in lanes} if not isinstance(lanes, Mapping) else dict(lanes)
        if not specs or YOU in specs:
            raise fail("lanes", "Race", f"one or more optimizer lanes, none named {YOU!r}", lanes)
        self.objective = objective
        self.n_trials = check_int(n_trials, "n_trials", "Race", 1)
        direction = str(direction or getattr(objective, "direction", "minimize"))
        self.studies: dict[str, Study] = {
            name: Study(space, optimizer, direction=direction, seed=seed, optimizer_settings=settings)
            for name, (optimizer, settings) in specs.items()}
        if you:
            self.studies[YOU] = Study(space, "random", direction=direction, seed=seed)

    @property
    def space(self) -> SearchSpace:
        return next(iter(self.studies.values())).space

    @property
    def finished(self) -> bool:
        """Every optimizer lane used its budget (or ran out of points)."""
        return all(not self._can_step(study) for name, study in self.studies.items() if name != YOU)

    def step(self) -> dict[str, Trial]:
        """One round: one trial for every optimizer lane that has budget left; returns them by lane."""
        return {name: study.step(self.objective) for name, study in self.studies.items()
                if name != YOU and self._can_step(study)}

    def run(self, n_rounds: int | None = None) -> None:
        """Run ``n_rounds`` rounds (default: until every lane used its budget)."""
        rounds = self.n_trials if n_rounds is None else check_int(n_rounds, "n_rounds", "Race.run", 0)
        for _ in range(rounds):
            if self.finished:
                return
            self.step()

    def evaluate(self, params: Mapping[str, Any]) -> Trial:
        """Evaluate your configuration ``params`` in the lane "you" (within the same budget)."""
        study = self.studies.get(YOU)
        if study is None:
            raise fail("params", "Race.evaluate", "evaluated in a race started with you=True", dict(params))
        if len(study.trials) >= self.n_trials:
            raise fail("params", "Race.evaluate", f"within your budget of {self.n_trials} trials", dict(params))
        return study.add_evaluated(params, self.objective, owner="Race.evaluate")

    def curves(self) -> dict[str, np.ndarray]:
        """Best value so far after each trial, by lane: arrays of shape (n_trials_used,)."""
        return {name: study.history().best_values[:self.n_trials] for name, study in self.studies.items()}

    def ranking(self) -> list[Standing]:
        """Lanes from best to worst: by best value within the budget, then by who reached it first."""
        goal = next(iter(self.studies.values())).direction
        rows = []
        for name, study in self.studies.items():
            best, reached = math.nan, 0
            for i, trial in enumerate(study.trials[:self.n_trials], start=1):
                if trial.state is TrialState.COMPLETE and trial.value is not None and \
                        (math.isnan(best) or goal.better(trial.value, best)):
                    best, reached = trial.value, i
            rows.append((name, best, reached, min(len(study.trials), self.n_trials)))
        rows.sort(key=lambda r: (math.isnan(r[1]), goal.to_loss(r[1]) if not math.isnan(r[1]) else 0.0, r[2]))
        return [Standing(rank, name, best, reached, used) for rank, (name, best, reached, used) in
                enumerate(rows, start=1)]

    def _can_step(self, study: Study) -> bool:
        return len(study.trials) < self.n_trials and (not study.optimizer.exhausted or bool(study.queued))
