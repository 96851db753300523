"""What the Model tab shows: the belief now (under the what-if's settings) or when a past step
was proposed, as plain records for the panels, with no widget in sight."""

from __future__ import annotations

import dataclasses
import html
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from .._validation import check_int, fail
from ..exceptions import InvalidParameterError
from ..goals import counts_as_feasible
from ..optimizers.capabilities import ModelBased, MultiObjective
from ..optimizers.registry import optimizers_declaring
from ..study.core import Study
from ..trial import CARRIED, Trial, TrialState
from ._checks import check_history
from .lab_goals import objective_history, shows_objectives

__all__ = ["ShownBelief", "initial_point", "known_feasible", "past_belief", "present_belief"]


@dataclass(frozen=True)
class ShownBelief:
    """What the Model tab shows (:meth:`LabController.present`, :meth:`LabController.past`).

    Attributes
    ----------
    view : GPSurrogateView or None
        The belief (now, or rebuilt from the hyperparameters recorded at a past step).
    history : History
        The study's history; at a past step the values not yet known then are blanked (NaN).
    proposal : ndarray of shape (d,) or None
        The point proposed from ``view``, in the unit cube, snapped (``SearchSpace.snap``) as
        the trial made of it is.
    population : PopulationSnapshot or None
        A population optimizer's population then.
    why : str
        Why there is no view ("" when there is one).
    caption : str
        HTML: what is shown, for the timeline ("" for the present).
    usual_proposal : ndarray of shape (d,) or None
        Under a what-if, the proposal without it (what the what-if changes); None otherwise.
    any_feasible : bool
        Whether a trial the model had seen then is known to meet its constraints (see
        :func:`known_feasible`): without one, constrained log-EI is the log probability of
        feasibility, and the plots say so.
    chosen : str
        How ``proposal`` was chosen when the model did not choose it (a point of the initial
        design: :func:`initial_point`), as a sentence; "" when the acquisition chose it, or at a
        past step (the caption says it there).
    """

    view: Any
    history: Any
    proposal: np.ndarray | None
    population: Any
    why: str
    caption: str = ""
    usual_proposal: np.ndarray | None = None
    any_feasible: bool = True
    chosen: str = ""


def known_feasible(trials: Sequence[Trial]) -> bool:
    """Whether any of ``trials`` is COMPLETE and known to meet its constraints, as constrained BO
    counts them (``bayes.constrained``) and a study with constraints does
    (:func:`~interactive_hpo.goals.counts_as_feasible`: one reporting none is of unknown
    feasibility, though ``Trial.feasible`` is True for it); False where none carries constraints."""
    return any(t.state is TrialState.COMPLETE and counts_as_feasible(t, True) for t in trials)


def present_belief(study: Study, history: Any, *, can_step: bool, what_if: Mapping[str, Any] | None = None,
                   objective: int | str | None = None) -> ShownBelief:
    """The belief now and its next proposal (asked only when the study ``can_step``: the
    optimizer keeps it, so the next Step evaluates this very point), under the settings
    ``what_if`` overrides when given. ``objective``: of several, the one (its name or index, as
    for ``study.history``) whose GP is shown ("ehvi",
    :func:`~interactive_hpo.ui.lab_goals.shows_objectives`), in its own units, with the trials
    at its values instead of ``history``'s."""
    objective = _check_shown(study, history, objective, "Lab.present")
    if what_if is not None and not isinstance(what_if, Mapping):
        raise fail("what_if", "Lab.present", "None or a dict of the settings to try", what_if)
    optimizer = study.optimizer
    which = {} if objective is None else {"objective": objective}
    view, proposal, usual, suggestion = study.surrogate(**which), None, None, None
    # Snapped, as the trial a Step makes of it is: the acquisition optimiser's raw point holds
    # whatever it left in inactive coordinates (gamma 5.93 over a linear kernel) and
    # categoricals off their bins' centres, where the star would sit apart from that trial.
    if view is not None and isinstance(optimizer, ModelBased) and can_step:
        suggestion = optimizer.propose()
        proposal = study.space.snap(suggestion.x)
    if what_if and view is not None:
        usual = proposal
        view = study.surrogate(**which, **what_if)  # refuses a what-if for an optimizer without a model
        # Asked only when the study can step, as the usual proposal is: an optimizer with nothing left
        # raised SearchExhausted into the error log at each change of the what-if.
        if isinstance(optimizer, ModelBased) and can_step:
            suggestion = optimizer.propose(**what_if)
            proposal = study.space.snap(suggestion.x)
    history = history if objective is None else objective_history(study, objective)
    population = optimizer.population()
    if isinstance(optimizer, ModelBased):
        why = "The model appears after two completed trials."
    else:
        # Those the study takes: it refuses an optimizer of one objective for several.
        serving = " or ".join(optimizers_declaring(ModelBased, MultiObjective)) if study.goals.multi else "bo"
        why = f"{optimizer.name} has no model of the objective (switch to {serving} in the Optimizer tab to see one)"
        why += "; its population is drawn below." if population is not None else "."
    # A point of the initial design is no acquisition's choice, though a model is fitted by then
    # (from two trials): "logei chose it for its uncertainty" was said of a Sobol point.
    chosen = "" if suggestion is None else _next_chosen(study, optimizer.name, suggestion.info)
    return ShownBelief(view, history, proposal, population, why, usual_proposal=usual,
                       any_feasible=known_feasible(study.trials), chosen=chosen)


