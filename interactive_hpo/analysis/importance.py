"""Which hyperparameters mattered in a study: the analyses of this room, read from a study.

:func:`surrogate_of` picks the plausible functions a study's trials support (its own Gaussian
process when the optimizer has one, else a random forest fitted to its completed trials, manual
ones included, PRUNED ones and those below the full budget left out: see :func:`trial_data`;
a GP switched to after a scheduler is not told those either, ``study.learnt``),
and :func:`importance` runs the Sobol analysis on them (:mod:`.study_analyses` the others).
``step=k`` reads the study as it was when trial ``k`` was asked (time travel: how the estimates
settle as trials arrive). A warm-started study's GP follows its sources' means, fitted to other
objectives: the analyses read a GP of the same settings fitted to this study's trials alone.
``objective`` names one objective by its name or index, as ``Study.history`` does; a study of
several has no default (each has its own values and direction), one of one needs none.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from .._validation import check_int, check_one_of, fail, float_array, warn_user
from ..exceptions import InvalidParameterError
from ..optimizers.capabilities import ModelBased
from ..optimizers.failures import configuration, fails, fitted_failures
from ..study import Study
from ..study.core import check_study
from ..study.learnt import as_told, tell
from ..study.past import full_budget_at
from ..study.results import at_full_budget
from ..trial import TrialState
from ._checks import MAX_SAMPLES, MAX_SEED
from .sobol import SobolIndices, design_settings, sobol_indices
from .surrogates import FOREST_MIN, ForestSurrogate, GPSamples

__all__ = ["RANK_MIN", "below_full_budget", "failed_learnt", "importance", "shows_no_effect", "surrogate_of",
           "trial_data"]

SURROGATES = ("auto", "gp", "forest")
#: The surrogates fitted, by their ``source``: "auto" is a choice of one (:func:`failed_learnt`).
_SOURCES = (GPSamples.source, ForestSurrogate.source)

#: Below this many completed trials :func:`importance` warns that its ranking is mostly the
#: surrogate's guesswork (the Lab's Importance tab shows nothing below it, ``ui.importance_panel``):
#: a GP's sample paths then carry its prior's wiggles in every direction, and a forest's trees
#: split on whichever coordinate happened to separate a handful of points.
RANK_MIN = 8


def trial_data(study: Study, objective: int | str | None = None, step: int | None = None
               ) -> tuple[np.ndarray, np.ndarray]:
    """The completed trials' points and losses, for ``objective`` (its name or index in
    ``study.goals.names``; required for a study of several), of the trials before ``step`` if
    given.

    Only COMPLETE trials with finite values count, as the optimizers learn only from them: a
    PRUNED trial's last value was measured at a smaller budget (an early epoch, a subset of the
    data), not the loss the others report; a FAILED one has none. For the same reason only
    those at the study's full budget count, as ``best_trial`` counts them
    (:func:`~interactive_hpo.study.results.at_full_budget`): a multi-fidelity scheduler's lower
    rungs measure a cheaper, biased objective (a Hyperband study whose cheap budgets saw only
    ``x`` and its full one only ``y`` ranked ``x`` first, 0.92 against 0.20, from all its
    trials). :func:`below_full_budget` counts those left out.

    Returns
    -------
    X : ndarray of shape (n, d)
        Their points in the unit cube.
    losses : ndarray of shape (n,)
    """
    objective, step = _checked(study, objective, step, "trial_data")
    return _completed(study, objective, step)


def _checked(study: Any, objective: Any, step: Any, owner: str, arguments: str = "study") -> tuple[int, int | None]:
    """``objective`` (as its index) and ``step`` of ``study`` checked, errors naming ``owner``
    (the function the person called, whose positional ``arguments`` the refusal of no objective
    shows), as ``Study.history`` reads an objective."""
    check_study(study, owner)
    objective = study.goals.index_of(objective, owner, f"{owner}({arguments}, objective={{}})")
    return objective, None if step is None else check_int(step, "step", owner, 0, len(study.trials))


def _full(study: Study, step: int | None) -> float:
    """The full budget the analyses count at: the study's, or as it stood at ``step``: a scheduler
    switched to later with a larger ``max_budget`` left that step's full evaluations out."""
    return study.full_budget if step is None else full_budget_at(study.state, step)


def _completed(study: Study, objective: int, step: int | None) -> tuple[np.ndarray, np.ndarray]:
    trials = study.trials if step is None else study.trials[:step]
    full = _full(study, step)
    rows = [(t.x, study.goals.losses(values)[objective]) for t in trials
            if t.state is TrialState.COMPLETE and at_full_budget(t, full)
            and (values := study.goals.values_of(t)) is not None]
    X = np.array([x for x, _ in rows], dtype=float).reshape(-1, study.space.dim)
    losses = np.array([loss for _, loss in rows], dtype=float)
    finite = np.isfinite(losses)
    return X[finite], losses[finite]


