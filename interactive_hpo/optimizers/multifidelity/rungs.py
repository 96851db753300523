"""Rungs and brackets: the bookkeeping shared by successive halving, Hyperband and ASHA.

A *bracket* evaluates configurations at increasing budgets, its *rungs*. Rung ``i`` holds the
configurations that reached budget ``budgets[i]``; only the best ``1 / eta`` of a rung are
*promoted* to the next, larger budget. This module is plain bookkeeping, no randomness:
which configuration sits where, with what loss, and who decided its promotion (the
scheduler's rule and, beside it, a person's override).
"""

from __future__ import annotations

import bisect
import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..feasibility import UNKNOWN, constrained_order, feasibility_key
from .ladder import hyperband_brackets, rung_budgets  # here before ladder.py (0.1 imported them from rungs)

__all__ = ["rung_budgets", "hyperband_brackets", "Bracket", "Job"]


@dataclass(frozen=True)
class Job:
    """One evaluation a scheduler hands out: a configuration at a rung of a bracket."""

    config: int
    bracket: int
    rung: int

    def info(self) -> dict[str, int]:
        """What the trial records, so a replay knows which job it was."""
        return {"config": self.config, "bracket": self.bracket, "rung": self.rung}

    @classmethod
    def of(cls, attrs: Any) -> Job | None:
        """The job a trial's attributes name, or None if they name none."""
        try:
            return cls(int(attrs["config"]), int(attrs["bracket"]), int(attrs["rung"]))
        except (KeyError, TypeError, ValueError, OverflowError):  # int(inf) overflows
            return None


