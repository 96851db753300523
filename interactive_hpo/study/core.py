"""The study: trials, an optimizer that proposes them, and a journal that keeps them.

Only the study turns an objective value into the loss optimizers minimize (``-value`` when
maximizing); only the search space turns unit-cube points into params.
"""

from __future__ import annotations

import math
import os
import time
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from .._json_values import check_attrs
from .._paths import check_path
from .._validation import (
    as_scalar,
    check_bool,
    check_int,
    check_no_seed_setting,
    fail,
    is_int,
    seed_to_int,
)
from ..exceptions import StorageError
from ..goals import Goals
from ..optimizers.base import Optimizer, Suggestion
from ..optimizers.registry import adopt, check_rebuilt_by_name
from ..outcome import Outcome, keep_record, read_evaluation
from ..space import SearchSpace
from ..trial import Evaluation, Trial, TrialState, parse_state
from .in_charge import InCharge
from .introspection import Introspection
from .journal import Journal
from .learnt import tell
from .own_trials import OwnTrials
from .owners import new_owner, told_twice
from .pruning import Pruner, make_pruner, pruner_spec
from .read_only import opening_as
from .recording import Recording, StudyEvent
from .replay import copy_journal, read_header, rebuild_after_lost_ask, resume, spec_of
from .results import finished_event, finished_fields, retell_note, told
from .running import Running
from .state import StudyState
from .steering import Steering
from .waiting import waiting_error
from .warm_start import SourceRecord, WarmStart

__all__ = ["Study", "StudyEvent", "check_study"]