def below_full_budget(study: Study, step: int | None = None) -> int:
    """How many COMPLETE trials of ``study`` (before ``step`` if given) ran below its full budget
    (``study.full_budget``, or as it stood at ``step``): the analyses here leave them out (see
    :func:`trial_data`), and say so."""
    check_study(study, "below_full_budget")
    return _below(study, None if step is None else check_int(step, "step", "below_full_budget", 0, len(study.trials)))


def _below(study: Study, step: int | None) -> int:
    """:func:`below_full_budget` of checked arguments."""
    full = _full(study, step)
    return sum(t.state is TrialState.COMPLETE and not at_full_budget(t, full) for t in study.trials[:step])


def _left_out(study: Study, step: int | None, owner: str) -> None:
    """Warn, in the words of ``owner``, of the completed trials (before ``step``) below the full
    budget that it leaves out (a forest's data, and a GP's: ``study.learnt``): a ranking from a
    fifth of a Hyperband study's trials should not pass for one from all of them."""
    if below := _below(study, step):
        warn_user(f"{owner}: {below} completed trial(s){_before(step)} ran below the full budget "
                  f"({_full(study, step):g}) and are left out, as best_trial leaves them out: a scheduler's lower "
                  "rungs measure a cheaper, biased objective.", UserWarning)


def _too_few(study: Study, step: int | None, n: int, needed: str, purpose: str, owner: str,
             hint: str = "") -> InvalidParameterError:
    """The error for a study with ``n`` completed trials at the full budget (before ``step``,
    which is then the argument named) where ``purpose`` needs ``needed`` ("at least 4 completed
    trials")."""
    below = _below(study, step)
    lower = f", nor do {below} completed below the full budget ({_full(study, step):g})" if below else ""
    told = f"{n} (PRUNED and FAILED trials do not count{lower}).{hint}"
    if step is None:
        return fail("study", owner, f"a study with {needed} {purpose}", study, hint=f"Trials completed: {told}")
    return fail("step", owner, f"a step with {needed} before it {purpose}", step,
                hint=f"Trials completed before it: {told}")


def surrogate_of(study: Study, surrogate: str = "auto", *, objective: int | str | None = None, step: int | None = None,
                 n_samples: int = 64, seed: int = 0) -> GPSamples | ForestSurrogate:
    """The plausible functions behind the analyses of ``study``.

    Parameters
    ----------
    study : Study
    surrogate : {"auto", "gp", "forest"}, default="auto"
        "gp": the study's Gaussian process (``study.surrogate(step)``; its optimizer must have
        one, fitted; for a warm-started study, a GP of the same settings fitted to this study's
        trials alone, without the sources' means); "forest": a random forest on the completed trials at the full
        budget (at least 4; see :func:`trial_data`; :func:`below_full_budget` counts the others, which the
        analyses below warn of); "auto": the GP when there is one and the study has one objective, else the forest.
    objective : int or str, optional
        Which objective: its name or index in ``study.goals.names``. Required for a study of
        several (then read by a forest); None, 0 and its name are the same for one.
    step : int, optional
        The study as it was when trial ``step`` was asked.
    n_samples : int, default=64
        GP sample paths, or trees (2 to :data:`~interactive_hpo.analysis._checks.MAX_SAMPLES`, 1024).
    seed : int, default=0
        In [0, 2**32 - 1], as a forest takes.
    """
    owner = "surrogate_of"
    return _functions(study, _surrogate_settings(study, surrogate, objective, step, n_samples, seed, owner), owner)


@dataclass(frozen=True)
class SurrogateSettings:
    """The arguments of :func:`surrogate_of`, checked: which functions, of which objective, at
    which step, how many, from which seed."""

    surrogate: str
    objective: int
    step: int | None
    n_samples: int
    seed: int


def _surrogate_settings(study: Any, surrogate: Any, objective: Any, step: Any, n_samples: Any, seed: Any,
                        owner: str, arguments: str = "study") -> SurrogateSettings:
    """The arguments of :func:`surrogate_of` checked once, every error naming ``owner`` (the
    function the person called), before anything is fitted: an analysis that multiplies
    ``n_samples`` by its own sizes reads it from here."""
    objective, step = _checked(study, objective, step, owner, arguments)
    surrogate = check_one_of(surrogate, "surrogate", owner, SURROGATES)
    if study.goals.multi and surrogate == "gp":
        raise fail("surrogate", owner, "'forest' or 'auto' for a study of several objectives", surrogate)
    return SurrogateSettings(surrogate, objective, step, check_int(n_samples, "n_samples", owner, 2, MAX_SAMPLES),
                             check_int(seed, "seed", owner, 0, MAX_SEED))


