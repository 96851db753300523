"""The rung budgets: the ladder ``max_budget * eta**-k`` and Hyperband's brackets over it.

Plain arithmetic on a scheduler's settings (:mod:`.halving`): which budgets its rungs run at,
how many configurations each Hyperband bracket starts, and the uniform errors and warnings for
settings that leave a single rung or a ``min_budget`` off the ladder. :mod:`.rungs` keeps the
bookkeeping of the jobs at those budgets.
"""

from __future__ import annotations

import math
from typing import Any

from ..._validation import check_int, check_real, fail, warn_user
from ..recorded import from_recorded_settings

__all__ = ["ON_RUNG", "RECORDED_SLACK", "brackets_of", "checked_budgets", "checked_rungs", "hyperband_brackets",
           "on_rung", "rung_budgets"]

#: The relative difference within which a ``min_budget`` is a rung (:func:`on_rung`): a float32's
#: rounding (6e-8) is inside it, a budget a person chose off the ladder is not.
ON_RUNG = 1e-6
#: The ladder's slack before 2026-12-07, in powers of ``eta``: a ``min_budget`` a journal recorded
#: rebuilds by it (:func:`checked_rungs`). Journals then recorded the ``min_budget`` as typed, and
#: under :data:`ON_RUNG` one just above a rung (a float32 1/27, 1/243 to six digits) resumed with
#: a rung more than it ran: new configurations at 0.037 where a promotion to 1.0 was pending.
RECORDED_SLACK = 1e-9


def checked_budgets(owner: str, min_budget: Any, max_budget: Any, eta: Any, eta_name: str = "reduction_factor"
                    ) -> tuple[float, float, int]:
    """``(min_budget, max_budget, eta)`` as float, float, int, or the uniform error naming ``owner``,
    the parameter (``eta`` as ``eta_name``), the rule and the value given.

    The rules: ``0 < min_budget < max_budget``, both finite and their ratio a finite float (1e300 /
    1e-300 has no number of rungs), and ``eta`` an int in [2, 1000].
    """
    high = check_real(max_budget, "max_budget", owner, 0, None, low_open=True)
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


def _rungs(min_budget: float, max_budget: float, eta: int, recorded: bool = False) -> list[float]:
    """:func:`rung_budgets` of checked settings; ``recorded``: a journal's, read with
    :data:`RECORDED_SLACK`, the rule it was written under, instead of :func:`on_rung`."""
    steps = math.log(max_budget / min_budget) / math.log(eta)
    if recorded:  # a rung recorded since (HalvingScheduler.settings) is exact: both rules read it alike
        top = int(math.floor(steps + RECORDED_SLACK))
    else:
        top = int(math.floor(steps))
        if on_rung(max_budget / eta**top / eta, min_budget):  # rounding, in the log or in min_budget, lost that rung
            top += 1
    return [max_budget / eta ** (top - k) for k in range(top + 1)]


def on_rung(budget: float, min_budget: float) -> bool:
    """Whether ``min_budget`` is the rung ``budget``: equal but for rounding. The one rule for the
    ladder's lowest rung and the warning of a ``min_budget`` off it: a float32 1/27 (off by 1e-8)
    is 1/27, and 81 / 3**4 is 1. With two (the ladder allowed 1e-9, the warning 1e-6), a float32
    1/27 lost its rung without a word."""
    return math.isclose(budget, min_budget, rel_tol=ON_RUNG)


def checked_rungs(owner: str, min_budget: float, max_budget: float, eta: int, typed: Any = None) -> list[float]:
    """:func:`rung_budgets` of settings :func:`checked_budgets` passed, refused with the uniform
    error (naming ``min_budget``, as ``typed``) when they are a single rung, every job at
    ``max_budget``: no multi-fidelity at all. When the lowest is not ``min_budget`` (rounded up to
    the grid, :func:`on_rung`) a ``UserWarning`` names the rungs, unless ``typed`` is None
    (``min_budget`` left at its default: not a person's choice) or the settings are a journal's
    (:func:`from_recorded_settings`: its rungs are those it ran, and an earlier version's default,
    1/27, is off the ladder of a ``reduction_factor`` other than 3 and 27). A journal's settings
    are read with :data:`RECORDED_SLACK`, a person's with :func:`on_rung`."""
    recorded = from_recorded_settings()
    budgets = _rungs(min_budget, max_budget, eta, recorded)
    rungs = f"[{', '.join(f'{b:g}' for b in budgets)}]"
    settings = f"max_budget={max_budget:g} and reduction_factor={eta}"
    if len(budgets) < 2 and recorded:  # a journal an earlier version wrote: it opens
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
    if typed is not None and not on_rung(budgets[0], min_budget) and not recorded:
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
    return brackets_of(len(_rungs(min_budget, max_budget, eta)), max_budget, eta)


def brackets_of(n_rungs: int, max_budget: float, eta: int) -> list[list[tuple[int, float]]]:
    """:func:`hyperband_brackets` of a ladder of ``n_rungs`` rungs up to ``max_budget``: a scheduler's
    own (``Hyperband.budgets``), which a journal's settings may have read with another rule."""
    s_max = n_rungs - 1
    brackets = []
    for s in range(s_max, -1, -1):
        n = -(-(s_max + 1) * eta**s // (s + 1))  # integer ceiling: no float error at large eta**s
        brackets.append([(n // eta**i, max_budget / eta ** (s - i)) for i in range(s + 1)])
    return brackets
