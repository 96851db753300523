"""What the Lab reads from a study depends on its goals: one objective, or several (issue 27).

With one objective each trial has a value, and the Model, History and timeline panels draw it.
With several, a trial has a value per objective; the Pareto panel draws them, and these
functions give the other panels what stands in for "the value":

- the Model tab draws ParEGO's model, which is a model of **one number**: the augmented
  Chebyshev scalarization of the losses with the weights of the proposal at hand. The trials
  are drawn as that number (:func:`lab_history`), and :func:`model_note` says so;
- or EHVI's ("ehvi"), one GP per objective: one objective at a time, chosen in the tab
  (:func:`shows_objectives`), in its own units, the trials at its values (:func:`objective_history`),
  under the log-EHVI every objective shares;
- the timeline plots each branch's hypervolume over trials, from the Pareto panel's fixed
  reference point, instead of the best value so far (:func:`progress_curves`);
- the optimizer dropdown offers only optimizers that serve several objectives.

The Lab builds its study here too (:func:`study_from`), from a study, an objective or a task.
"""

from __future__ import annotations

import dataclasses
import html
from collections.abc import Callable, Mapping, MutableMapping
from typing import Any

import numpy as np

from .._paths import check_path
from .._validation import fail, seed_to_int
from ..direction import Direction
from ..goals import Goals
from ..hypervolume import GrowingHistory
from ..interop import from_optuna, is_optuna_study, optuna_objective
from ..objectives.tasks import check_task_name, make_task
from ..optimizers.capabilities import ModelBased, ModelPerObjective
from ..optimizers.registry import available_optimizers, check_study_optimizer, optimizers_serving_several
from ..plots.pareto import pareto_info
from ..space import SearchSpace
from ..study.core import Study
from ..study.journal import Journal
from ..study.past import best_so_far
from ..study.results import at_full_budget, no_best_yet
from ..study.warm_start import WarmStart
from ..trial import TrialState
from ..views import History
from .errors import ErrorLog
from .pareto_panel import ParetoPanel
from .pareto_reference import objective_values

__all__ = ["lab_history", "model_note", "models_each_objective", "objective_history", "optimizer_names",
           "pareto_panel_for", "progress_curves", "shows_objectives", "study_from"]


