"""Draw a population's lineage: every individual by generation and value, who bred whom, and
how the best so far was bred.

Plain data in (a ``Lineage``, :func:`interactive_hpo.study.curves.lineage`'s arrays).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from .._validation import check_real, fail, is_int
from ._axes import axes_or_new, drawn_entries, integer_ticks
from ._checks import first_bad, is_sequence, record_fields, records, vector

__all__ = ["ADOPTED_LABEL", "LINEAGE_BEST_LABEL", "NOT_BRED_LABEL", "plot_lineage"]

#: What :func:`plot_lineage` reads of a ``Lineage``.
LINEAGE_FIELDS = ("ids", "generations", "values", "parents", "best", "ancestry")
#: The legend's entries for :func:`plot_lineage`'s best: ringed, as the population's star says ...
LINEAGE_BEST_LABEL = "best so far"
#: ... or a line at its value, when no individual holds it (a trial of yours, or another optimizer's).
NOT_BRED_LABEL = "best so far (not bred)"
#: The legend's entry for a root the method built from a trial it did not breed (``Lineage.adopted``).
ADOPTED_LABEL = "a trial not bred here"


def _whole(array: np.ndarray, name: str, owner: str, rule: str) -> np.ndarray:
    """``array`` as ints if every entry is a whole number (an id 1.5 would be read as 1)."""
    first_bad(array, np.isfinite(array) & (array == np.round(array)), name, owner, rule)
    return array.astype(int)


def _lineage_arrays(lineage: Any, owner: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(ids, generations, values) of ``lineage``, each of shape (n,), checking its fields: one
    entry each per individual, parents a tuple of ids per individual, best None or one of the ids.
    A malformed one failed inside (int() of a str, float() of None, 'int' object is not iterable)."""
    ids, generations, values, parents, best, _ = record_fields(lineage, LINEAGE_FIELDS, "lineage", owner,
                                                               "a Lineage (study.curves.lineage(study))")
    if not isinstance(ids, np.ndarray):  # Lineage.ancestry reads ids.tolist()
        raise fail("lineage.ids", owner, "an ndarray of shape (n,) of ints (one id per individual)", ids)
    ids = _whole(vector(ids, "lineage.ids", owner), "lineage.ids", owner, "an int (an individual's id)")
    n = len(ids)
    generations = _whole(vector(generations, "lineage.generations", owner, n, "lineage.ids"),
                         "lineage.generations", owner, "an int (a generation; -1 where unknown)")
    values = vector(values, "lineage.values", owner, n, "lineage.ids")
    first_bad(values, ~np.isinf(values), "lineage.values", owner, "a finite number, or NaN for a failed individual")
    rule = f"{n} tuples of parent ids, one per individual"
    parents = records(parents, "lineage.parents", owner, rule)
    if len(parents) != n:
        raise fail("lineage.parents", owner, rule, f"{len(parents)} tuples")
    for k, each in enumerate(parents):
        if not is_sequence(each) or not all(map(is_int, each)):
            raise fail(f"lineage.parents[{k}]", owner, "a tuple of ints (the ids of the parents)", each)
    known = set(ids.tolist())
    if best is not None and not (is_int(best) and best in known):
        raise fail("lineage.best", owner, "None or one of lineage.ids (the best individual)", best)
    adopted = getattr(lineage, "adopted", {})  # a Lineage of its own without it: none
    if not isinstance(adopted, Mapping) or not all(is_int(k) and k in known and is_int(v) for k, v in adopted.items()):
        raise fail("lineage.adopted", owner, "a dict of ids of lineage.ids -> trial numbers", adopted)
    return ids, generations, values


def plot_lineage(lineage: Any, ax: Any = None, best_value: float | None = None) -> Any:
    """Individuals by generation (x) and value (y), a grey line from each parent to its child,
    and the best so far (ringed in red) with its ancestry in red: how the winner was bred.

    An individual built from a trial the method did not breed (``lineage.adopted``: before a
    switch, yours) is drawn as a grey diamond labelled with that trial's number.

    Parameters
    ----------
    lineage : Lineage
        From :func:`interactive_hpo.study.curves.lineage` (plain arrays: ids, generations, values,
        parents, best, adopted).
    ax : matplotlib Axes, optional
    best_value : float, optional
        The best value so far over every trial, the individuals' and the others' (yours, another
        optimizer's before a switch: ``study.best_value``). Given, ``lineage.best`` is ringed only
        if it holds that value; otherwise a red dashed line marks it, "not bred". Without it the
        ring marks ``lineage.best``, the best individual: after a switch from another optimizer
        its ring marked 18.5 while the study's best was 2.2.

    Returns
    -------
    matplotlib Axes
    """
    from matplotlib.collections import LineCollection

    ids, generations, values = _lineage_arrays(lineage, "plot_lineage")
    if best_value is not None:
        best_value = check_real(best_value, "best_value", "plot_lineage")
    ax = axes_or_new(ax, (6, 4), owner="plot_lineage")
    where = {int(i): (float(g), float(v)) for i, g, v in zip(ids, generations, values, strict=True)}
    best = lineage.best
    if best is not None and best_value is not None and where[int(best)][1] != best_value:
        best = None  # the best so far was not bred: an individual ringed as it would say it was
    ancestry = set(lineage.ancestry(best)) if best is not None else set()
    plain: list[list[tuple[float, float]]] = []  # segments (parent, child) as (generation, value) ends
    line: list[list[tuple[float, float]]] = []
    for child, parents in zip(ids.tolist(), lineage.parents, strict=True):
        for parent in parents:
            if parent in where and child in where and np.isfinite(where[parent][1]) and np.isfinite(where[child][1]):
                (line if child in ancestry and parent in ancestry else plain).append([where[parent], where[child]])
    # Mid grey at 1 pt: visible on a projector, still behind the ancestry (issue 26).
    ax.add_collection(LineCollection(plain, colors="0.55", linewidths=1.0, zorder=1, label="parent → child"))
    ax.add_collection(LineCollection(line, colors="C3", linewidths=2.2, zorder=2, label="ancestry of the best"))
    adopted = getattr(lineage, "adopted", {})
    bred = np.array([int(i) not in adopted for i in ids], dtype=bool)
    ax.scatter(generations[bred], values[bred], s=24, color="C0", edgecolors="black", linewidths=0.4, zorder=3,
               label="individual")
    ax.scatter(generations[~bred], values[~bred], s=40, marker="D", color="0.75", edgecolors="black",
               linewidths=0.6, zorder=3, label=ADOPTED_LABEL)
    for ident, number in adopted.items():
        g, v = where[int(ident)]
        if number >= 0 and np.isfinite(v):
            ax.annotate(f"trial {number}", (g, v), xytext=(4, 4), textcoords="offset points", fontsize="x-small",
                        color="0.3")
    if best is not None:  # marked itself: a winner drawn in generation 0 has no ancestry to show it
        ax.scatter(*where[int(best)], s=110, facecolors="none", edgecolors="C3", linewidths=2.0, zorder=4,
                   label=LINEAGE_BEST_LABEL)
    elif best_value is not None:
        ax.axhline(best_value, color="C3", ls="--", lw=1.5, zorder=4, label=NOT_BRED_LABEL)
    ax.set(xlabel="generation", ylabel="value", title="lineage")
    integer_ticks(ax.xaxis)
    ax.autoscale_view()
    ax.legend(*drawn_entries(ax), fontsize="small", loc="best")  # no links (CMA-ES breeds none): not listed
    return ax