def _functions(study: Study, chosen: SurrogateSettings, owner: str) -> GPSamples | ForestSurrogate:
    """:func:`surrogate_of` on checked settings; an error for too few trials names ``owner``."""
    surrogate, objective, step = chosen.surrogate, chosen.objective, chosen.step
    view = None if surrogate == "forest" or study.goals.multi else \
        study.surrogate() if step is None else _past_view(study, step)
    if view is not None and view.hyperparameters.source_weights:
        # A warm-started GP's mean is c + sum_j w_j mu_j(x), its sources' means: its sample paths
        # vary with what mattered to the sources' objectives (a source of y alone, weight 0.3,
        # gave y a total of 0.39 on a target of x alone; 0.15 cold, 0.07 by a forest). This
        # study's question is its own objective: its own trials, a GP without the sources.
        view = _refitted(study, step)
    if view is not None:
        return GPSamples(view, n_samples=chosen.n_samples, seed=chosen.seed)
    X, losses = _completed(study, objective, step)
    if surrogate == "gp":
        if not isinstance(study.optimizer, ModelBased):
            raise fail("surrogate", owner, "'gp' only for a study whose optimizer has a Gaussian process", surrogate,
                       hint=f"Its optimizer is {study.optimizer.name!r}; use surrogate='forest'.")
        forest = "surrogate='forest' would read them" if len(losses) >= FOREST_MIN else \
            f"a random forest (surrogate='forest') needs at least {FOREST_MIN}"
        raise _too_few(study, step, len(losses), "enough completed trials", "to fit the study's Gaussian process",
                       owner,
                       hint=f" Too few for the GP; {forest}.")
    if len(losses) < FOREST_MIN:
        raise _too_few(study, step, len(losses), f"at least {FOREST_MIN} completed trials", "for a random forest",
                       owner)
    # In objective units, as the GP's view reports: partial dependence reads the same either way.
    values = study.goals.directions[objective].to_value(losses)
    return ForestSurrogate(X, values, n_trees=chosen.n_samples, seed=chosen.seed)


def _past_view(study: Study, step: int) -> Any:
    """The belief behind trial ``step`` when a fitted model proposed it; for a trial of the
    initial design (or a manual one), a GP of the same settings fitted now on the trials before
    it: what the optimizer would have believed, had it fitted then. None without a GP."""
    try:
        return study.surrogate(step=step)
    except InvalidParameterError:  # no belief was recorded for that trial
        if not isinstance(study.optimizer, ModelBased):
            return None
    return _refitted(study, step)


def _refitted(study: Study, step: int | None) -> Any:
    """A GP of the study's optimizer's settings fitted now on the trials before ``step`` (all if
    None), without warm-start sources (they are given to an optimizer apart from its settings),
    in the study's direction; None for fewer than two. Told as the study tells its optimizer
    (:func:`~interactive_hpo.study.learnt.tell`): a scheduler's lower rungs are not learnt."""
    fresh = type(study.optimizer)(study.space, **study.optimizer.settings())
    full = _full(study, step)
    for trial in study.trials[:step]:
        if trial.state.is_finished:  # a trial still running then is not told, as in the study
            tell(fresh, study.goals, trial, full)
    view = fresh.surrogate()
    return None if view is None else view.in_direction(study.direction)