def study_from(first: Any, objective: Any, task: str | None, optimizer: str | None, seed: int | None,
               settings: Mapping[str, Any] | None, storage: Any, space: SearchSpace | None, direction: str | None,
               directions: Any = None, warm_start: Any = None) -> tuple[Study, Callable[..., Any]]:
    """The Lab's study and objective from its arguments (see :class:`~interactive_hpo.ui.Lab`).

    A new study has the objective's ``directions`` (several objectives) or ``direction`` unless
    given; its default optimizer is "bo" for one objective and "parego" for several; it learns
    from the ``warm_start`` studies, if any (a given study keeps the sources it was made with).
    """
    # Lab(space, objective), written as Study(space, ...) is: the space given first is ``space``.
    if isinstance(first, SearchSpace) and space is None and callable(objective):
        first, objective, space = objective, None, first
    if task is not None:
        if first is not None or objective is not None:
            raise fail("task", "Lab", "given alone (not with an objective or a study)", task)
        check_task_name(task, "task", "Lab")
        first = make_task(task, **({} if seed is None else {"seed": seed_to_int(seed, "Lab")}))
    # What makes a new study; a study given keeps its own, so each of them given too is refused
    # (Lab(study, f, seed=1) or storage="run.jsonl" was ignored without a word).
    unused = {"space": space, "direction": direction, "directions": directions, "warm_start": warm_start}
    if is_optuna_study(first):  # Lab(optuna_study, objective): Optuna's trials, our GP; objective(trial) is Optuna's
        first = from_optuna(first, optimizer, seed=seed, optimizer_settings=settings, storage=storage)
        objective = None if objective is None else optuna_objective(objective)
    elif isinstance(first, Study):
        unused |= {"optimizer": optimizer, "seed": seed, "optimizer_settings": settings, "storage": storage}
    if isinstance(first, Study):
        for name, value in unused.items():
            if value is not None:
                raise fail(name, "Lab", "None with an existing study, which keeps its own", value,
                           hint=f"Give it to the study when you make it (Study(..., {name}=...)); switch optimizer "
                                "or edit the space in the Lab's tabs.")
        if not callable(objective):
            raise fail("objective", "Lab", "a callable objective(params) -> float for Lab(study, objective)",
                       objective)
        return first, objective
    if objective is not None:
        raise fail("objective", "Lab", "None unless the first argument is a Study", objective,
                   hint="For a space and a function: Lab(space, f) or Lab(f, space=space)."
                   if isinstance(objective, SearchSpace) and callable(first) else None)
    if not callable(first):
        raise fail("study_or_objective", "Lab", "a Study, or an objective callable objective(params)", first)
    space = space if space is not None else getattr(first, "space", None)
    if not isinstance(space, SearchSpace):
        raise fail("space", "Lab", "a SearchSpace (the objective has no .space)", space)
    if directions is None and direction is None:
        directions = getattr(first, "directions", None)
    names = getattr(first, "names", None)  # a problem's objective names ("f0", "accuracy"): the plots' labels
    if isinstance(directions, (list, tuple)) and isinstance(names, (list, tuple)) and len(names) == len(directions) \
            and all(isinstance(name, str) for name in names):
        directions = dict(zip(names, directions, strict=True))
    goals: dict[str, Any] = {"directions": directions} if directions is not None else \
        {"direction": getattr(first, "direction", "minimize") if direction is None else direction}
    # The Lab's arguments that the study takes as they are, checked here: its refusals named
    # "`seed` of Study", which the person did not call.
    parsed = Goals.parse(**goals, owner="Lab")
    path = None if storage is None else check_path(storage, "storage", "Lab")
    seed = None if seed is None else seed_to_int(seed, "Lab")  # a Generator's draw: the one the study made
    if settings is not None and not isinstance(settings, Mapping):
        raise fail("optimizer_settings", "Lab", "a dict or None", settings)
    # The Lab's default optimizer is for a new study only (no journal, or an empty file): given to a
    # resumed one, it switched the journal's optimizer ("random", say) to "bo" though none was asked for.
    if optimizer is None and (settings is not None or path is None or Journal(path).is_empty()):
        optimizer = "parego" if parsed.multi else "bo"  # resuming with neither: the journal's optimizer goes on
    if optimizer is not None:
        check_study_optimizer(optimizer, settings, space, parsed, "Lab")
    # Read as the study reads it; the study is given the sources read (SourceRecords, read again as they are).
    sources = WarmStart.read(warm_start, space, parsed, "Lab").records or None
    return Study(space, optimizer, **goals, seed=seed, optimizer_settings=settings, storage=path,
                 warm_start=sources), first


def pareto_panel_for(study: Study, objective: Any, errors: ErrorLog) -> ParetoPanel | None:
    """The Pareto panel of a study of several objectives (None for one). Its reference point is
    the one the objective declares (``ZDT2(...).reference``, BoTorch's), if any: fixed from the
    first trial; otherwise the panel's rule fixes one from the first feasible trials."""
    if not study.goals.multi:
        return None
    panel = ParetoPanel(study.goals, errors)
    declared = getattr(objective, "reference", None)
    if declared is not None and np.shape(declared) == (study.goals.n,):
        panel.set_reference(declared, origin=f"declared by the objective ({type(objective).__name__}.reference)")
    return panel


def optimizer_names(goals: Goals) -> list[str]:
    """The registered optimizers a study with ``goals`` can switch to: all for one objective;
    for several, those that serve several (``MultiObjective``: random, Sobol, grid, ParEGO...)."""
    return optimizers_serving_several() if goals.multi else available_optimizers()


