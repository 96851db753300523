"""A race: several optimizers (and you) on one objective, the same budget, stepped in lockstep.

Each lane is its own :class:`~interactive_hpo.study.Study` over the same space and goals;
a round gives every optimizer lane one trial. The lane "you" (optional) takes only the
configurations you evaluate (:meth:`Race.evaluate`), up to the same budget. Lanes are ranked
by the best value each reached within the budget, ties broken by who got there first.

A Ctrl-C (Kernel -> Interrupt) ends the race as it ends ``Study.run``: the trial it cut short is
recorded FAILED in its lane's study, every finished trial is kept, and the interrupt is re-raised.
That trial is not counted against the lane's budget (nor drawn or ranked): the person stopped it,
not the optimizer. :meth:`Race.run` (or :meth:`Race.step`) then continues where the race stopped,
completing the interrupted round first so that the lanes stay in lockstep.

An objective of several objectives (ZDT1, a scikit-learn trade-off: anything declaring
``directions``) makes a race of fronts: every lane's progress is the hypervolume of its feasible
trials over trials, measured from **one reference point fixed before the race** (given, or the
one the objective declares), so that no lane's trials move the finish line; the ranking is by
that hypervolume. Only optimizers that serve several objectives may run in such a race.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from .._validation import check_bool, check_int, check_no_seed_setting, fail, seed_to_int
from ..direction import Direction
from ..goals import Goals, feasible_mask
from ..optimizers.capabilities import MultiObjective, Scheduler
from ..optimizers.registry import check_settings, optimizer_class, optimizers_serving_several
from ..pareto import hypervolume_history
from ..space import SearchSpace
from ..study.core import Study
from ..study.results import at_full_budget
from ..study.running import check_objective
from ..trial import USER_INTERRUPT, Trial, TrialState

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
        One objective: the best feasible value at the full budget within the lane's trials (NaN
        if none: a scheduler's lower rungs are not comparable, see ``Study.full_budget``); NaN
        for several.
    reached_at : int
        How many trials the lane had used when it first reached its :attr:`score` (0 if never;
        several objectives: 0 while no trial added hypervolume).
    n_trials : int
        Trials used so far (a trial you interrupted is not used: see :attr:`Race.interrupted`).
    hypervolume : float
        Several objectives: the hypervolume of the lane's feasible trials within the budget,
        from the race's reference point (NaN before any trial); NaN for one objective.
    n_failed : int
        Of the :attr:`n_trials` used, how many FAILED (their objective raised): they use the
        budget and reach nothing.
    """

    rank: int
    lane: str
    best_value: float
    reached_at: int
    n_trials: int
    hypervolume: float = math.nan
    n_failed: int = 0

    @property
    def score(self) -> float:
        """What the lane is ranked by: :attr:`best_value`, or :attr:`hypervolume` for several objectives."""
        return self.best_value if math.isnan(self.hypervolume) else self.hypervolume


