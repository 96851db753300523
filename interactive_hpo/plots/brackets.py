"""Hyperband's plan drawn as a table: Li et al. (2018), Table 1, a row per bracket s, a column per
rung i, cells "n_i x r_i" shaded by budget (:func:`plot_brackets`, its data :func:`brackets_info`).
It reads a plan (``hyperband_brackets(...)``, ``Hyperband.bracket_plan()``), never an optimizer.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from .._validation import as_finite, fail
from ._axes import axes_or_new
from ._checks import is_sequence

__all__ = ["BracketsInfo", "brackets_info", "plot_brackets"]


def _plan(brackets: Any, owner: str) -> list[list[tuple[float, float]]]:
    """``brackets`` as lists of (n_configs, budget): a whole number >= 0 and a finite budget > 0
    (cells are shaded on a log scale); a flat list of pairs or a str would be unpacked wrongly."""
    rule = "a sequence of brackets, each a non-empty sequence of (n_configs, budget) pairs"

    if not is_sequence(brackets) or not all(is_sequence(b) and len(b) for b in brackets):
        raise fail("brackets", owner, rule, brackets)
    plan = []
    for row, bracket in enumerate(brackets):
        cells = []
        for rung, pair in enumerate(bracket):
            n, budget = (as_finite(v) for v in pair) if is_sequence(pair) and len(pair) == 2 else (None, None)
            if n is None or n < 0 or not n.is_integer() or budget is None or not budget > 0:
                raise fail(f"brackets[{row}][{rung}]", owner,
                           "an (n_configs, budget) pair: a whole number >= 0 and a finite budget > 0", pair)
            cells.append((n, budget))
        plan.append(cells)
    return plan


@dataclass(frozen=True, eq=False)
class BracketsInfo:
    """What :func:`plot_brackets` draws: Li et al. (2018), Table 1, as a grid.

    Attributes
    ----------
    n_configs, budgets : ndarray of shape (n_brackets, n_rungs)
        n_i and r_i of bracket row b at rung i; NaN where the bracket has no rung i.
    s : ndarray of shape (n_brackets,)
        Each row's bracket index in the paper (``s_max`` down to 0 in plan order).
    totals : ndarray of shape (n_brackets,)
        Budget each bracket spends, sum of n_i * r_i.
    text : list of list of str
        Cell labels "n_i × r_i" ("" where there is no rung).
    """

    n_configs: np.ndarray
    budgets: np.ndarray
    s: np.ndarray
    totals: np.ndarray
    text: list


def brackets_info(brackets: Sequence[Sequence[tuple[int, float]]]) -> BracketsInfo:
    """Grid of a bracket plan: ``hyperband_brackets(min_budget, max_budget, eta)`` or ``Hyperband.bracket_plan()``."""
    return _brackets_info(brackets, "brackets_info")


def _brackets_info(brackets: Sequence[Sequence[tuple[int, float]]], owner: str) -> BracketsInfo:
    plan = _plan(brackets, owner)
    width = max((len(b) for b in plan), default=0)
    n_configs = np.full((len(plan), width), np.nan)
    budgets = np.full((len(plan), width), np.nan)
    for row, bracket in enumerate(plan):
        for rung, (n, budget) in enumerate(bracket):
            n_configs[row, rung], budgets[row, rung] = n, budget
    text = [[f"{n:.0f} × {r:.3g}" if np.isfinite(n) else "" for n, r in zip(ns, rs, strict=True)]
            for ns, rs in zip(n_configs, budgets, strict=True)]
    return BracketsInfo(n_configs=n_configs, budgets=budgets, s=np.array([len(b) - 1 for b in plan], dtype=int),
                        totals=np.nansum(n_configs * budgets, axis=1), text=text)


def plot_brackets(brackets: Sequence[Sequence[tuple[int, float]]], ax: Any = None) -> Any:
    """Hyperband's brackets as a table: a row per bracket s, a column per rung i, cells "n_i × r_i".

    Cells are shaded by budget r_i (log scale); each row's total budget is on the right.

    Parameters
    ----------
    brackets : list of lists of (n_configs, budget)
        ``hyperband_brackets(min_budget, max_budget, eta)``, most exploratory first.
    ax : matplotlib Axes, optional

    Returns
    -------
    Axes
        ``ax.images[0]`` is the shaded grid, ``ax.texts`` the non-empty cells, row by row.

    Examples
    --------
    >>> from matplotlib.figure import Figure
    >>> ax = plot_brackets([[(9, 1.0), (3, 3.0), (1, 9.0)], [(5, 3.0), (1, 9.0)], [(3, 9.0)]], Figure().add_subplot())
    >>> [t.get_text() for t in ax.texts[:3]], ax.get_yticklabels()[0].get_text()
    (['9 × 1', '3 × 3', '1 × 9'], 's = 2')
    """
    info = _brackets_info(brackets, "plot_brackets")
    n_rows, n_cols = info.budgets.shape
    ax = axes_or_new(ax, (1.6 + 1.3 * max(n_cols, 1), 0.9 + 0.5 * max(n_rows, 1)), owner="plot_brackets")
    shade = np.ma.masked_invalid(np.log(info.budgets))
    low, high = (float(shade.min()), float(shade.max())) if shade.count() else (0.0, 1.0)
    image = ax.imshow(shade, cmap="Blues", vmin=low - 0.35 * (high - low + 1e-9), vmax=high, aspect="auto")
    for row in range(n_rows):
        for col in range(n_cols):
            if info.text[row][col]:
                dark = (shade[row, col] - image.norm.vmin) / (image.norm.vmax - image.norm.vmin + 1e-12) > 0.6
                ax.text(col, row, info.text[row][col], ha="center", va="center", fontsize="small",
                        color="white" if dark else "black")
    ax.set_xticks(np.arange(n_cols), [f"i = {i}" for i in range(n_cols)])
    ax.set_yticks(np.arange(n_rows), [f"s = {s}" for s in info.s])
    right = ax.secondary_yaxis("right")
    right.set_yticks(np.arange(n_rows), [f"total {t:.4g}" for t in info.totals])
    right.tick_params(length=0)
    ax.tick_params(length=0)
    ax.set_xlabel("rung i: configurations × budget each")
    ax.set_ylabel("bracket")
    return ax