def _weights(study: Study, step: int | None) -> tuple[np.ndarray | None, float]:
    """The ParEGO weights of the proposal shown (the next one, or trial ``step``'s) and rho;
    (None, rho) when the proposal had none (a model-free optimizer, its initial design)."""
    optimizer = study.optimizer
    if step is not None:
        recorded = study.trials[step].user_attrs.get("parego_weights")
        weights = None if recorded is None else np.asarray(recorded, dtype=float)
    elif isinstance(optimizer, ModelBased):
        from ..optimizers.bayes.parego import ParEGO  # a model-based optimizer: torch is loaded already

        weights = optimizer.weights() if isinstance(optimizer, ParEGO) else None
    else:
        weights = None
    if weights is not None and len(weights) != study.goals.n:  # ParEGO before its first trial has no trade-off
        weights = None
    return weights, float(getattr(optimizer, "rho", 0.05))


def lab_history(study: Study, step: int | None = None) -> History:
    """The study's ``history()``; with several objectives, a History whose values are the
    scalarized losses ParEGO's model was fitted on (for the proposal of trial ``step``, or the
    next one), NaN where there is none; its direction is "minimize"."""
    if not study.goals.multi:
        return study.history()
    trials, goals, space = study.trials, study.goals, study.space
    n = len(trials)
    values = np.full(n, np.nan)
    weights, rho = _weights(study, step)
    if weights is not None:
        from ..optimizers.bayes.parego import chebyshev

        known = [t.number for t in trials if t.state is TrialState.COMPLETE and t.values is not None]
        if step is not None:
            before = set(study.finished_before(step))
            known = [k for k in known if k in before]
        if known:
            losses = np.array([goals.losses(trials[k].values) for k in known])  # type: ignore[arg-type]
            values[known] = chebyshev(losses, weights, rho)
    X = np.array([t.x for t in trials]).reshape(n, space.dim)
    loss = Direction.MINIMIZE
    return History(numbers=np.arange(n), values=values, losses=values.copy(), best_values=loss.running_best(values),
                   states=np.array([t.state.value for t in trials], dtype=object),
                   sources=np.array([t.source for t in trials], dtype=object), X=X,
                   budgets=np.array([np.nan if t.budget is None else t.budget for t in trials], dtype=float),
                   direction=loss, active=space.conditions.active_mask(X) if space.conditional else None)


def models_each_objective(optimizer: Any) -> bool:
    """Whether ``optimizer`` keeps a GP per objective ("ehvi": its views take ``objective=``), as
    it declares (:class:`~interactive_hpo.optimizers.capabilities.ModelPerObjective`)."""
    return isinstance(optimizer, ModelPerObjective)


def shows_objectives(study: Study, step: int | None = None) -> bool:
    """Whether the Model tab draws one objective at a time: a study of several objectives whose
    belief shown is EHVI's, one GP per objective (the next proposal's: the optimizer is "ehvi";
    trial ``step``'s: it records a log-EHVI proposal, ``"acquisition": "qlognehvi"``)."""
    if not study.goals.multi:
        return False
    if step is not None:
        return str(study.trials[step].user_attrs.get("acquisition", "")).startswith("qlognehvi")
    return models_each_objective(study.optimizer)


def objective_history(study: Study, objective: int) -> History:
    """The trials as a History of objective ``objective`` of several: its values (NaN for a trial
    without: running or failed), losses and best so far in that objective's direction."""
    values = np.array([np.nan if t.state is not TrialState.COMPLETE or t.values is None else t.values[objective]
                       for t in study.trials], dtype=float)
    direction = study.goals.directions[objective]
    return dataclasses.replace(lab_history(study, None), values=values, losses=direction.to_loss(values),
                               best_values=direction.running_best(values), direction=direction)


