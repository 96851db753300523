"""What the Importance tab shows, as plain data: the analyses of a study at a step, and the trials they read.

:func:`importance_info` runs them (``analysis.surrogate_of``, Sobol indices, the partial
dependence of the top parameters) at the tab's small settings (:data:`SETTINGS`), and counts
what the functions read, so that the caption (``ui.importance_panel``) says it truly for each
source: a forest reads the completed trials at the study's full budget; the study's GP reads
the trials its optimizer was told, which leave out a scheduler's lower rungs as well
(``study.learnt``; a past step's GP, refitted, is told them as the study tells them), and the
failed ones too, placed below the worst, which the caption says.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ..analysis import (
    RANK_MIN,
    GPSamples,
    PartialDependence,
    SobolIndices,
    below_full_budget,
    failed_learnt,
    partial_dependence,
    shows_no_effect,
    sobol_indices,
    surrogate_of,
    trial_data,
)
from ..study.core import Study, check_study

__all__ = ["MAX_SETTINGS", "MIN_TRIALS", "SETTINGS", "ImportanceInfo", "importance_info", "trials_read"]

#: Finished trials needed before importance is estimated at all (fewer: a message instead), the
#: count below which ``analysis.importance`` warns that a ranking is guesswork.
MIN_TRIALS = RANK_MIN
#: The analyses' settings, small for speed: Sobol design points, sample paths or trees,
#: background configurations and levels of the partial dependence.
SETTINGS: Mapping[str, int] = {"n": 256, "n_samples": 32, "n_background": 64, "resolution": 25}
#: The largest value of each setting the panel accepts: the analyses run again after every trial
#: while the tab is shown, and all four at their largest take about 4 s for a forest on 10 trials
#: (2**17 design points, which sobol_indices itself allows, took 4 s alone).
MAX_SETTINGS: Mapping[str, int] = {"n": 4096, "n_samples": 256, "n_background": 1024, "resolution": 200}


@dataclass(frozen=True, eq=False)
class ImportanceInfo:
    """What the tab shows, as plain data.

    Attributes
    ----------
    indices : SobolIndices or None
        None when there was nothing to analyse (see ``message``).
    dependence : tuple of PartialDependence
        1-D partial dependence of the parameters drawn (the two most important, or the one chosen).
    source : str
        "gp" or "forest": the functions actually used.
    n_trials : int
        Completed trials the analysis read (at the study's full budget): a forest's, those asked
        before ``step``; the GP's, those in its data (finished before it).
    step : int or None
        The step viewed (None: the present).
    objective : str
        The objective's name.
    message : str
        Why nothing is shown ("" when something is).
    below_full : int
        Completed trials below the study's full budget (a scheduler's lower rungs), left out by
        either source (a GP's optimizer is not told them: ``study.learnt``).
    failed : int
        Failed trials the GP learnt, below the worst value (0 for a forest).
    """

    indices: SobolIndices | None
    dependence: tuple[PartialDependence, ...]
    source: str
    n_trials: int
    step: int | None
    objective: str
    message: str = ""
    below_full: int = 0
    failed: int = 0


def analysed(study: Study, surrogate: str, objective: int, step: int | None, min_trials: int,
             settings: Mapping[str, int]) -> tuple[Any, ImportanceInfo]:
    """The surrogate's functions (None when nothing is analysed) and what the tab shows, but the
    partial dependence (:func:`dependence`, which the panel draws for the parameter clicked)."""
    _, losses = trial_data(study, objective, step)
    below = below_full_budget(study, step)
    name = study.goals.names[objective]
    if len(losses) < min_trials:
        message = (f"{len(losses)} completed trial(s){_at_full(below)}{_at(step)}: importance is estimated "
                   f"from {min_trials} on (fewer would mostly show the surrogate's guesswork).")
        return None, ImportanceInfo(None, (), "", len(losses), step, name, message, below)
    functions = surrogate_of(study, surrogate, objective=objective, step=step, n_samples=settings["n_samples"])
    failed = failed_learnt(study, functions.source, step)
    if shows_no_effect(losses, failed):  # its sample paths still wiggle
        message = (f"all {len(losses)} completed trials{_at_full(below)}{_at(step)} have the same value "
                   f"({losses[0]:g}): no parameter has shown an effect.")
        return None, ImportanceInfo(None, (), "", len(losses), step, name, message, below)
    indices = sobol_indices(functions, study.space, n=settings["n"], source=functions.source)
    # A GP's data are the completed trials its optimizer was told (at the full budget: study.learnt).
    n_read = len(functions.view.X) if isinstance(functions, GPSamples) else len(losses)
    return functions, ImportanceInfo(indices, (), indices.source, n_read, step, name, "", below, failed)


def dependence(functions: Any, study: Study, names: Sequence[str],
               settings: Mapping[str, int]) -> tuple[PartialDependence, ...]:
    """The 1-D partial dependence of each of ``names`` on ``functions``, at the tab's ``settings``."""
    return tuple(partial_dependence(functions, study.space, name, n_background=settings["n_background"],
                                    resolution=settings["resolution"]) for name in names)


def drawn(indices: SobolIndices, chosen: str | None, top: int = 2) -> list[str]:
    """The parameters whose partial dependence is drawn: ``chosen`` first, then the most important."""
    ranking = indices.ranking()
    first = [chosen] if chosen in ranking else []
    return (first + [name for name in ranking if name not in first])[:top]


def importance_info(study: Study, surrogate: str = "auto", *, objective: int | str | None = None,
                    step: int | None = None,
                    chosen: str | None = None, min_trials: int = MIN_TRIALS,
                    settings: Mapping[str, int] = SETTINGS) -> ImportanceInfo:
    """What the Importance tab shows for ``study`` (at ``step``; ``surrogate`` and ``objective``
    as for :func:`~interactive_hpo.analysis.surrogate_of`; ``chosen``: a parameter whose partial
    dependence is drawn first).

    Examples
    --------
    >>> from interactive_hpo import Float, SearchSpace, Study
    >>> space = SearchSpace([Float("a", 0, 1), Float("b", 0, 1), Float("c", 0, 1)])
    >>> study = Study(space, "sobol", seed=0)
    >>> _ = study.run(lambda p: 10 * (p["a"] - 0.5) ** 2 + p["b"], n_trials=32)
    >>> info = importance_info(study)
    >>> info.source, info.indices.ranking()[0], [pd.names for pd in info.dependence]
    ('forest', 'a', [('a',), ('b',)])
    >>> importance_info(study, step=4).message.startswith("4 completed trial(s) at step 4")
    True
    """
    check_study(study, "importance_info")
    index = study.goals.index_of(objective, "importance_info", "importance_info(study, objective={})")
    functions, info = analysed(study, surrogate, index, step, min_trials, settings)
    if info.indices is None:
        return info
    return dataclasses.replace(info, dependence=dependence(functions, study, drawn(info.indices, chosen), settings))


def trials_read(info: ImportanceInfo) -> str:
    """What the caption says the analysis read: "12 completed trials at the full budget (48 below
    it left out, as best_trial leaves them) and 2 failed ones (the GP places them below the worst
    value) at step 40"."""
    failed = f" and {info.failed} failed one(s) (the GP places them below the worst value)" if info.failed else ""
    return f"{info.n_trials} completed trials{_at_full(info.below_full)}{failed}{_at(info.step)}"


def _at(step: int | None) -> str:
    return "" if step is None else f" at step {step}"


def _at_full(below: int) -> str:
    """What the trials counted are when ``below`` completed ones ran below the full budget."""
    return f" at the full budget ({below} below it left out, as best_trial leaves them)" if below else ""