class Race:
    """Optimizers racing on ``objective`` with ``n_trials`` each.

    Parameters
    ----------
    objective : callable
        ``objective(params) -> float`` (anything ``Study.step`` accepts).
    lanes : str, sequence of str, or mapping of lane name -> (optimizer name, settings dict)
        ``["random", "sobol", "bo"]`` races those optimizers with their default settings (each
        once: the same optimizer twice would run the same trials); ``{"UCB": ("bo",
        {"acquisition": "ucb"}), ...}`` names lanes and sets settings; ``"bo"`` is one lane.
    n_trials : int
        The budget of every lane.
    space : SearchSpace, optional
        Default: ``objective.space``.
    direction : {"minimize", "maximize"}, optional
        Default: ``objective.direction``, else "minimize". An objective that declares another
        direction (or another space) is refused here.
    directions : list of directions, or dict from objective name to direction, optional
        Several objectives (as for ``Study``). Default: ``objective.directions`` when the
        objective declares it (named by ``objective.names``), which comes before its ``direction``.
    reference : array-like of shape (m,), optional
        Several objectives: the reference point of every lane's hypervolume, in objective units
        (the worst value of each objective that still counts). Default: ``objective.reference``
        (the ZDT and DTLZ problems declare BoTorch's); required when the objective declares none.
    seed : int, numpy.random.Generator or None, default=0
        Every lane's study gets this seed (same seed, same race); a Generator gives one int
        drawn from it to every lane; None a fresh seed to each lane.
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

    Several objectives: ZDT1 declares its directions and reference point (11, 11).

    >>> from interactive_hpo.objectives import ZDT1
    >>> race = Race(ZDT1(dim=2), ["random", "sobol"], n_trials=4, seed=0)
    >>> race.run()
    >>> race.reference.tolist(), {lane: len(c) for lane, c in race.curves().items()}
    ([11.0, 11.0], {'random': 4, 'sobol': 4})
    >>> best = race.ranking()[0]
    >>> bool(best.hypervolume == max(c[-1] for c in race.curves().values()))
    True
    """

    def __init__(self, objective: Callable[..., Any], lanes: Sequence[str] | Mapping[str, tuple[str, dict[str, Any]]],
                 n_trials: int, *, space: SearchSpace | None = None, direction: str | None = None,
                 directions: Sequence[str] | Mapping[str, str] | None = None, reference: Any = None,
                 seed: int | np.random.Generator | None = 0, you: bool = False):
        if not callable(objective):
            raise fail("objective", "Race", "a callable objective(params) -> float", objective)
        space = space if space is not None else getattr(objective, "space", None)
        if not isinstance(space, SearchSpace):
            raise fail("space", "Race", "a SearchSpace (the objective has no .space)", space)
        specs = _lanes_of(lanes)
        self.objective = objective
        self.n_trials = check_int(n_trials, "n_trials", "Race", 1)
        #: What every lane optimizes: one objective or several (``goals.multi``).
        self.goals = _goals_of(objective, direction, directions)
        if self.goals.multi:
            _check_lanes_serve_several(specs, self.goals, lanes)
        #: Several objectives: the reference point of every lane's hypervolume, shape (m,), in
        #: objective units; None for one objective.
        self.reference = _reference_of(objective, reference, self.goals)
        self._reference_loss = None if self.reference is None else self.goals.losses(self.reference.tolist())
        goals = self.goals.study_arguments()
        # Checked here, where it was typed; a Generator becomes one int, so that every lane gets it.
        seed = None if seed is None else seed_to_int(seed, "Race")
        self.studies: dict[str, Study] = {
            name: Study(space, optimizer, **goals, seed=seed, optimizer_settings=settings)
            for name, (optimizer, settings) in specs.items()}
        if check_bool(you, "you", "Race"):
            self.studies[YOU] = Study(space, "random", **goals, seed=seed)
        self._interrupted: dict[str, list[int]] = {name: [] for name in self.studies}
        # As every step will: an objective to minimize in a race to maximize, or over another
        # space, is refused here, where it was typed, not at the first round.
        for name, study in self.studies.items():  # a scheduler's lane runs every trial at a budget
            check_objective(study, objective, f"Race (lane {name!r})" if isinstance(study.optimizer, Scheduler)
                            else "Race")

    @property
    def space(self) -> SearchSpace:
        return next(iter(self.studies.values())).space

    @property
    def finished(self) -> bool:
        """Every optimizer lane used its budget (or ran out of points)."""
        return all(not self._can_step(name) for name in self.studies if name != YOU)

    @property
    def interrupted(self) -> dict[str, list[int]]:
        """The trials a Ctrl-C cut short, by lane: their numbers in the lane's study (FAILED there,
        with ``trial.error`` saying so); they use none of the lane's budget."""
        return {name: list(numbers) for name, numbers in self._interrupted.items() if numbers}

    def step(self) -> dict[str, Trial]:
        """One round: one trial for every optimizer lane that has budget left; returns them by lane.

        After an interrupt, the lanes the interrupted round had not reached (the one interrupted
        included) run first, so that a round never puts a lane two trials ahead of another.
        """
        return dict(self.step_lanes())

    def step_lanes(self) -> Iterator[tuple[str, Trial]]:
        """One round as :meth:`step`, a lane at a time: yields each lane's name and trial as it
        finishes, so that an app redraws, or gives its kernel a turn (a Stop click), between
        trials, not once a round (a round of 5 lanes of 30 s trials held the kernel 2.5 minutes)."""
        used = {name: len(self._counted(name)) for name in self.studies if name != YOU and self._can_step(name)}
        behind = min(used.values(), default=0)
        for name, count in used.items():
            if count == behind:
                yield name, self._step_lane(name)

    def _step_lane(self, name: str) -> Trial:
        """One trial of lane ``name``; on a Ctrl-C, its trial is FAILED, left out of the budget, and the
        interrupt re-raised."""
        study = self.studies[name]
        before = len(study.state.trials)
        try:
            return study.step(self.objective)
        except KeyboardInterrupt:
            for trial in study.state.trials[before:]:
                if trial.state is TrialState.RUNNING:  # cut short before its objective ran (Study.step fails it after)
                    trial = study.tell(trial, state=TrialState.FAILED, user_attrs={"error": USER_INTERRUPT})
                if trial.error == USER_INTERRUPT:  # not a trial that finished before the interrupt landed
                    self._interrupted[name].append(trial.number)
            raise

    def run(self, n_rounds: int | None = None) -> None:
        """Run ``n_rounds`` rounds (default: until every lane used its budget).

        A Ctrl-C stops it with every finished trial kept (see :meth:`step`); call it again to go on.
        """
        rounds = self.n_trials if n_rounds is None else check_int(n_rounds, "n_rounds", "Race.run", 0)
        for _ in range(rounds):
            if self.finished:
                return
            self.step()

    def evaluate(self, params: Mapping[str, Any]) -> Trial:
        """Evaluate your configuration ``params`` in the lane "you" (within the same budget)."""
        study = self.studies.get(YOU)
        if study is None:
            raise fail("params", "Race.evaluate", "evaluated in a race started with you=True", params)
        if len(self._counted(YOU)) >= self.n_trials:
            raise fail("params", "Race.evaluate", f"within your budget of {self.n_trials} trials", params)
        return study.add_evaluated(params, self.objective, owner="Race.evaluate")

    def curves(self) -> dict[str, np.ndarray]:
        """Each lane's progress after each of its trials within the budget, by lane: arrays of shape
        (n_trials_used,). One objective: the best feasible value so far; several: the hypervolume
        of the feasible trials so far, from :attr:`reference` (non-decreasing); both count
        full evaluations only (``Study.full_budget``)."""
        if not self.goals.multi:
            # An interrupted trial is FAILED: it never moved the running best, so leaving it out is exact.
            return {name: study.history().best_values[self._counted(name)] for name, study in self.studies.items()}
        return {name: self._hypervolume(name) for name in self.studies}

    def _hypervolume(self, name: str) -> np.ndarray:
        """The hypervolume over lane ``name``'s counted trials, shape (k,)."""
        study, counted = self.studies[name], self._counted(name)
        losses = np.column_stack([study.history(objective=j).losses[counted] for j in range(self.goals.n)])
        full, trials = study.full_budget, study.state.trials
        feasible = feasible_mask(trials)  # as best_trials counts them
        kept = np.array([feasible[i] and at_full_budget(trials[i], full) for i in counted], dtype=bool)
        losses[~kept] = np.nan  # one that breaks a constraint, or a lower rung's, adds no volume (as in best_trials)
        return hypervolume_history(losses, self._reference_loss)

    def ranking(self) -> list[Standing]:
        """Lanes from best to worst: by the best value (one objective) or the hypervolume (several)
        within the budget, then by who reached it first."""
        # Both read off the curves, so the ranking and the plot cannot disagree. Hypervolume is
        # better when larger; a best value goes the study's direction.
        order = Direction.MAXIMIZE if self.goals.multi else self.goals.directions[0]
        rows = []
        for name, curve in self.curves().items():
            score = float(curve[-1]) if len(curve) else math.nan
            scored = not math.isnan(score) and (score > 0 or not self.goals.multi)
            reached = int(np.argmax(curve == score)) + 1 if scored else 0
            rows.append((name, score, reached, len(curve)))
        rows.sort(key=lambda r: (math.isnan(r[1]), order.to_loss(r[1]) if not math.isnan(r[1]) else 0.0, r[2]))
        multi = self.goals.multi
        return [Standing(rank, name, math.nan if multi else score, reached, used,
                         hypervolume=score if multi else math.nan, n_failed=self._failed(name))
                for rank, (name, score, reached, used) in enumerate(rows, start=1)]

    def _failed(self, name: str) -> int:
        """How many of lane ``name``'s counted trials FAILED."""
        trials = self.studies[name].state.trials
        return sum(trials[number].state is TrialState.FAILED for number in self._counted(name))

    def _counted(self, name: str) -> np.ndarray:
        """Numbers of lane ``name``'s trials that use its budget, shape (k,), k <= n_trials: the first
        ``n_trials`` of those not interrupted."""
        skipped = set(self._interrupted[name])
        kept = [trial.number for trial in self.studies[name].state.trials if trial.number not in skipped]
        return np.array(kept[:self.n_trials], dtype=int)

    def _can_step(self, name: str) -> bool:
        study = self.studies[name]
        return len(self._counted(name)) < self.n_trials and (not study.optimizer.exhausted or bool(study.queued))


