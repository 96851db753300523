"""Quasi-random search: :class:`SobolSearch` hands out a scrambled Sobol' sequence
(:class:`SobolSequence`, which the Bayesian optimizer's initial design reads too) one point at a
time, continuing where a study's trials left it, and on a finite space no configuration twice.
"""

from __future__ import annotations

import itertools
import warnings
from collections import Counter
from collections.abc import Mapping
from typing import Any, cast

import numpy as np

from .._validation import check_bool, is_int
from ..exceptions import SearchExhausted
from ..space import SearchSpace
from ..trial import CARRIED, Trial, carried_from
from .base import Optimizer, Suggestion
from .capabilities import MultiObjective
from .finite import FiniteSpace, TakenConfigurations

__all__ = ["MAX_SOBOL_POINTS", "UNTAKEN_KEY", "UNTAKEN_SKIPS", "SobolSearch", "SobolSequence"]


#: Points a Sobol' sequence holds (scipy's ``qmc.Sobol`` with its default 30 bits).
MAX_SOBOL_POINTS = 2**30

#: On a finite space, Sobol points whose configurations are taken that :class:`SobolSearch` steps
#: over (random points :class:`RandomSearch` draws) before it draws an untaken configuration at
#: random: the sequence meets the last configurations of a space late (all 3,000 of a log integer
#: times a categorical within 68,000 to 72,000 points, all 400 of two integers within 1,000), far
#: too many points to walk at each ask.
UNTAKEN_SKIPS = 64

#: The user attribute of a :class:`SobolSearch` trial drawn at random among the untaken
#: configurations (:data:`UNTAKEN_SKIPS`): it took no position of the sequence.
UNTAKEN_KEY = "sobol_untaken"

#: Where :func:`~interactive_hpo.interop.to_optuna` records a trial's source, kept as a user
#: attribute by ``from_optuna``: an imported trial whose record says it was a Sobol trial.
_EXPORTED_SOURCE = "ihpo_source"


class SobolSequence:
    """A scrambled Sobol' sequence read one point at a time, at a position that can be advanced.

    Shared by :class:`SobolSearch` and the initial design of model-based optimizers.
    """

    def __init__(self, dim: int, seed: int, scramble: bool = True):
        from scipy.stats import qmc  # scipy is a core dependency, but heavy to import eagerly

        self._engine = qmc.Sobol(dim, scramble=scramble, seed=seed)
        self.position = 0
        self._cached: tuple[int, np.ndarray] | None = None

    def point(self) -> np.ndarray:
        """The point at the current position, shape (d,); reading does not advance."""
        if self._cached is None or self._cached[0] != self.position:
            self._engine.reset()
            if self.position:  # scipy's fast_forward(0) underflows
                self._engine.fast_forward(self.position)
            with warnings.catch_warnings():
                # scipy warns that balance needs power-of-two sample sizes; handing out one point
                # at a time is the point of a steppable optimizer, and prefixes stay well spread.
                warnings.simplefilter("ignore", UserWarning)
                self._cached = (self.position, self._engine.random(1)[0])
        return self._cached[1].copy()

    def advance(self) -> None:
        """Move to the next point."""
        self.position += 1

    def copy(self) -> SobolSequence:
        """An independent sequence at the same position."""
        twin = SobolSequence.__new__(SobolSequence)
        twin._engine, twin.position, twin._cached = self._engine, self.position, self._cached
        return twin

    def took(self, trial: Trial, name: str, key: str, space: SearchSpace) -> int | None:
        """The position ``trial`` took, if a fork or remap carried it here from optimizer ``name``
        drawing this very sequence: the position it recorded under ``key``, whose point decodes to
        its params. A branch keeps its study's seed, so its sequence is the original's: without
        this it proposed the configurations it carried again."""
        carried = carried_from(trial, name)
        return self.drew(None if carried is None else carried.get(key), trial, space)

    def drew(self, position: Any, trial: Trial, space: SearchSpace) -> int | None:
        """``position`` if it is a position of this sequence whose point decodes to ``trial``'s
        params (a position recorded with the trial, checked: a record from another seed's
        sequence, or typed by hand, is no position of this one), else None."""
        if not (is_int(position) and 0 <= position < MAX_SOBOL_POINTS):
            return None
        twin = self.copy()
        twin.position = int(position)
        return int(position) if space.from_unit(twin.point()) == dict(trial.params) else None


def _configuration(params: Mapping[str, Any]) -> tuple[tuple[str, Any], ...]:
    """``params`` as a hashable key (the values of a search space are hashable)."""
    return tuple(sorted(params.items()))