def importance(study: Study, surrogate: str = "auto", *, objective: int | str | None = None, step: int | None = None,
               n: int = 512, n_samples: int = 64, level: float = 0.9, seed: int = 0) -> SobolIndices:
    """First-order and total Sobol indices of each hyperparameter of ``study``, with intervals.

    Computed on :func:`surrogate_of`'s functions (see
    :func:`~interactive_hpo.analysis.sobol.sobol_indices` for ``n`` and ``level``): the GP, or
    a forest on the completed trials (PRUNED ones and those below the full budget left out, by
    either, with a warning that counts the latter; see :func:`trial_data`), of
    ``objective`` (see :func:`surrogate_of`; required for a study of several). Each of
    the ``n_samples`` functions is evaluated at the ``n (d + 2)`` points at once: at most 2**26
    values in all.

    When every completed trial has the same value, every index is 0 (no parameter has shown an
    effect; a GP's sample paths would still vary), with a warning; with fewer than
    :data:`RANK_MIN` (8) completed trials, a warning that the ranking is mostly guesswork.

    Examples
    --------
    >>> from interactive_hpo import Float, SearchSpace, Study
    >>> space = SearchSpace([Float("a", 0, 1), Float("b", 0, 1), Float("c", 0, 1)])
    >>> study = Study(space, "sobol", seed=0)
    >>> _ = study.run(lambda p: 10 * (p["a"] - 0.5) ** 2 + p["b"], n_trials=64)
    >>> importance(study, "forest").ranking()
    ['a', 'b', 'c']
    """
    owner = "importance"
    chosen = _surrogate_settings(study, surrogate, objective, step, n_samples, seed, owner)
    n, level = design_settings(n, level, owner, study.space.dim, chosen.n_samples)
    functions = _functions(study, chosen, owner)
    _left_out(study, chosen.step, owner)
    _, losses = _completed(study, chosen.objective, chosen.step)
    # The counts below are of the trials read: those at the full budget, when others were left out.
    full = " at the full budget" if _below(study, chosen.step) else ""
    if shows_no_effect(losses, failed_learnt(study, functions.source, chosen.step)):
        warn_user(f"importance: all {len(losses)} completed trials{full}{_before(chosen.step)} have the same value "
                  f"({losses[0]:g}): no parameter has shown an effect, every index is 0.", UserWarning)
        d = study.space.dim
        return SobolIndices(tuple(study.space.names), np.zeros(d), np.zeros(d), np.zeros((chosen.n_samples, d)),
                            np.zeros((chosen.n_samples, d)), level, functions.source, n)
    if len(losses) < RANK_MIN:
        warn_user(f"importance: {len(losses)} completed trials{full}{_before(chosen.step)}, fewer than {RANK_MIN}: the "
                  f"indices mostly show the {functions.source} surrogate's guesswork (a GP's prior, a forest's "
                  "arbitrary splits), not the objective; do not rank on them.", UserWarning)
    return sobol_indices(functions, study.space, n=n, level=level, seed=chosen.seed, source=functions.source)


def shows_no_effect(losses: np.ndarray, failed: int = 0) -> bool:
    """Whether the trials a surrogate learns from show no parameter's effect: every one of
    ``losses`` (the completed trials', shape (n,), n >= 1) is the same value, to rounding, and
    none of the ``failed`` trials it also learns from (:func:`failed_learnt`) failed. A GP's
    sample paths still wiggle (its prior, rescaled to any spread), and Sobol indices are shares
    of their variance: a flat objective read a=0.48, k=0.48, n=0.65 from 15 trials, so
    :func:`importance` (and the Lab) says so instead."""
    owner, rule = "shows_no_effect", "an array of shape (n,) of n >= 1 finite losses"
    array = float_array(losses, "losses", owner, rule)
    if array.ndim != 1 or not len(array):
        raise fail("losses", owner, rule, losses if array.ndim == 0 else f"an array of shape {array.shape}")
    if not np.all(np.isfinite(array)):
        raise fail("losses", owner, rule, f"{int(np.sum(~np.isfinite(array)))} of {len(array)} not finite")
    failed = check_int(failed, "failed", owner, 0)
    # A few float steps of the largest, not a relative 1e-12 (4,500 steps at 1e15: values 24
    # steps apart, which differ, were read as one).
    return failed == 0 and bool(np.ptp(array) <= 4 * np.spacing(float(np.max(np.abs(array)))))


def failed_learnt(study: Study, source: str, step: int | None = None) -> int:
    """How many failed trials (before ``step``) a surrogate of ``source`` learns from: a GP's
    training data place them below the worst loss (where an objective fails is an effect: one
    that failed for a > 0.6 read a = 0.997 by the GP); a forest learns from completed trials only.

    The GP's own rule (``optimizers.failures``), on the trials as the study tells its optimizer
    (``study.learnt``): not one cut short, nor one whose configuration also completed, before or
    after it failed; one its objective pruned before any report counts.

    ``source`` is the ``source`` of the surrogate fitted, "gp" or "forest"
    (``surrogate_of(study).source``: "auto" chooses one); ``step`` an int in [0, n] for a study
    of n trials, or None (all of them)."""
    owner = "failed_learnt"
    check_study(study, owner)
    check_one_of(source, "source", owner, _SOURCES, "the sources of the surrogates (surrogate_of(study).source)")
    step = None if step is None else check_int(step, "step", owner, 0, len(study.trials))
    if source != "gp":
        return 0
    full = _full(study, step)
    told = [as_told(study.goals, trial, study.optimizer, full) for trial in study.trials[:step]
            if trial.state.is_finished]
    completed = {configuration(trial.params) for trial, loss in told if loss is not None}
    return int(fitted_failures([trial.params for trial, loss in told if loss is None and fails(trial)],
                               completed).sum())


def _before(step: int | None) -> str:
    """How a warning names the trials read: all of them, or those before ``step``."""
    return "" if step is None else f" before step {step}"
