"""The initial design: what the Bayesian optimizer evaluates before its GP takes over.

First each warm-start source's best point (``bayes.transfer``), then scrambled Sobol points,
skipping, on a finite space (``optimizers.finite``), configurations already taken. How many points
by default is :func:`initial_design_size`, chosen by measurement.

Every point records where it came from (``"source_start"`` or ``"sobol_position"`` in its
trial's attributes), so a study replayed from its journal, or an optimizer told a point another
process asked, continues the design where the live run did.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from ..._validation import is_int
from ...space import SearchSpace
from ...trial import Trial
from ..base import Suggestion
from ..finite import FiniteSpace
from ..simple import MAX_SOBOL_POINTS, SobolSequence
from .transfer import WarmSources

__all__ = ["InitialDesign", "initial_design_size"]

#: Sobol points tried in order before a random untaken configuration is taken instead.
SKIPS = 64


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
    dim : int
        The space's number of unit-cube coordinates.
    seed : int
        The Sobol sequence's scrambling seed.
    finite : FiniteSpace or None
        The space's configurations when each is to be evaluated once (None: repeats allowed,
        or a continuous space).
    """

    def __init__(self, dim: int, seed: int, finite: FiniteSpace | None):
        self.dim = dim
        self.sobol = SobolSequence(dim, seed)
        self.finite = finite

    def size(self, n_initial: int | None, sources: WarmSources) -> int:
        """How many completed trials the GP waits for: ``n_initial`` if given, else
        :func:`initial_design_size` plus the sources' best points."""
        if n_initial is not None:
            return n_initial
        cold = initial_design_size(self.dim)
        return sources.initial_size(cold) if sources else cold

    def point(self, rng: np.random.Generator, sources: WarmSources, taken: set[tuple[int, ...]]) -> Suggestion:
        """The next point, not yet marked used: a source's best point not asked yet (unless its
        configuration is in ``taken``, the finite space's keys told or pending), else the next
        Sobol point whose configuration is not taken (a random untaken one, drawn from
        ``rng``, after :data:`SKIPS` taken ones)."""
        start = sources.next_start()
        if start is not None and (self.finite is None or self.finite.key(start[1]) not in taken):
            return Suggestion(x=start[1], info={"phase": "initial", "source_start": start[0]})
        sequence = self.sobol.copy()
        if self.finite is not None:
            for _ in range(SKIPS):
                if self.finite.key(sequence.point()) not in taken:
                    break
                sequence.advance()
            else:
                drawn = self.finite.draw(taken, rng)
                assert drawn is not None  # an exhausted optimizer is not asked (Optimizer.ask raises)
                return Suggestion(x=drawn, info={"phase": "initial", "sobol_position": sequence.position})
        return Suggestion(x=sequence.point(), info={"phase": "initial", "sobol_position": sequence.position})

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
        twin.dim, twin.sobol, twin.finite = self.dim, self.sobol.copy(), self.finite
        return twin