def _next_chosen(study: Study, source: str, info: Mapping[str, Any]) -> str:
    """How the next Step's trial, proposed by ``source`` with ``info`` (``Suggestion.info``), is
    chosen when no model chooses it (a point of the initial design), in the words the time-travel
    caption says it of that trial afterwards (:func:`initial_point`); "" when the model chooses it."""
    if info.get("phase") != "initial":
        return ""
    # No "point 3 of them": the design's total is not fixed (your trials count towards it).
    what, how = initial_point(source, "source_start" in info, None, None)
    # Named as drawn: one parameter has a dotted red line and an acquisition curve, not a star and a map.
    mark, where = ("The dotted red line", "curve") if study.space.dim == 1 else ("The star", "map")
    return (f"The next Step evaluates trial {len(study.trials)}, {what}, {how}. {mark} marks it; the "
            f"acquisition {where} shows where the model would look, but it does not choose the initial points.")


def initial_point(source: str, warm: bool, size: int | None, first: int | None) -> tuple[str, str]:
    """What a point of ``source``'s initial design is, and how it was chosen, as two phrases: a
    warm-start source's best point (``warm``) or a quasi-random (Sobol) point, of a design of
    ``size`` points (None: not known yet) after which the model proposed from trial ``first``
    (None: not yet). The time-travel caption (:func:`past_belief`) and the present's "Why this
    point?" (:func:`present_belief`) say it in these words."""
    size_text = "" if size is None else f"{size} "
    what = f"a warm-start source's best point, which {source}'s {size_text}initial points begin with" \
        if warm else f"one of {source}'s {size_text}quasi-random initial points"
    after = "proposes once its initial design is done" if first is None else f"proposed from trial {first} on"
    return what, f"chosen without a model: {source}'s model {after}"


def past_belief(study: Study, step: int, history: Any, objective: int | str | None = None,
                origins: Sequence[str] = ()) -> ShownBelief:
    """What was known and believed when trial ``step`` was proposed; ``history`` is the
    study's present ``History``; ``objective`` as for :func:`present_belief` (the step's
    log-EHVI proposal's GP of that objective). A trial a fork or a space edit carried here was
    proposed elsewhere: the caption says where, naming the branches in ``origins`` (the one the
    study's trials were carried from, then that one's, ...: ``LabController.carried_from``)."""
    step = check_int(step, "step", "Lab.past", 0, len(study.trials) - 1)
    objective = _check_shown(study, history, objective, "Lab.past", step)
    trial = study.trials[step]
    history = history if objective is None else objective_history(study, objective)
    known = study.finished_before(step)
    unknown = np.ones(len(history), dtype=bool)
    unknown[known] = False
    values, losses = history.values.copy(), history.losses.copy()
    values[unknown] = losses[unknown] = np.nan
    population = study.population(step=step)
    carried = _carried(trial, origins)  # proposed elsewhere: "what carried believed" was nonsense too
    try:
        which = {} if objective is None else {"objective": objective}
        view, why = study.surrogate(step=step, **which), ""
    except InvalidParameterError:  # a step no model proposed: say why in words, not the refusal's
        view, why = None, ""
    yours = trial.source in ("manual", "enqueued")  # nobody's proposal: "what manual believed" was nonsense
    # How the trial was chosen without a model, where no population shows it either: the caption's
    # words too ("what bo believed" of a Sobol point of its initial design claimed a belief).
    chosen = None if view is not None or population is not None or yours or carried else _chosen(study, step)
    if view is None:
        if carried is not None:
            why = f"Trial {step} {carried[0]}{carried[1]}" + \
                ("; below is this branch's population at that step." if population is not None else ".")
        elif yours:  # "manual has no model; below is its population" named the trial's source as the optimizer
            why = f"Trial {step} was yours ({trial.source}): no model proposed it" + \
                ("; below is the population when it was added." if population is not None else
                 ", so there is no belief to show.")
        elif population is not None:
            why = f"{trial.source} has no model; below is its population when it proposed trial {step}."
        elif chosen is not None:
            why = f"{chosen[:1].upper()}{chosen[1:]}."
    measured = study.goals.values_of(trial)  # one objective: (value,); several: a value each
    outcome = "not finished" if measured is None else ", ".join(f"{value:.6g}" for value in measured)
    it = "it" if yours or carried else "that proposal"
    plural = "" if len(known) == 1 else "s"
    finished = f"{len(known)} trial{plural} had finished"
    if yours:
        parts = [f"<b>Step {step}</b>: trial {step} was yours ({trial.source}), not a proposal; {finished} then"]
    elif carried is not None:
        parts = [f"<b>Step {step}</b>: trial {step} {html.escape(carried[0])}; {finished} before it here"]
    elif chosen is not None:
        parts = [f"<b>Step {step}</b>: {html.escape(chosen, quote=False)}; {finished} then"]
    else:
        parts = [f"<b>Step {step}</b>: what {html.escape(trial.source)} believed when it proposed trial {step}, "
                 f"from {len(known)} finished trial{plural}"]
    # What marks the trial on each figure shown: the population's star is its best so far, not the trial.
    if view is not None:
        parts.append(f"&#9733; on the model is {it}")
    if population is not None:
        ring = "the dashed line" if study.space.dim == 1 else "the black ring"  # over one parameter: no loss yet
        parts.append(f"in the population {ring} is {it} and &#9733; the best so far, the lineage as it was")
    parts.append(f"trial {step}'s value: {outcome}. Tick <i>live</i> to return to the present.")
    caption = "; ".join(parts)
    return ShownBelief(view, dataclasses.replace(history, values=values, losses=losses), trial.x, population, why,
                       caption, any_feasible=known_feasible([study.trials[k] for k in known]))