@dataclass
class Bracket:
    """The rungs of one bracket.

    Parameters
    ----------
    index : int
        The bracket's number in its scheduler's run (0, 1, 2, ...).
    budgets : list of float
        Budget of each rung, increasing.
    sizes : list of int or None
        Synchronous halving: how many configurations each rung keeps (rung 0: how many start).
        None: asynchronous (ASHA): rung 0 takes new configurations forever, and a configuration
        is promoted as soon as it is in the top ``1 / eta`` of the results its rung has so far.
    eta : int
        The reduction factor.
    """

    index: int
    budgets: list[float]
    sizes: list[int] | None
    eta: int
    #: Per rung: the configurations that entered it, in order.
    entered: list[list[int]] = field(init=False)
    #: Per rung: config -> loss, for finished jobs (inf for failed ones, a pruned one's last report); a tuple of
    #: losses, one per objective, in a study of several.
    losses: list[dict[int, float | tuple[float, ...]]] = field(init=False)
    #: Per rung: config -> total constraint violation of its finished job (0 when feasible,
    #: ``feasibility.UNKNOWN`` without constraints): a rung ranks by Deb's feasibility rules.
    violations: list[dict[int, float]] = field(init=False)
    #: Per rung: config -> trial number of its finished job.
    numbers: list[dict[int, int]] = field(init=False)
    #: Per rung: config -> {"scheduler": ..., "human": ...} decisions about promoting it.
    decisions: list[dict[int, dict[str, str]]] = field(init=False)
    #: Synchronous only: whether the scheduler has decided the promotions out of each rung.
    decided: list[bool] = field(init=False)
    # What lets an ask of a long ASHA run look at a few configurations rather than re-rank every
    # rung (its cost grew with the trials: 20 ms an ask at 5,000). Per rung: ``entered`` as a set;
    # the finite results as sorted keys, ``(feasibility_key, config)`` for one objective (a new
    # result is inserted in place) or ``(rank, config)`` for several (rebuilt when one comes in), None
    # until needed or after a change that is not an insertion; and the keys of the configurations
    # that may still be promoted (a superset: those promoted or stopped since are dropped when met).
    _members: list[set[int]] = field(init=False, repr=False, compare=False)
    _order: list[list[tuple[Any, int]] | None] = field(init=False, repr=False, compare=False)
    _pending: list[list[tuple[Any, int]]] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        n = len(self.budgets)
        self.entered = [[] for _ in range(n)]
        self.losses = [{} for _ in range(n)]
        self.violations = [{} for _ in range(n)]
        self.numbers = [{} for _ in range(n)]
        self.decisions = [{} for _ in range(n)]
        self.decided = [False] * n
        self._members = [set() for _ in range(n)]
        self._order = [None] * n
        self._pending = [[] for _ in range(n)]

    @property
    def top(self) -> int:
        """Index of the last rung (the maximum budget)."""
        return len(self.budgets) - 1

    def enter(self, config: int, rung: int) -> None:
        if config not in self._members[rung]:
            self._members[rung].add(config)
            self.entered[rung].append(config)

    def leave(self, config: int, rung: int) -> None:
        """Take ``config`` out of ``rung`` (a person stopped its promotion before it started)."""
        self.entered[rung].remove(config)
        self._members[rung].discard(config)
        self._order[rung - 1] = None  # promotable again out of the rung below

    def finish(self, job: Job, loss: float | tuple[float, ...], number: int, violation: float = UNKNOWN) -> None:
        """Record the result of ``job``: its loss (inf when it failed), trial number and total
        constraint violation (:func:`~..feasibility.violation_of`: UNKNOWN without constraints)."""
        rung, config = job.rung, job.config
        again = config in self.losses[rung]
        self.enter(config, rung)
        self.losses[rung][config] = loss
        self.violations[rung][config] = violation
        self.numbers[rung][config] = number
        order = self._order[rung]
        if order is None or (not again and not _finite(loss)):  # a failed job is not ranked
            return
        if again or isinstance(loss, tuple):
            self._order[rung] = None
        else:
            key = (feasibility_key(loss, violation), config)
            bisect.insort(order, key)
            bisect.insort(self._pending[rung], key)

    def ran(self, job: Job, queued: list[int]) -> int | None:
        """Note that ``job`` ran (asked, or told or seen running in a replay): above rung 0 its
        configuration was promoted out of the rung below, the scheduler's decision unless a person's.

        ASHA decides a promotion when it hands the job out. A job that synchronous halving's rule
        did not promote (a journal written under another rule: before 94d879b a job without
        constraints counted as feasible) is what happened: it takes the place of the last of
        ``queued`` (the rule's promotions into its rung not started, best first) that no person
        promoted, which is returned to be unqueued. So a replay rebuilds the promotions its journal
        recorded, and the rung keeps its size; while the rung below is undecided nothing is
        queued, and :meth:`decide` counts this promotion among those it keeps.
        """
        rung, config = job.rung - 1, job.config
        if rung < 0 or self.human(rung, config) == "promote" or (self.sizes is not None and
                                                                  config in self._members[job.rung]):
            return None  # rung 0, a person's promotion, or synchronous halving's own
        self.decision(rung, config, "scheduler", "promote")
        if self.sizes is None:
            return None
        self.enter(config, job.rung)
        ruled = [c for c in queued if self.human(rung, c) != "promote"]
        if not ruled:
            return None
        self.leave(ruled[-1], job.rung)
        self.decision(rung, ruled[-1], "scheduler", "stop")
        return ruled[-1]

    def running(self, rung: int) -> list[int]:
        """Configurations entered at ``rung`` whose job has not finished."""
        return [c for c in self.entered[rung] if c not in self.losses[rung]]

    def decision(self, rung: int, config: int, who: str, what: str) -> None:
        self.decisions[rung].setdefault(config, {})[who] = what
        if who == "human":  # a person's "promote" after a "stop" makes it promotable again
            self._order[rung] = None

    def human(self, rung: int, config: int) -> str | None:
        return self.decisions[rung].get(config, {}).get("human")

    def ranked(self, rung: int) -> list[int]:
        """Finished configurations of ``rung`` with a finite loss, best first (ties: older first).

        "Best" follows Deb's feasibility rules (:mod:`~interactive_hpo.optimizers.feasibility`):
        feasible configurations first, then infeasible ones by total violation, then those whose job
        reported no constraints (unknown feasibility, ranked among themselves as the feasible ones).
        Among feasible ones, by loss; with several objectives, NSGA-II's order (the scalarization every
        promotion uses, as MO-ASHA does; Schmucker et al., 2021): by Pareto front, then by
        crowding distance within a front (a configuration in a sparse part of the front first).
        """
        return [config for _, config in self._sorted(rung)]

    def _sorted(self, rung: int) -> list[tuple[Any, int]]:
        """The keys of :meth:`ranked`, in its order; ranked afresh only after a change that is no
        insertion (several objectives, a job told twice, a person's decision)."""
        order = self._order[rung]
        if order is None:
            configs = self._rank(rung)
            scalar = bool(configs) and np.ndim(self.losses[rung][configs[0]]) == 0
            order = [(feasibility_key(self._scalar(rung, c), self.violations[rung][c]) if scalar else i, c)
                     for i, c in enumerate(configs)]
            self._order[rung] = order
            self._pending[rung] = [key for key in order if rung < self.top and not self._moved_on(rung, key[1])]
        return order

    def _scalar(self, rung: int, config: int) -> float:
        """The loss of ``config`` at ``rung``, in a study of one objective."""
        loss = self.losses[rung][config]
        assert not isinstance(loss, tuple)
        return loss

    def _moved_on(self, rung: int, config: int) -> bool:
        """Whether ``config`` has entered the rung above ``rung`` or a person stopped it there."""
        return config in self._members[rung + 1] or self.human(rung, config) == "stop"

    def _rank(self, rung: int) -> list[int]:
        """:meth:`ranked`, computed from the rung's results."""
        done = {c: loss for c, loss in self.losses[rung].items() if np.all(np.isfinite(loss))}
        configs = sorted(done)
        violations = self.violations[rung]
        if not configs or np.ndim(done[configs[0]]) == 0:
            return sorted(configs, key=lambda c: (feasibility_key(self._scalar(rung, c), violations[c]), c))
        # Ties keep the input order, the configurations' (older first).
        order = constrained_order(np.array([done[c] for c in configs], dtype=float),
                                  np.array([violations[c] for c in configs]), np.zeros(len(configs), dtype=bool))
        return [configs[i] for i in order]

    # -- synchronous halving -------------------------------------------------------------------
    def rung_complete(self, rung: int) -> bool:
        """Every job of ``rung`` finished, and no more can enter it."""
        assert self.sizes is not None
        if self.running(rung):
            return False
        return len(self.entered[0]) >= self.sizes[0] if rung == 0 else self.decided[rung - 1]

    def decide(self) -> list[int]:
        """Decide every rung that just completed; return the configurations promoted, in order.

        The scheduler keeps the best ``sizes[i + 1]`` of rung ``i`` (counting first those whose
        promotion a replay learnt already: they ran above it); a person's "stop" removes a
        configuration from that set and a "promote" (already entered) adds one. Rungs are
        visited upwards, so a rung completed by the decision below it is decided too.
        """
        assert self.sizes is not None
        promoted: list[int] = []
        for rung in range(self.top):
            if self.decided[rung] or not self.rung_complete(rung):
                continue
            # Promotions a replay learnt before the rung completed (jobs told above it) stand; the rule picks the rest.
            told = [c for c in self.entered[rung + 1] if self.decisions[rung].get(c, {}).get("scheduler") == "promote"]
            chosen = told + [c for c in self.ranked(rung) if c not in told][:max(0, self.sizes[rung + 1] - len(told))]
            for config in self.entered[rung]:
                self.decision(rung, config, "scheduler", "promote" if config in chosen else "stop")
            for config in chosen:  # best first: the best configuration runs first at the next budget
                if self.human(rung, config) != "stop" and config not in self.entered[rung + 1]:
                    self.enter(config, rung + 1)
                    promoted.append(config)
            self.decided[rung] = True
        return promoted

    @property
    def finished(self) -> bool:
        """Synchronous: the last rung is complete (nothing of this bracket is left to run)."""
        return self.sizes is not None and self.rung_complete(self.top)

    # -- asynchronous halving ------------------------------------------------------------------
    def promotable(self) -> tuple[int, int] | None:
        """ASHA's next promotion: the (config, rung) in the top ``1 / eta`` of the highest rung
        possible that has not moved up yet, or None."""
        for rung in range(self.top - 1, -1, -1):
            k = len(self.losses[rung]) // self.eta
            order, pending = self._sorted(rung), self._pending[rung]
            gone = 0
            while gone < len(pending) and self._moved_on(rung, pending[gone][1]):
                gone += 1
            del pending[:gone]
            # The best configuration not moved on yet: the first of ranked(rung)[:k] not moved on, if it is in them.
            if pending and bisect.bisect_left(order, pending[0]) < k:
                return pending[0][1], rung
        return None

    def rows(self) -> list[dict[str, Any]]:
        """One row per (rung, configuration): the rung table."""
        rows = []
        for rung, configs in enumerate(self.entered):
            for config in configs:
                decided = self.decisions[rung].get(config, {})
                loss = self.losses[rung].get(config, math.nan)
                rows.append({
                    "bracket": self.index, "rung": rung, "budget": self.budgets[rung], "config": config,
                    "number": self.numbers[rung].get(config), "loss": _first(loss),
                    # A failed job measured nothing: NaN, not 0 ("met").
                    "violation": self.violations[rung][config] if _finite(loss) else math.nan,
                    "scheduler": decided.get("scheduler"), "human": decided.get("human"),
                })
        return rows


def _finite(loss: float | tuple[float, ...]) -> bool:
    return bool(np.all(np.isfinite(loss)))


def _first(loss: float | tuple[float, ...]) -> float:
    """The rung table's ``loss``: the loss, or the first objective's with several (plots show one)."""
    return float(loss[0]) if isinstance(loss, tuple) else float(loss)
