"""The initial design: what the Bayesian optimizer evaluates before its GP takes over.

First each warm-start source's best point (``bayes.transfer``), then scrambled Sobol points,
skipping configurations already taken (evaluated, failed or pending) unless repeats are allowed:
on a finite space (``optimizers.finite``) by their keys, on another by their snapped points. On
a conditional space a Sobol point whose branch has no active float is often a configuration
taken (trial 6 repeated trial 1 on a space with one float, active in one of two branches);
without conditions, a point with a float coordinate is never one, so nothing changes there. How
many points by default is :func:`initial_design_size`, chosen by measurement.

Every point records where it came from (``"source_start"`` or ``"sobol_position"`` in its
trial's attributes), so a study replayed from its journal, or an optimizer told a point another
process asked, continues the design where the live run did.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, cast

import numpy as np

from ..._validation import is_int
from ...space import SearchSpace
from ...trial import Trial
from ..base import Suggestion
from ..finite import FiniteSpace
from ..sobol import MAX_SOBOL_POINTS, UNTAKEN_SKIPS, SobolSequence
from .search import repeats
from .transfer import WarmSources

__all__ = ["InitialDesign", "initial_design_size"]

def initial_design_size(dim: int) -> int:
    """Sobol points before the GP, by default, on a space of ``dim`` coordinates: 8 up to 7-D,
    then ``d + 1``, at most 10.

    Measured (issue 23, ``benchmarks/bench_bo_variants.py``, 13 tasks, 10 seeds, 50 trials): with
    ``d + 1`` (4 on 3-D) the first GP saw too little of the space and settled in the first basin
    it found: the SVR stayed on the ridge at C's upper bound, Levy-4 in local minima, one Levy-3
    run in a corner 4 from the optimum. Eight points found the right basin on these without
    costing elsewhere; ten (Optuna's and scikit-optimize's count) cost Ackley-5 its lead.
    """
    return min(10, max(8, dim + 1))


class InitialDesign:
    """The points before the GP, read one at a time.

    Parameters
    ----------
    space : SearchSpace
        The space: a point is compared with those taken where its configuration is
        (``SearchSpace.snap``).
    seed : int
        The Sobol sequence's scrambling seed.
    finite : FiniteSpace or None
        The space's configurations when each is to be evaluated once (None: repeats allowed,
        or a continuous space).
    """

    def __init__(self, space: SearchSpace, seed: int, finite: FiniteSpace | None):
        self.space, self.dim = space, space.dim
        self.sobol = SobolSequence(space.dim, seed)
        self.finite = finite

    def size(self, n_initial: int | None, sources: WarmSources) -> int:
        """How many completed trials the GP waits for: ``n_initial`` if given, else
        :func:`initial_design_size` plus the sources' best points."""
        if n_initial is not None:
            return n_initial
        cold = initial_design_size(self.dim)
        return sources.initial_size(cold) if sources else cold

    def point(self, rng: np.random.Generator, sources: WarmSources,
              taken: set[tuple[int, ...]] | np.ndarray | None) -> Suggestion:
        """The next point, not yet marked used: a source's best point not asked yet, or asked and
        cut short (whose configuration is not taken), else the next Sobol point whose configuration is not taken;
        after :data:`~interactive_hpo.optimizers.sobol.UNTAKEN_SKIPS` taken ones (as ``"sobol"``
        does), on a finite space a random untaken configuration (drawn from ``rng``), on another
        the next Sobol point anyway.

        ``taken``: on a finite space the keys of the configurations told or pending
        (``FiniteSpace.key``); on another the snapped points told or pending, shape (m, d), or
        None when repeats are allowed."""
        start = sources.next_start(lambda x: self._taken(x, taken))
        if start is not None:
            return Suggestion(x=start[1], info={"phase": "initial", "source_start": start[0]})
        sequence = self.sobol.copy()
        if taken is not None:
            for _ in range(UNTAKEN_SKIPS):
                if not self._taken(sequence.point(), taken):
                    break
                sequence.advance()
            else:
                if self.finite is not None:
                    drawn = self.finite.draw(cast(set, taken), rng)
                    assert drawn is not None  # an exhausted optimizer is not asked (Optimizer.ask raises)
                    return Suggestion(x=drawn, info={"phase": "initial", "sobol_position": sequence.position})
        return Suggestion(x=sequence.point(), info={"phase": "initial", "sobol_position": sequence.position})

    def _taken(self, x: np.ndarray, taken: set[tuple[int, ...]] | np.ndarray | None) -> bool:
        """Whether the configuration of ``x`` (d,) is in ``taken`` (:meth:`point`)."""
        if taken is None:
            return False
        if self.finite is not None:
            return self.finite.key(x) in cast(set, taken)
        return bool(repeats(self.space.snap(x).reshape(1, -1), np.asarray(taken))[0])

    def mark_used(self, info: Mapping[str, Any], sources: WarmSources) -> None:
        """The point whose ``info`` (or trial attributes) is given was asked: continue after it
        (journals written before 0.2 do not say which Sobol point it was: it was the next one)."""
        start, used = info.get("source_start"), info.get("sobol_position")
        if start is not None:  # a source's best point: the Sobol sequence has not moved
            if is_int(start) and start >= 0:
                sources.mark_used(int(start))
            return
        if used is not None and not (is_int(used) and 0 <= used < MAX_SOBOL_POINTS):
            return  # a position no design recorded (attributes a person set under this name): nothing to follow
        self.sobol.position = self.sobol.position + 1 if used is None else max(self.sobol.position, int(used) + 1)

    def mark_carried(self, trial: Trial, name: str, space: SearchSpace, sources: WarmSources) -> None:
        """A trial a fork or remap carried from this design of optimizer ``name`` (its Sobol point,
        decoding to its params: :meth:`SobolSequence.took`) is used, so the branch, which keeps the
        study's seed and so this sequence, does not propose it again."""
        if self.sobol.took(trial, name, "sobol_position", space) is not None:
            self.mark_used(trial.user_attrs["carried_attrs"], sources)

    def copy(self) -> InitialDesign:
        """An independent design at the same position."""
        twin = InitialDesign.__new__(InitialDesign)
        twin.space, twin.dim, twin.sobol, twin.finite = self.space, self.dim, self.sobol.copy(), self.finite
        return twin