def _lanes_of(lanes: Any) -> dict[str, tuple[str, dict[str, Any]]]:
    """Lane name -> (optimizer name, settings), from a name, a sequence of distinct names or a mapping."""
    rule = (f"one or more optimizer names (distinct), or a mapping of lane names to (optimizer name, settings "
            f"dict); none named {YOU!r}")
    names = [lanes] if isinstance(lanes, str) else lanes  # one optimizer, not its letters
    if isinstance(names, Mapping):
        if not all(isinstance(name, str) and _is_spec(spec) for name, spec in names.items()):
            raise fail("lanes", "Race", rule, lanes)
        specs = {name: (optimizer, dict(settings)) for name, (optimizer, settings) in names.items()}
    elif isinstance(names, Sequence) and all(isinstance(name, str) for name in names):
        specs = {name: (name, {}) for name in names}
        if len(specs) < len(names):
            # Same optimizer, same settings, same seed: the same trials; a mapping can set them apart.
            raise fail("lanes", "Race", rule, lanes, hint="To race one optimizer against itself, name the lanes and "
                       "give each its settings: {'random A': ('random', {}), 'random B': ('random', {...})}.")
    else:
        raise fail("lanes", "Race", rule, lanes)
    if not specs or YOU in specs:
        raise fail("lanes", "Race", rule, lanes)
    for lane, (optimizer, settings) in specs.items():  # named as typed, not as the Study built from them
        check_no_seed_setting(settings, "Race", f"lanes[{lane!r}]",
                              hint="Race(seed=...) seeds every lane: lanes of one optimizer differ by their settings.")
        check_settings(optimizer, settings, argument="lanes", settings_argument=f"lanes[{lane!r}]", owner="Race")
    return specs


