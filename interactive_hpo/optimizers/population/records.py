"""What a population method's trial records of its generation, and a replay reads back.

Every asked individual records in its trial's attributes its ``generation``, its ``member`` index
(-1: a spare), the ``pool`` of trials told its generation was bred from, the ``run`` (the
optimizer's seed), the number of ``failures`` told before its generation was bred (on a small
all-discrete space, when there were any: a journal without them replays by the rule it was bred
with) and, when generations all known were bred before it in the same ask, ``known_before``; a
member also its ``id`` and ``parents`` (the lineage). A trial of this run told or noted running
(a replay, another process's trial) breeds its generation again, exactly as when it was asked;
mixed into :class:`~.base.PopulationOptimizer`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np

from ..._validation import is_int
from ...trial import Trial, carried_from
from .configurations import Tried
from .individual import Individual

__all__ = ["GenerationRecords", "MAX_KNOWN_GENERATIONS"]

#: Generations bred in one ask whose every member is known already (``Individual.extra``
#: "known" or "copy_of": nothing to evaluate) before a new configuration is asked as a spare
#: (``_new_spare``): the search is converging onto configurations it has evaluated. (Fewer if
#: the method says it has stopped: ``_stopped``.)
MAX_KNOWN_GENERATIONS = 20


class GenerationRecords:
    """The records of :class:`~.base.PopulationOptimizer`'s trials, written and read back."""

    # Provided by PopulationOptimizer.
    generation: int
    members: list[Individual]
    told: list[tuple[np.ndarray, float, bool, float]]
    _adopted: dict[int, int]
    _pool_of_generation: int
    _failures_of_generation: int | None
    _known_before: int
    _tried: Tried
    seed: int
    name: ClassVar[str]

    if TYPE_CHECKING:
        @property
        def n_seen(self) -> int: ...

        def _advance(self, pool: int, failures: int | None) -> None: ...

        def _fail_cut_short(self) -> None: ...

    def _info(self, index: int) -> dict[str, Any]:
        # "run" tells this optimizer's trials from those of another instance of the same method
        # (a study that switched away and back): only its own are replayed as generations.
        info: dict[str, Any] = {"generation": self.generation, "member": index, "pool": self._pool_of_generation,
                                "run": self.seed}
        if self._known_before:  # a replay breeds them from the same pool
            info["known_before"] = self._known_before
        # On a listed space, 0 included (review r389: read as "no record", a generation bred with
        # none failed was replayed by the older rule, which also avoids members PRUNED without a
        # loss, and a reloaded CMA-ES asked another point). Absent: a continuous space (nothing
        # tracked), or a journal written before the key, replayed by the rule it was bred with.
        if self._failures_of_generation is not None and self._tried.configurations is not None:
            info["failures"] = self._failures_of_generation
        if index >= 0:
            info["id"] = self.members[index].id  # with the parents: the lineage, readable from the trials
            info["parents"] = list(self.members[index].parents)
            # Parents no trial of this run holds: the trials they were built from.
            adopted = [[parent, self._adopted[parent]] for parent in self.members[index].parents
                       if parent in self._adopted]
            if adopted:
                info["parents_from_trials"] = adopted
        return info

    def _breed_up_to(self, trial: Trial, info: Any) -> tuple[int, int]:
        """For a trial of this run (else ``(-1, -1)``): breed its generation if it is ahead,
        exactly as when it was asked (a replay), and return ``(generation, member index)``."""
        record = self._record_of(trial, info)
        if record is None:
            return -1, -1
        # The generation, and those all known before it, were bred in one ask, from one pool.
        generation, index, pool, known_before, failures = record
        # A spare is bred for only when asked after all-known generations (a member of one
        # would breed them too late, from a pool that holds the spare).
        if (index >= 0 or known_before) and self.generation < generation:
            self._fail_cut_short()
            while self.generation < generation:
                if self.generation < generation - known_before - 1:  # bred in an ask no trial recorded
                    pool, failures = len(self.told), None if failures is None else self._tried.failures
                self._advance(pool, failures)
            self._known_before = known_before
        return generation, index

    def _record_of(self, trial: Trial, info: Any) -> tuple[int, int, int, int, int | None] | None:
        """``(generation, member index, pool, known_before, failures)`` as this run recorded them for
        ``trial`` (:meth:`_info`), or None for a trial of another run, or whose record is not one
        this run could have written (attributes a person set under the same keys): such a trial
        is learnt as one from elsewhere. An ask breeds at most ``MAX_KNOWN_GENERATIONS + 1``
        generations, and each generation's members are told before the next is bred, so a record
        further ahead than that per trial seen (this one too, if it is being noted running) would
        only make a replay breed for ever. A trial a fork or remap carried from a study of this
        run (same method, same seed) is read from the record it had there, so the branch breeds
        the generations the study bred, and its next ask is the study's next trial."""
        if trial.source != self.name:
            info = carried_from(trial, self.name)
            if info is None:
                return None
        if not is_int(info.get("run")) or info["run"] != self.seed:
            return None
        record = (info.get("generation"), info.get("member", -1), info.get("pool"), info.get("known_before", 0))
        if not all(is_int(n) for n in record):
            return None
        generation, index, pool, known_before = (int(n) for n in record)
        if min(generation, index + 1, pool, known_before) < 0 or \
                generation - self.generation > (MAX_KNOWN_GENERATIONS + 1) * (self.n_seen + 1):
            return None
        # No record of failures: a continuous space, or a journal bred by the older rule (_info).
        failures = info.get("failures")
        if failures is not None and not (is_int(failures) and int(failures) >= 0):
            return None
        return generation, index, pool, known_before, None if failures is None else int(failures)