def model_note(study: Study, step: int | None = None, objective: int | None = None) -> str:
    """HTML over the Model tab: what its model is a model of ("" for one objective); with
    ``objective``, EHVI's GP of that objective (see :func:`shows_objectives`)."""
    if not study.goals.multi:
        return ""
    if objective is not None:
        name, direction = html.escape(study.goals.names[objective]), study.goals.directions[objective]
        better = "higher" if direction is Direction.MAXIMIZE else "lower"
        which = "the next proposal" if step is None else f"trial {step}"
        return (f"<b>Objective: {name} ({direction.value}).</b> EHVI's Gaussian process of {name}, in its own "
                f"units ({better} is better); the dots are the trials' {name}. The acquisition shown is the "
                f"hypervolume improvement (log-EHVI) behind {which}: one for all objectives, the same whichever "
                "is selected. The Pareto tab shows the objectives together.")
    weights, _ = _weights(study, step)
    if weights is None:
        return ""
    which = "the next proposal" if step is None else f"trial {step}"
    shown = ", ".join(f"{name} {w:.2f}" for name, w in zip(study.goals.names, weights, strict=True))
    return ("<b>A model of one number, not of the objectives.</b> ParEGO fits its Gaussian process to the "
            "augmented Chebyshev scalarization of the losses (each scaled to its observed range), with the "
            f"weights drawn for {which} ({shown}); lower is better, and the dots are the trials' scalarized "
            "losses with these weights. The Pareto tab shows the objectives themselves.")


def empty_curve_note(study: Study, reference: np.ndarray | None) -> str:
    """What the timeline says while ``study``'s curve has no value: waiting for the Pareto tab's
    reference point (several objectives), or why there is no best yet, and for a multi-fidelity
    study where its lower rungs are drawn."""
    if study.goals.multi and reference is None:
        return "hypervolume: waiting for the reference point (fixed in the Pareto tab)"
    why = no_best_yet(study.trials, study.full_budget)
    if why == "no trial at the full budget yet":
        return (f"no trial at the full budget ({study.full_budget:g}) yet: the curve counts full evaluations, "
                "the lower rungs are in the multi-fidelity plots below")
    return why


def progress_curves(branches: Mapping[str, Study], reference: np.ndarray | None, full_budget: float | None = None,
                    measures: MutableMapping[str, GrowingHistory] | None = None) -> tuple[dict[str, np.ndarray], str]:
    """The timeline's curves, one per branch, and their label: the best value so far (one
    objective) or the hypervolume over trials from ``reference`` (several; NaN until it is fixed).

    ``reference``: ndarray of shape (m,) in objective units (m objectives), or None. Each curve
    is an ndarray of shape (n_trials,), the branch's trials in order. ``full_budget``: the budget
    the trials are counted at (a past step's, :func:`~interactive_hpo.study.past.full_budget_at`);
    None: each branch's own now (``study.full_budget``). ``measures``: kept by the caller between
    redraws, a :class:`~interactive_hpo.hypervolume.GrowingHistory` per branch name (added here
    when missing), so that each redraw measures only the trials new since the last."""
    first = next(iter(branches.values()))
    if not first.goals.multi:
        return {name: branch.history().best_values if full_budget is None else best_so_far(branch, full_budget)
                for name, branch in branches.items()}, "best so far"
    directions = [d.value for d in first.goals.directions]
    curves = {}
    for name, branch in branches.items():
        trials = branch.trials  # one copy: another thread's ask may grow the study meanwhile
        values, feasible = objective_values(branch.goals, trials)
        full = np.array([at_full_budget(t, branch.full_budget if full_budget is None else full_budget)
                         for t in trials], dtype=bool)  # as the Pareto tab
        # Not warned at each refresh: the Pareto tab's caption says why a curve stays at 0.
        curves[name] = np.full(len(values), np.nan) if reference is None else \
            pareto_info(values, directions, feasible, reference=reference, full=full, warn=False,
                        measure=None if measures is None else measures.setdefault(name, GrowingHistory())).hypervolume
    return curves, "hypervolume"