def _is_spec(spec: Any) -> bool:
    """Whether ``spec`` reads as (optimizer name, settings mapping)."""
    return isinstance(spec, (tuple, list)) and len(spec) == 2 and isinstance(spec[0], str) \
        and isinstance(spec[1], Mapping)


def _goals_of(objective: Any, direction: Any, directions: Any) -> Goals:
    """The race's goals: as given, else the objective's ``directions`` (named by its ``names``:
    a result returned as a dict by name must find them), else its ``direction``, else minimize."""
    if direction is None and directions is None:
        directions = getattr(objective, "directions", None)
        if directions is None:
            direction = getattr(objective, "direction", None)
    names = getattr(objective, "names", None)
    if isinstance(directions, (list, tuple)) and isinstance(names, (list, tuple)) and len(names) == len(directions) \
            and all(isinstance(name, str) for name in names):
        directions = dict(zip(names, directions, strict=True))
    return Goals.parse(direction, directions, "Race")


def _check_lanes_serve_several(specs: Mapping[str, tuple[str, dict[str, Any]]], goals: Goals, lanes: Any) -> None:
    """Refuse, before any study is built, lanes whose optimizer minimizes one loss only."""
    single = {lane: optimizer for lane, (optimizer, _) in specs.items()
              if not issubclass(optimizer_class(optimizer), MultiObjective)}
    if single:
        raise fail("lanes", "Race", f"optimizers that serve several objectives, for {goals.describe()}", lanes,
                   hint=f"Lane(s) {single} optimize one objective only; these serve several: "
                        f"{optimizers_serving_several()}.")


def _reference_of(objective: Any, reference: Any, goals: Goals) -> np.ndarray | None:
    """The race's reference point in objective units, shape (m,), or None for one objective."""
    if not goals.multi:
        if reference is not None:
            raise fail("reference", "Race", "None for a race on one objective (it measures no hypervolume)", reference)
        return None
    given = reference if reference is not None else getattr(objective, "reference", None)
    rule = f"{goals.n} finite numbers in objective units, one per objective {list(goals.names)}"
    if given is None:
        raise fail("reference", "Race", rule + " (the worst value of each that still counts) for an objective that "
                   "declares none", reference, hint="Every lane's hypervolume is measured from it, fixed before the "
                                                    "race so that no lane's trials move the finish line.")
    try:
        point = np.array(given, dtype=float)
    except (TypeError, ValueError, OverflowError):  # refused below, with the rule
        point = np.empty(0)
    if point.shape != (goals.n,) or not np.isfinite(point).all():
        raise fail("reference", "Race", rule, given)
    point.flags.writeable = False
    return point