def _chosen(study: Study, step: int) -> str:
    """How trial ``step``, proposed here by an optimizer with no fitted model behind it (and no
    population to show), was chosen, as words that follow "Step 5: ": a point of a Bayesian
    optimizer's initial design (``"phase": "initial"`` in its attributes), or a model-free
    optimizer's proposal."""
    trial = study.trials[step]
    source = trial.source
    if trial.user_attrs.get("phase") != "initial":
        return f"trial {step} was proposed by {source}, which has no model of the objective"
    # The design ends where the same optimizer's model first proposes (a later trial of another phase).
    first = next((t.number for t in study.trials[step + 1:]
                  if t.source == source and t.user_attrs.get("phase") not in (None, "initial")), None)
    design = [t for t in study.trials[:first] if t.source == source and t.user_attrs.get("phase") == "initial"]
    what, how = initial_point(source, "source_start" in trial.user_attrs, None if first is None else len(design), first)
    return f"trial {step} was {what}, {how}"


def _carried(trial: Trial, origins: Sequence[str]) -> tuple[str, str] | None:
    """For a trial carried here by a fork or a space edit (perhaps carried before that too):
    where it came from and who proposed it there ("was carried from trial 4 of branch 'main',
    where bo proposed it"), and where to see that step (": choose 'main' in the branch list and
    view step 4 there"; "" when the branch is not known); None for a trial proposed here.
    ``origins`` names the branches of the hops, nearest first."""
    hops: list[Any] = []
    source: Any = trial.source
    attrs: Any = trial.user_attrs
    while source == CARRIED and isinstance(attrs, Mapping):  # each hop nests the last one's attributes
        hops.append(attrs.get("carried_from"))
        source, attrs = attrs.get("carried_source"), attrs.get("carried_attrs")
    if not hops:
        return None
    places = [f"trial {number} of branch {name!r}" for number, name in zip(hops, origins, strict=False)]
    places += [f"trial {number} of another study" for number in hops[len(origins):]]
    proposed = "it was yours (enqueued)" if source == "enqueued" else f"{source} proposed it"
    where = f"was carried from {', carried there from '.join(places)}, where {proposed}"
    if len(origins) < len(hops):
        return where, ""
    return where, f": choose {origins[len(hops) - 1]!r} in the branch list and view step {hops[-1]} there"


def _check_shown(study: Study, history: Any, objective: Any, owner: str, step: int | None = None) -> int | None:
    """The index of ``objective`` (an objective's name or index, as ``study.history`` takes it)
    whose GP of several the belief of ``step`` (None: the next proposal) shows; None for the usual
    view, which is that of the study's objective if it has one. Else the refusal naming ``owner``
    (5, and 0 of one objective, were refused in the words of the optimizer's ``overrides``), as
    of a ``history`` that is not the study's."""
    check_history(history, owner)
    if objective is None:
        return None
    index = study.goals.index_of(objective, owner, owner + "(objective={})")
    if study.goals.multi and not shows_objectives(study, step):
        raise fail("objective", owner, "None for a belief that is not one GP per objective", objective,
                   hint="Only EHVI ('ehvi') models each objective; ParEGO models one number, its scalarization.")
    return index if study.goals.multi else None
