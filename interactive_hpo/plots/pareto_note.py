"""Why a hypervolume is 0: a reference point that no counted trial dominates.

:func:`interactive_hpo.pareto.hypervolume` counts only points strictly better than the reference
in every objective and says nothing when there are none: it is arithmetic, run in optimizers'
loops and benchmarks, where 0 is an answer. A reference a person gives is another matter: typed
in a maximized objective's loss units (negated), or past the best trial in some objective, it
leaves the hypervolume curve flat at 0. :func:`unreached_reference` says so, naming the
objectives at fault and what would count; ``pareto_info`` warns with it and the Lab's Pareto
panel shows it in its caption.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ..direction import Direction

__all__ = ["unreached_reference"]


def unreached_reference(values: np.ndarray, directions: Sequence[Direction], counted: np.ndarray,
                        reference: np.ndarray, names: Sequence[str], lower_budget: bool = False,
                        constrained: bool = True) -> str:
    """Why the hypervolume measured from ``reference`` is 0, or "" when it need not be.

    Parameters
    ----------
    values : ndarray of shape (n, m)
        Objective values in the user's directions (rows not counted may be NaN).
    directions : sequence of Direction
        m directions.
    counted : ndarray of bool, shape (n,)
        The trials that can add hypervolume (feasible, at the full budget).
    reference : ndarray of shape (m,)
        The reference point in objective units, finite.
    names : sequence of str
        m objective names.
    lower_budget : bool, default False
        Whether some trials ran at a lower budget (the message then says "at the full budget").
    constrained : bool, default True
        Whether feasibility was measured (the study has constraints): the message then says
        "feasible trial". Without constraints every trial counts as feasible, and the word
        would suggest a constraint that does not exist.

    Returns
    -------
    str
        "" when no trial is counted (nothing measured yet: a reference may be fixed before any
        trial) or one is better than ``reference`` in every objective; otherwise a sentence that
        names the objectives in which no counted trial is better than the reference (if any) and,
        in every objective, the value beyond the worst counted trial that would count them all.

    Examples
    --------
    >>> import numpy as np
    >>> from interactive_hpo.direction import Direction
    >>> from interactive_hpo.plots.pareto_note import unreached_reference
    >>> text = unreached_reference(np.array([[0.9, 50.0], [0.8, 20.0]]), [Direction("maximize"), Direction("minimize")],
    ...                            np.array([True, True]), np.array([0.95, 100.0]), ["accuracy", "cost"],
    ...                            constrained=False)
    >>> print(text.split(". ")[1])  # doctest: +NORMALIZE_WHITESPACE
    No trial is better than it in accuracy (best 0.9, maximized); a reference worse than all
    of them (accuracy below 0.8, cost above 50) would count them all
    """
    losses = np.column_stack([d.to_loss(values[counted, j]) for j, d in enumerate(directions)])
    limit = np.array([d.to_loss(value) for d, value in zip(directions, reference, strict=True)])
    if not len(losses) or (losses < limit).all(axis=1).any():
        return ""
    trials = ("feasible trial" if constrained else "trial") + (" at the full budget" if lower_budget else "")
    shown = ", ".join(f"{name} {value:.4g}" for name, value in zip(names, reference, strict=True))
    text = f"no {trials} dominates the reference point ({shown}): the hypervolume is 0. "
    stuck = [j for j in range(len(names)) if (losses[:, j] >= limit[j]).all()]
    if stuck:
        best = [d.to_value(loss) for d, loss in zip(directions, losses.min(axis=0), strict=True)]
        text += f"No {trials} is better than it in " + " or ".join(
            f"{names[j]} (best {best[j]:.4g}, {directions[j].value}d)" for j in stuck) + "; "
    else:
        text += f"Each {trials} is no better than it in some objective; "
    worst = [d.to_value(loss) for d, loss in zip(directions, losses.max(axis=0), strict=True)]
    text += "a reference worse than all of them (" + ", ".join(
        f"{names[j]} {'above' if directions[j] is Direction.MINIMIZE else 'below'} {worst[j]:.4g}"
        for j in range(len(names))) + ") would count them all."  # every objective: one it is not stuck in may miss too
    if any(directions[j] is Direction.MAXIMIZE for j in stuck):
        text += " A maximized objective's reference is its lowest value that still counts, in its own units, " \
                "not the negated loss."
    return text
