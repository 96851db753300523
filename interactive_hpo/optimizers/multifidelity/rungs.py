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

from ..._validation import check_int, check_real, fail, warn_user
from ..feasibility import UNKNOWN, constrained_order, feasibility_key
from ..recorded import from_recorded_settings

__all__ = ["rung_budgets", "checked_budgets", "checked_rungs", "hyperband_brackets", "Bracket", "Job"]


def checked_budgets(owner: str, min_budget: Any, max_budget: Any, eta: Any, eta_name: str = "reduction_factor", *,
                    min_default: bool = False) -> tuple[float, float, int]:
    """``(min_budget, max_budget, eta)`` as float, float, int, or the uniform error naming ``owner``,
    the parameter (``eta`` as ``eta_name``), the rule and the value given.

    The rules: ``0 < min_budget < max_budget``, both finite and their ratio a finite float (1e300 /
    1e-300 has no number of rungs), and ``eta`` an int in [2, 1000]. ``min_default``: ``min_budget``
    is its default, not given, so a ``max_budget`` at or below it is the error (with a hint).
    """
    high = check_real(max_budget, "max_budget", owner, 0, None, low_open=True)
    if min_default and min_budget >= high:
        raise fail("max_budget", owner, f"greater than min_budget={min_budget:g} (its default)", max_budget,
                   hint="Give a smaller min_budget with it.")
    low = check_real(min_budget, "min_budget", owner, 0, high, low_open=True, high_open=True)
    if not math.isfinite(high / low):
        raise fail("min_budget", owner, f"a finite real number in (0, {high}) with max_budget / min_budget a finite "
                   "float", min_budget)
    return low, high, check_int(eta, eta_name, owner, 2, 1000)


def rung_budgets(min_budget: float, max_budget: float, eta: int) -> list[float]:
    """The budgets of a full set of rungs: ``max_budget * eta**-k``, down to >= ``min_budget``.

    ``0 < min_budget < max_budget`` (finite) and ``eta`` an int in [2, 1000], else the uniform
    error (:func:`checked_budgets`).

    Returns
    -------
    list of float, of length ``floor(log_eta(max_budget / min_budget)) + 1``
        Increasing; the last is ``max_budget``.

    Examples
    --------
    >>> rung_budgets(1, 81, 3)
    [1.0, 3.0, 9.0, 27.0, 81.0]
    """
    return _rungs(*checked_budgets("rung_budgets", min_budget, max_budget, eta, "eta"))


def _rungs(min_budget: float, max_budget: float, eta: int) -> list[float]:
    """:func:`rung_budgets` of checked settings."""
    # The 1e-9 keeps ratios that are exact powers of eta (81 / 1 with eta = 3) from losing a rung to rounding.
    top = int(math.floor(math.log(max_budget / min_budget) / math.log(eta) + 1e-9))
    return [max_budget / eta ** (top - k) for k in range(top + 1)]


def checked_rungs(owner: str, min_budget: float, max_budget: float, eta: int, typed: Any = None) -> list[float]:
    """:func:`rung_budgets` of settings :func:`checked_budgets` passed, refused with the uniform
    error (naming ``min_budget``, as ``typed``) when they are a single rung, every job at
    ``max_budget``: no multi-fidelity at all. When the lowest is not ``min_budget`` (rounded up to
    the grid) a ``UserWarning`` names the rungs, unless ``typed`` is None (``min_budget`` left at
    its default: not a person's choice)."""
    budgets = _rungs(min_budget, max_budget, eta)
    rungs = f"[{', '.join(f'{b:g}' for b in budgets)}]"
    settings = f"max_budget={max_budget:g} and reduction_factor={eta}"
    if len(budgets) < 2 and from_recorded_settings():  # a journal an earlier version wrote: it opens
        warn_user(f"{owner}: this journal's scheduler has one rung, {rungs} (min_budget={min_budget:g} with "
                  f"{settings}; an earlier version allowed it): every job runs at the full budget, as in random "
                  "search. Switch to a smaller min_budget to go on with several rungs.", UserWarning)
        return budgets
    if len(budgets) < 2:
        default = "That is its default: min_budget was not given. " if typed is None else ""
        raise fail("min_budget", owner, f"at most max_budget / reduction_factor = {max_budget / eta:g}, for two "
                   "rungs or more", min_budget if typed is None else typed,
                   hint=f"{default}With {settings} the rungs would be {rungs}: every job at the full budget, as in "
                        "random search. Give a smaller min_budget or reduction_factor.")
    if typed is not None and not math.isclose(budgets[0], min_budget, rel_tol=1e-6):  # 1e-6: a float32 1/9 is 1/9
        warn_user(f"{owner} starts new configurations at budget {budgets[0]:g}, not min_budget={min_budget:g}: "
                      f"with {settings} the rungs are max_budget * reduction_factor**-k, {rungs}. For rungs from "
                      "min_budget pass max_budget = min_budget * reduction_factor**k; to keep these, min_budget = "
                      f"max_budget / {eta}**{len(budgets) - 1}.", UserWarning)
    return budgets


def hyperband_brackets(min_budget: float, max_budget: float, eta: int) -> list[list[tuple[int, float]]]:
    """The brackets of Hyperband (Li et al., 2018, Algorithm 1), most exploratory first.

    Bracket ``s`` (from ``s_max`` down to 0) starts ``n = ceil((s_max + 1) / (s + 1) * eta**s)``
    configurations at budget ``R * eta**-s`` and keeps ``floor(n * eta**-i)`` at rung ``i``, whose
    budget is ``R * eta**(i - s)``; ``R`` is ``max_budget`` and ``s_max`` the number of rungs - 1.
    The settings follow :func:`rung_budgets`' rules.

    Returns
    -------
    list of lists of (n_configs, budget)
        One list per bracket, one pair per rung.

    Examples
    --------
    >>> [len(b) for b in hyperband_brackets(1, 81, 3)], hyperband_brackets(1, 81, 3)[1][0]
    ([5, 4, 3, 2, 1], (34, 3.0))
    """
    min_budget, max_budget, eta = checked_budgets("hyperband_brackets", min_budget, max_budget, eta, "eta")
    s_max = len(_rungs(min_budget, max_budget, eta)) - 1
    brackets = []
    for s in range(s_max, -1, -1):
        n = -(-(s_max + 1) * eta**s // (s + 1))  # integer ceiling: no float error at large eta**s
        brackets.append([(n // eta**i, max_budget / eta ** (s - i)) for i in range(s + 1)])
    return brackets


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
    #: Per rung: config -> loss, for finished jobs (inf for failed or pruned ones); a tuple of
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