class SobolSearch(Optimizer, MultiObjective):
    """Scrambled Sobol' points: quasi-random, filling the cube more evenly than random points.

    Points are handed out in sequence order. Trials drawn from this sequence elsewhere (a study
    replayed from disk, a fork's, one taken to Optuna and back: the ``sobol_index`` they record,
    checked against the sequence) take their positions, so the study continues where it stopped.
    Only a trial drawn from a Sobol sequence has one: a ``sobol_index`` a person gives a manual
    trial is not read (about one in |space| of all integers passes the check on a finite space:
    such a record made the sequence jump, and one near :data:`MAX_SOBOL_POINTS` made the second
    ask fail inside scipy). A Sobol trial of another sequence (another seed's: before a switch)
    uses up one position. A point that decodes to the configuration of another trial (a
    person's, another optimizer's, an imported one) is skipped, once per such trial: no
    configuration is proposed again for it.

    On a space of integers and categoricals only (``FiniteSpace``: up to 20,000 configurations)
    no configuration is proposed twice, as with Bayesian optimization: a point whose
    configuration is taken (evaluated, failed, pruned or pending, this search's own included; a
    trial cut short is untried) is skipped, after :data:`UNTAKEN_SKIPS` of them in a row an
    untaken configuration is drawn at random, and the search is :attr:`exhausted` when every one
    is taken. Before, the sequence repeated its own configurations long before covering the
    space (5 asks covered 3 of 5 choices of one categorical, seed 1). It is also exhausted when
    the trials have used the sequence's :data:`MAX_SOBOL_POINTS` points.

    Parameters
    ----------
    space : SearchSpace
    scramble : bool
        Owen scrambling (seeded); without it the first point is the corner ``x = 0``.
    seed : int, numpy.random.Generator or None

    Examples
    --------
    >>> import numpy as np
    >>> from interactive_hpo import Float, SearchSpace
    >>> sobol = SobolSearch(SearchSpace([Float("x", 0, 1), Float("y", 0, 1)]), seed=0)
    >>> X = np.array([sobol.ask().x for _ in range(8)])   # shape (8, 2), in the unit cube
    >>> [sorted((X[:, i] * 8).astype(int).tolist()) == list(range(8)) for i in (0, 1)]   # each eighth of each axis once
    [True, True]
    """

    name = "sobol"

    def __init__(self, space: SearchSpace, *, scramble: bool = True,
                 seed: int | np.random.Generator | None = None):
        super().__init__(space, seed=seed)
        self.scramble = check_bool(scramble, "scramble", "SobolSearch")
        self._sequence = SobolSequence(space.dim, self.seed, self.scramble)
        # What the next position is follows from the trials known, whatever order they came in
        # (a live study learns them as they finish, its replay in finishing order; before, the two
        # disagreed when trials ran across a switch): the positions trials took (all below _top
        # but the _holes), how many Sobol trials of another sequence there were (each uses up the
        # first free position), and the configurations of trials from elsewhere (each skips the
        # first free point that decodes to it: bounded, a finite space is not skipped for ever).
        self._top = 0
        self._holes: list[range] = []
        self._others = 0
        self._elsewhere: Counter[tuple[tuple[str, Any], ...]] = Counter()
        self._points: dict[int, np.ndarray] = {}  # position -> its point, shape (d,)
        self._decoded: dict[int, tuple[tuple[str, Any], ...]] = {}  # position -> its configuration
        finite = FiniteSpace.of(space)  # on a finite space no configuration is proposed twice
        self._taken_configurations = None if finite is None else TakenConfigurations(finite)

    @property
    def exhausted(self) -> bool:
        """True once every configuration of a finite space is taken, or the trials have used
        the sequence's :data:`MAX_SOBOL_POINTS` points."""
        return self._full() or self._next() >= MAX_SOBOL_POINTS

    def exhausted_error(self) -> SearchExhausted:
        why = TakenConfigurations.why_exhausted(repeats=False) if self._full() else \
            (f"its trials used the {MAX_SOBOL_POINTS:,} points of its Sobol sequence (a trial's recorded "
             "'sobol_index' names the last ones). Switch optimizer or start a study with another seed.")
        return SearchExhausted(f"{type(self).__name__} has nothing left to propose: {why}")

    def _full(self) -> bool:
        taken = self._taken_configurations
        return taken is not None and taken.all_taken(x for x, _ in self._pending)

    def _ask(self, rng: np.random.Generator) -> Suggestion:
        position = self._next()
        if (taken := self._taken_configurations) is not None:  # the next point whose configuration is untaken
            pending, finite, told = taken.pending(x for x, _ in self._pending), taken.finite, taken.told
            steps = range(position, min(position + UNTAKEN_SKIPS, MAX_SOBOL_POINTS))
            untaken = next((step for step in steps if (key := finite.key(self._point_at(step))) not in told
                            and key not in pending), None)
            if untaken is None:  # one a random draw finds at once (not None: an exhausted optimizer is not asked)
                return Suggestion(x=cast(np.ndarray, finite.draw(told | pending, rng)), info={UNTAKEN_KEY: True})
            position = untaken
        x = self._point_at(position)
        self._take(position)
        return Suggestion(x=x, info={"sobol_index": position})

    def _next(self) -> int:
        """The first free position (at or after ``_top``) that no trial's stand-in uses up
        (:data:`MAX_SOBOL_POINTS` or more: none is left)."""
        left = +self._elsewhere  # a copy: the next ask walks the free positions again from the start
        free = itertools.chain(itertools.chain.from_iterable(self._holes), itertools.count(self._top))
        for position in itertools.islice(free, self._others, None):  # the first ones: other sequences'
            if not left or position >= MAX_SOBOL_POINTS:
                return max(position, self._top)  # below _top, a free position no trial stood for is left
            key = self._configuration_at(position)
            if left[key]:
                left[key] -= 1
                left = +left
            elif position >= self._top:
                return position
        raise AssertionError("unreachable: itertools.count never ends")

    def _configuration_at(self, position: int) -> tuple[tuple[str, Any], ...]:
        if position not in self._decoded:
            self._decoded[position] = _configuration(self.space.from_unit(self._point_at(position)))
        return self._decoded[position]

    def _point_at(self, position: int) -> np.ndarray:
        """The sequence's point at ``position``, shape (d,) (kept: the next ask reads it again)."""
        if position not in self._points:
            self._sequence.position = position
            self._points[position] = self._sequence.point()
        return self._points[position].copy()

    def _take(self, position: int) -> None:
        """Mark ``position`` taken by a trial (once: taking it again changes nothing)."""
        if position >= self._top:
            if position > self._top:
                self._holes.append(range(self._top, position))
            self._top = position + 1
            return
        for n, hole in enumerate(self._holes):
            if position in hole:
                self._holes[n:n + 1] = [part for part in (range(hole.start, position),
                                                          range(position + 1, hole.stop)) if part]
                return

    def _evaluates(self, trial: Trial, suggestion: Suggestion) -> bool:
        # Two sequences (before and after a switch) can propose one configuration: the trial of
        # the old one evaluates none of this one's suggestions.
        return all(trial.user_attrs.get(key) == suggestion.info.get(key) for key in ("sobol_index", UNTAKEN_KEY))

    def _tell(self, trial: Trial, loss: float | None, suggestion: Suggestion | None) -> None:
        if self._taken_configurations is not None:
            self._taken_configurations.tell(trial)
        if suggestion is None:  # one of this optimizer's own took its position when it was asked
            self._learn(trial)

    def _learn(self, trial: Trial) -> None:
        """Take into account a trial this optimizer did not ask."""
        # Drawn from this very sequence, at the position its record names: replayed, carried by a
        # fork, or imported with its record (from_optuna keeps "sobol_index", and the source
        # to_optuna wrote, as user attributes). No other trial was drawn from a Sobol sequence.
        sobol = trial.source == self.name or trial.user_attrs.get(_EXPORTED_SOURCE) == self.name
        recorded = trial.user_attrs.get("sobol_index")
        taken = self._sequence.took(trial, self.name, "sobol_index", self.space) if trial.source == CARRIED \
            else self._sequence.drew(recorded, trial, self.space) if sobol and recorded is not None else None
        carried = carried_from(trial, self.name)
        if taken is not None:
            self._take(taken)
        elif (sobol or carried is not None) and (trial.user_attrs if carried is None else carried).get(UNTAKEN_KEY):
            pass  # drawn among the untaken configurations of a finite space, here or carried, imported: no point
        elif trial.source == self.name:
            self._others += 1  # drawn from another sequence (another seed's, or no record): used up one point
        else:  # a person's, another optimizer's, an imported one: its configuration is not proposed again
            self._elsewhere[_configuration(trial.params)] += 1

    def _taken(self, trial: Trial) -> Suggestion | None:
        if trial.source != self.name:
            return None
        self._learn(trial)  # running in another process: its point is used up already
        return self._as_asked(trial)