class Study(Recording, InCharge, OwnTrials, Steering, Introspection, Running):
    """An optimization run: ask for trials, tell their results, and keep every one.

    Parameters
    ----------
    space : SearchSpace
        What is searched.
    optimizer : str or Optimizer, optional
        A registered name (see ``available_optimizers()``) or a new instance over ``space`` (told
        no trial, proposed none, in no other study). Default "random"; when resuming a journal,
        the journal's current optimizer.
    direction : {"minimize", "maximize"}, Direction or None
        Whether lower or higher objective values are better (kept as a
        :class:`~interactive_hpo.direction.Direction`, which equals the string); None: minimize.
    directions : list of directions, or dict from objective name to direction, optional
        Several objectives (instead of ``direction``): the objective returns a value for each,
        as a tuple in this order or a dict by name; trials keep them as ``trial.values`` and
        :attr:`best_trials` is the Pareto set. The optimizer must serve several objectives:
        ``interactive_hpo.optimizers.registry.optimizers_serving_several()`` lists those
        registered, today "random", "sobol", "grid", the schedulers "halving", "hyperband" and
        "asha", "parego", "ehvi" and "nsga2"; others are refused, with that list.
    seed : int, numpy.random.Generator or None
        Seeds optimizers built from a name (``optimizer`` given as one, and those switched to
        by name later); the same seed gives the same trials. An optimizer instance keeps the
        seed it was built with. None draws a seed from fresh entropy and records it
        (``study.seed``, the journal): a resumed study goes on with it. A Generator gives one draw.
    storage : str or path, optional
        A journal file. New (or empty): created. Existing: the study resumes from it; RUNNING
        trials left by a crashed process become FAILED. A journal of another space, direction or
        objectives (names, order), or a file that is not a journal, is refused and left untouched. Several processes may
        work on one journal at once (see :meth:`refresh`): each reads what the others wrote
        before it numbers a trial, and its optimizer knows their trials. One this process cannot
        write, or an HPOSearchCV search's, opens read-only (see :meth:`load`).
    optimizer_settings : dict, optional
        Settings for an optimizer given by name (``{"resolution": 7}`` for "grid"). A ``"seed"``
        among them is refused, as ``HPOSearchCV``, ``nested_cv``, ``from_optuna`` and ``Lab``
        refuse it: it overrode ``seed`` for the optimizer alone, unseen (``study.seed`` and the
        journal's header named another). Pass ``seed=``, or an optimizer built with the seed you
        want (``make_optimizer("random", space, seed=3)``), as a fork (``fork_study``) passes the
        optimizer in charge then, seed and all.
    pruner : Pruner, "median", "nop" or None, optional
        Stops running trials whose reports look hopeless; one objective only (see
        :mod:`interactive_hpo.study.pruning`). Objectives report through a ``report(value, step)``
        keyword argument. When resuming: None keeps the journal's pruner; another one is switched
        to (warned about and journaled); ``NopPruner()`` turns pruning off. Later, assigning
        :attr:`pruner` switches too (journaled).
    warm_start : Study, list of Study or dict from name to Study, optional
        Related studies (one objective each) whose completed trials the optimizer learns from
        before its first trial: Bayesian optimization evaluates their best configurations first
        and follows their GPs' means with learned weights; population methods start from their
        best. Their trials that fit ``space`` are kept in the journal (see
        :mod:`interactive_hpo.study.warm_start`); they never become this study's trials. Each
        source has a name of its own (the dict's key, else its journal's file name, made
        distinct); a name given twice is refused. A journal's path is not a source: pass
        ``Study.load(path)``.

    Examples
    --------
    >>> from interactive_hpo import Float, SearchSpace, Study
    >>> study = Study(SearchSpace([Float("x", -2, 2)]), "sobol", seed=0)
    >>> trials = study.run(lambda p: (p["x"] - 1) ** 2, n_trials=16)
    >>> len(study.trials), abs(study.best_trial.params["x"] - 1) < 0.2
    (16, True)
    """

    def __init__(
        self,
        space: SearchSpace,
        optimizer: str | Optimizer | None = None,
        *,
        direction: str | None = None,
        directions: Sequence[str] | Mapping[str, str] | None = None,
        seed: int | np.random.Generator | None = None,
        storage: str | os.PathLike[str] | None = None,
        optimizer_settings: Mapping[str, Any] | None = None,
        pruner: Pruner | str | None = None,
        warm_start: Any = None,
    ):
        if not isinstance(space, SearchSpace):
            raise fail("space", "Study", "a SearchSpace", space)
        path = None if storage is None else check_path(storage, "storage", "Study")
        if optimizer_settings is not None and not isinstance(optimizer_settings, Mapping):
            raise fail("optimizer_settings", "Study", "a dict or None", optimizer_settings)
        check_no_seed_setting(optimizer_settings, "Study")
        self.space = space
        self.goals = Goals.parse(direction, directions, "Study")
        self._init_recording()
        self._owner = new_owner(self, path)
        self._init_steering()
        self._pruner = make_pruner(pruner, self.goals)
        self._journal = None if path is None else Journal(path)
        self.seed = seed_to_int(seed, "Study")
        self._warm_start = WarmStart.read(warm_start, space, self.goals)
        # Adopted once the study is made (below): an instance given to a refused study may be given again.
        self._optimizer = self._build("random" if optimizer is None else optimizer, optimizer_settings, index=0)
        try:
            self._open(optimizer, optimizer_settings, seed)
        except BaseException:
            if isinstance(optimizer, Optimizer) and self._warm_start.sources:
                # Refused: the instance goes back without the sources _build gave it (review r396:
                # given to a study next, it followed sources that study was never given).
                self._warm_start.give_back(optimizer)
            raise
        self.optimizer = self._optimizer
        if isinstance(optimizer, Optimizer):  # given to a journal whose optimizer goes on: this study's too
            adopt(optimizer, self)

    def _open(self, optimizer: str | Optimizer | None, optimizer_settings: Mapping[str, Any] | None,
              seed: int | np.random.Generator | None) -> None:
        """The record of a new study, or the journal's (resumed, with what it was given)."""
        self._warm_start.check(self._optimizer)
        self._classes = {0: type(self._optimizer)}  # InCharge._classes
        self._state = StudyState({"space": self.space.to_dict(), **self.goals.to_header(), "seed": self.seed,
                                  "optimizer": spec_of(self._optimizer), "pruner": pruner_spec(self.pruner),
                                  "created": time.time(), **self._warm_start.header()})
        if self._journal is not None:
            with self._journal.locked():
                existing = self._journal.open_or_create(self._state.header)
                if existing is not None:  # the optimizer built above was only the header's draft
                    self._classes = {}  # the journal's optimizers are rebuilt by name
                    resume(self, self._journal, *existing, optimizer, optimizer_settings, seed)
                    self._journal.mend()  # only now: a journal that is refused is left as it was

    # -- reading ----------------------------------------------------------------------------
    @property
    def state(self) -> StudyState:
        """The study's record (trials, finish order, queue, overrides, journal events): read it;
        it changes only through the study's methods."""
        return self._state

    @property
    def storage(self) -> str | None:
        """The journal's absolute path, or None for an in-memory study."""
        return None if self._journal is None else str(self._journal.path)

    @property
    def warm_start(self) -> tuple[SourceRecord, ...]:
        """The related studies this study's optimizers learn from (see :mod:`.warm_start`)."""
        return self._warm_start.records

    # -- the ask / tell loop ----------------------------------------------------------------------
    def ask(self) -> Trial:
        """Create the next trial (RUNNING): enqueued params first, else the optimizer's proposal
        (a :class:`TrialStateError` naming the running trials to tell while it is ``waiting``)."""
        with self._asking() as asked, self._transaction():
            queued = self._state.n_queued > 0
            if queued:  # the trial takes the head of the queue (StudyState.add)
                trial = self._queued_trial(self._state.next_queued())
            else:
                self._check_not_waiting()
                trial = self._trial_from(self.optimizer.ask())
            asked += self._record_asked([trial])
            if queued:
                # Pending for the optimizer until told, as a journal's replay notes every asked
                # trial: it proposed the running configuration again (review r375). Noted once
                # recorded: a Ctrl-C before the record left it pending for good (r376).
                self.optimizer.note_running(asked[0])
            return asked[0]

    def _check_not_waiting(self) -> None:
        """Refuse an ask the optimizer cannot answer before running trials are told (``waiting``),
        naming them: only the study knows their numbers, and which another study holds."""
        if self.optimizer.waiting:
            raise waiting_error(self)

    def _trial_from(self, suggestion: Suggestion, later: int = 0) -> Trial:
        return self._new_trial(self.space.from_unit(suggestion.x), self.space.snap(suggestion.x), later,
                               source=self.optimizer.name, budget=suggestion.budget,
                               generation=suggestion.generation, user_attrs=suggestion.info)

    def _queued_trial(self, params: Mapping[str, Any], later: int = 0) -> Trial:
        return self._new_trial(params, self.space.to_unit(params), later, source="enqueued")

    def ask_batch(self, q: int) -> list[Trial]:
        """Create up to ``q`` trials to evaluate in parallel: enqueued params first, then the optimizer's
        joint proposal (``Optimizer.ask_batch``: Bayesian optimization picks them together; fewer
        when a finite search runs out or the optimizer must wait for their results)."""
        with self._asking() as asked, self._transaction():  # the limit of the optimizer that will ask: another
            q = check_int(q, "q", "Study.ask_batch", 1, self.optimizer.max_batch)  # thread may switch it
            n_queued = min(q, self._state.n_queued)
            # The joint proposal before any ask is written (the queue's trials noted pending): after
            # one, a Ctrl-C was held through the whole proposal. An optimizer that has run out or
            # waits adds nothing to the queue's trials, and refuses a batch of its own.
            queued = [self._queued_trial(params, later) for later, params in enumerate(self._state.queue[:n_queued])]
            try:
                # Pending before the joint proposal, which then proposes none of them (review r376:
                # a grid proposed an enqueued point in the same batch), and until told (see ask).
                for trial in queued:
                    self.optimizer.note_running(trial)
                if n_queued == q or (n_queued and (self.optimizer.exhausted or self.optimizer.waiting)):
                    proposed = []
                else:
                    self._check_not_waiting()
                    proposed = self.optimizer.ask_batch(q - n_queued)
            except BaseException as error:  # no trial recorded: none of them may stay pending
                if queued:
                    rebuild_after_lost_ask(self, error)
                raise
            asked += self._record_asked(queued + [self._trial_from(suggestion, n_queued + later)
                                                  for later, suggestion in enumerate(proposed)])
            return list(asked)

    def tell(self, trial: Trial | int, value: Any = None, *, state: TrialState | str | None = None,
             user_attrs: Mapping[str, Any] | None = None, constraints: Sequence[float] | None = None) -> Trial:
        """Finish a RUNNING trial and return its finished copy.

        Parameters
        ----------
        trial : Trial or int
            The trial (or its number) from :meth:`ask`.
        value : float, several, or None
            The objective value (several objectives: a tuple in the study's order, or a dict
            by name; a 0-d array or tensor counts as the number it holds). NaN or inf marks the
            trial FAILED (the reason is recorded). An
            :class:`~interactive_hpo.outcome.Measured` (what ``call_objective`` read, as a
            parallel worker sends it) is judged as the objective's: one that does not fit the
            study's goals fails the trial instead of raising. An
            :class:`~interactive_hpo.trial.Evaluation` (what a task such as ``SklearnCV``
            returns: ``study.tell(trial, task(trial.params))``) gives its value, constraints
            (refused beside ``constraints=``) and details (``user_attrs`` adds to them).
        state : TrialState or str, optional
            Default COMPLETE (a name in any case: "failed"). FAILED takes no ``value`` (one given
            is refused: keep what the trial measured in ``user_attrs``); PRUNED keeps it if
            given, else the last value the trial reported (several objectives: none).
        user_attrs : dict, optional
            JSON details to keep; ``{"error": "..."}`` explains a FAILED trial. NaN and
            infinities are kept as None (JSON has neither).
        constraints : sequence of float, optional
            Finite constraint values of a COMPLETE trial (at most 0 is met): see ``Trial.feasible``.
            Refused with another state (only a COMPLETE trial's are kept).

        ``value`` may also be the :class:`~interactive_hpo.outcome.Outcome` that :meth:`evaluate`
        returned: the trial finishes as it says (its state, value, constraints and details;
        ``user_attrs`` adds to its details).
        """
        attrs = check_attrs(user_attrs, "Study.tell")
        if isinstance(value, Evaluation):  # what a task returned, evaluated by the person: tell(t, task(t.params))
            value, constraints, attrs = read_evaluation(value, "Study.tell", constraints, attrs)
        if isinstance(value, Outcome):
            for name, given in (("state", state), ("constraints", constraints)):
                if given is not None:
                    raise fail(name, "Study.tell", "None when the value is an Outcome (it carries its own)", given)
        else:
            value = as_scalar(value)
        state = TrialState.COMPLETE if state is None else parse_state(state)
        with self._transaction():
            current = self._state.trials[self._number(trial, "Study.tell")]
            # The optimizer's record of the trial (its generation, rung, fit) is what a resumed
            # study replays: overwritten, the journal no longer says what happened.
            clash = sorted(k for k in attrs if k in current.user_attrs and attrs[k] != current.user_attrs[k])
            if clash:
                raise fail("user_attrs", "Study.tell", f"attributes other than the optimizer's record of trial "
                           f"{current.number} ({sorted(current.user_attrs)})", {k: attrs[k] for k in clash},
                           hint="Keep yours under other names.")
            return self._finish(current, *told(self.goals, state, value, attrs, constraints,
                                               lambda: self._pruned_value(current.number)))

    # -- the queue and the optimizer -----------------------------------------------------------------
    def enqueue(self, params: Mapping[str, Any]) -> None:
        """Queue params to be evaluated by the next :meth:`ask`, before any optimizer proposal."""
        canonical = self.space.validate(params, owner="Study.enqueue")
        with self._transaction():
            self._record({"event": "enqueued", "params": canonical})
            self._state.enqueue(canonical)
            self._notify("enqueued", None)

    # -- persistence --------------------------------------------------------------------------------
    def save(self, path: str | os.PathLike[str]) -> None:
        """Write this study's whole journal to a new file ``path`` (refuses to overwrite, and an
        optimizer the journal would not rebuild by its name: one not registered)."""
        for cls in self._classes.values():  # every optimizer the study has had: a fork replays any of them
            check_rebuilt_by_name(cls, "path", "Study.save", "the path of a journal this study's optimizers can be "
                                  "rebuilt from", str(path))
        copy_journal(self._state.header, self._state.events, path)

    @classmethod
    def load(cls, path: str | os.PathLike[str], *, read_only: bool = False) -> Study:
        """Resume the study journaled at ``path``; new trials are appended to it. ``read_only``: only
        look (nothing is ever written, not even a crash's repair); so is a journal this process
        cannot write (warned of) or an HPOSearchCV search's (:mod:`.read_only`). Reading works
        as usual; the first write raises a StorageError saying how to go on."""
        with opening_as(read_only=check_bool(read_only, "read_only", "Study.load")):
            header = read_header(path)
            return cls(header["space"], **Goals.from_header(header).study_arguments(), storage=path)

    # -- internals ------------------------------------------------------------------------------
    def _new_trial(self, params: Mapping[str, Any], x: np.ndarray, later: int = 0, **fields: Any) -> Trial:
        # later: its place after the next trial's number, in an ask of several
        return Trial(number=len(self._state.trials) + later, params=params, x=x, datetime_start=time.time(), **fields)

    def _finish(self, trial: Trial, state: TrialState, value: Any, attrs: Mapping[str, Any],
                owner: str | None = None) -> Trial:
        """Finish ``trial`` with what its objective (or ``owner``, the method a person called)
        gave: a value, a :class:`Measured` or None (see ``results.finished_fields``)."""
        with self._transaction():
            trial = self._state.trials[trial.number]  # with every report so far, and as others left it
            if trial.state.is_finished:
                raise told_twice(trial, value, self._state.owner_of(trial.number) == self._owner)
            fields = finished_fields(self.goals, state, value, attrs, owner, self._state.constrained)
            steering = self._steering_attrs(trial.number, fields.state)  # what stopped it: its record too
            kept = keep_record(Outcome(fields.state, None, fields.user_attrs), steering, self)
            attrs = {**steering, **kept.user_attrs}
            # A clock set back while it ran (NTP, a daylight-saving change of a naive clock) gave it a
            # negative duration, which add_finished and from_optuna refuse: it ends when it started.
            ended = max(time.time(), trial.datetime_start or -math.inf)
            done = trial.finished(fields.state, fields.value, attrs, ended, fields.values, fields.constraints)
            try:
                self._record(finished_event(done, attrs))
            except StorageError as error:  # the write failed: which trial, and what to tell it again
                error.add_note(retell_note(done, fields.user_attrs))
                raise
            self._state.finish(done)
            self._forget_steering(done.number)
            tell(self.optimizer, self.goals, done, self.full_budget)
            self._notify("told", done)
        return done

    def _number(self, trial: Trial | int, owner: str, name: str = "trial") -> int:
        number = trial.number if isinstance(trial, Trial) else trial
        trials = self._state.trials
        if not is_int(number) or not 0 <= number < len(trials):
            raise fail(name, owner, f"a trial of this study (number in [0, {len(trials)}))", trial)
        if isinstance(trial, Trial) and trial.params != trials[number].params:
            raise fail(name, owner, "a trial of this study", trial,
                       hint=f"This study's trial {number} has params {dict(trials[number].params)}: the trial given "
                            "comes from another study (or was changed).")
        return int(number)

    def __repr__(self) -> str:
        goals = f"direction={self.direction.value!r}" if not self.goals.multi else \
            f"directions={[d.value for d in self.goals.directions]!r}"
        return (f"Study({goals}, optimizer={self.optimizer!r}, "
                f"n_trials={len(self._state.trials)}, storage={self.storage!r})")


def check_study(study: Any, owner: str) -> Study:
    """``study`` when it is a :class:`Study`; the refusal naming ``owner``, the function the person
    called, otherwise (Python's AttributeError from its first use named nothing)."""
    if not isinstance(study, Study):
        raise fail("study", owner, "an interactive_hpo Study", study)
    return study
