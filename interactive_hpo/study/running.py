"""Running an objective: one trial (``step``) or many (``run``, here or in parallel); mixed
into :class:`~interactive_hpo.study.Study`."""

from __future__ import annotations

import inspect
import time
from collections.abc import Callable, Iterable
from contextlib import AbstractContextManager
from typing import TYPE_CHECKING, Any, cast

from .._validation import check_int, check_real, fail, failure_kind, warn_user
from ..goals import Goals
from ..optimizers.capabilities import Scheduler
from ..outcome import Outcome, check_budget_keyword, check_budget_range, check_signature
from ..space import SearchSpace
from ..subspace import misfit
from ..trial import Trial, TrialState
from .calls import study_method
from .progress import RunProgress, wants_progress
from .sealed_looks import keep_test_looks
from .waiting import OthersWait, held_elsewhere, nothing_to_ask, waiting_error

if TYPE_CHECKING:
    from ..optimizers.base import Optimizer
    from .core import Study
    from .journal import Journal
    from .state import StudyState

__all__ = ["Running", "SameFailures", "check_objective"]

#: The first trials of a run that, all failed with one error, make ``Study.run`` warn that the
#: objective itself may be broken (a typo, a missing package, a wrong argument): every further
#: trial costs its time and says the same. A run whose trials fail in one region of the space
#: completes some of its first trials, and is not warned about.
SAME_FAILURES = 5

#: Keywords of Optuna's ``Study.optimize`` that ``Study.run`` names otherwise: a refusal suggests ours.
OPTUNA_RUN_KEYWORDS = {"n_jobs": "n_workers", "show_progress_bar": "progress"}


def _check_callback(callback: Callable[..., Any], rule: str) -> None:
    """Refuse a callback that cannot be called as ``callback(study, trial)`` before the first trial:
    else the run stopped with Python's TypeError after a trial that may have taken an hour."""
    try:
        signature = inspect.signature(callback)
    except (TypeError, ValueError):  # no signature to read (some builtins): its first call tells
        return
    try:
        signature.bind(None, None)
    except TypeError as error:
        raise fail("callbacks", "Study.run", rule, callback,
                   hint=f"Each is called as callback(study, trial) after each trial; its signature {signature} "
                        f"does not fit: {error}.") from None


class SameFailures:
    """A run's callback that warns, once, when the first :data:`SAME_FAILURES` trials of the run
    all failed the same way (``trial.error`` of one :func:`~interactive_hpo._validation.failure_kind`:
    one rule broken, whatever value broke it each time); the run goes on, as a failed trial never
    stops it."""

    def __init__(self) -> None:
        self.kinds: list[str | None] = []
        self.first: str | None = None

    def __call__(self, study: Any, trial: Trial) -> None:
        if len(self.kinds) >= SAME_FAILURES:
            return
        error = trial.error if trial.state is TrialState.FAILED else None
        if not self.kinds:
            self.first = error
        self.kinds.append(None if error is None else failure_kind(error))
        first = self.kinds[0]
        if len(self.kinds) == SAME_FAILURES and first is not None and self.kinds.count(first) == SAME_FAILURES:
            shown = cast(str, self.first).splitlines()[0]
            warn_user(f"The first {SAME_FAILURES} trials of this run all failed the same way, which may mean the "
                      f"objective itself is broken: {shown}. The run goes on; interrupt it (Ctrl-C: finished "
                      "trials are kept) to fix the objective.", UserWarning)


class Running:
    """``step`` and ``run``, and the check of an objective before it runs."""

    # Provided by Study.
    _state: StudyState
    space: SearchSpace
    goals: Goals
    optimizer: Optimizer
    ask: Callable[[], Trial]
    _transaction: Callable[[], AbstractContextManager[None]]
    _asking: Callable[[], AbstractContextManager[list[Trial]]]
    _evaluate: Callable[[Trial, Callable[..., Any], str], Outcome]
    _finish: Callable[..., Trial]
    _owner: dict[str, Any]
    _journal: Journal | None

    @study_method()
    def step(self, objective: Callable[..., Any]) -> Trial:
        """Ask one trial, evaluate ``objective`` on it, tell the result, and return the trial.

        An exception in the objective, or a NaN/inf result, makes the trial FAILED with the
        reason in ``trial.error``; the study goes on. ``KeyboardInterrupt`` marks the trial
        FAILED and is re-raised, so every finished trial stays in the journal.

        The objective gets ``budget=`` when the trial has one, and ``report=`` when it accepts
        that keyword: ``report(value, step)`` records a learning-curve point and raises
        :class:`~interactive_hpo.exceptions.TrialPruned` when the trial should stop, which
        ends it PRUNED with what it reported.
        """
        trial = cast(Trial, self._step(objective))
        keep_test_looks(cast("Study", self), objective)  # checked by then (.sealed_looks)
        return trial

    def _step(self, objective: Callable[..., Any], *, in_run: bool = False) -> Trial | None:
        """:meth:`step`; ``in_run``: None (no trial) when nothing can be asked now (nothing queued,
        and the optimizer has nothing left to propose or waits for running trials)."""
        # Checked and asked in one transaction: another thread's run took the last point of a
        # grid between the two, and this run's ask raised SearchExhausted (another process's,
        # a rung's last job: TrialStateError).
        # A Ctrl-C held while the ask was written is raised as this transaction ends: _asking
        # fails the trial, cut short (it was left RUNNING with nobody to finish it).
        with self._asking() as asked, self._transaction():
            if in_run and nothing_to_ask(cast("Study", self)):
                return None
            check_objective(self, objective, "Study.step")
            asked.append(self.ask())
        trial = asked[0]
        return self._finish(trial, *self._evaluate(trial, objective, "Study.step"))

    @study_method(aliases=OPTUNA_RUN_KEYWORDS)
    def run(self, objective: Callable[..., Any], n_trials: int | None = None,
            callbacks: Iterable[Callable[[Study, Trial], Any]] = (), *, timeout: float | None = None,
            n_workers: int | None = None, executor: Any = None, trial_timeout: float | None = None,
            on_worker_loss: str = "fail", on_interrupt: str = "wait", progress: bool | None = None) -> list[Trial]:
        """Run ``n_trials`` trials, or those that start within ``timeout`` seconds, whichever
        ends first (fewer if the optimizer runs out); return them in the order they finished.

        Give ``n_trials``, ``timeout`` or both. After ``timeout`` seconds no trial starts; those
        running finish (Optuna's ``optimize(timeout=...)``; ``trial_timeout`` bounds one trial).

        A failed trial does not stop the run; when its first 5 trials all fail the same way (one
        error, or one rule broken by whatever value each returned), it warns that the objective
        itself may be broken (:class:`SameFailures`). An
        objective no trial could call (no ``params`` argument, another required one; no ``budget``
        keyword for a scheduler's budgets, or one without a default where trials have none) is
        refused before the first.

        On a journal other studies share, a synchronous scheduler that must wait for jobs one
        of them is running (the end of a rung) waits for them, reading the journal, until they
        are told or ``timeout`` ends the run (:mod:`~interactive_hpo.study.waiting`).

        ``callbacks`` are called as ``callback(study, trial)`` after each trial. ``progress`` shows
        trials done, the best value and the time left on one line (``study.progress``); None (the
        default) shows it in a notebook only.

        With ``n_workers > 1`` or an ``executor`` the trials run in parallel, on that many local
        processes or on the executor (a ``dask.distributed.Client`` works; without ``n_workers``
        the run follows its worker threads as workers join and leave): see
        :mod:`interactive_hpo.execution.parallel` for ``trial_timeout`` (seconds), ``on_worker_loss``
        ("fail" or "requeue") and ``on_interrupt`` ("wait" or "cancel").
        """
        if n_trials is None and timeout is None:
            raise fail("n_trials", "Study.run", "an int >= 0, or None with a timeout", None,
                       hint="Say how many trials (n_trials=50), for how long (timeout=600 seconds), or both.")
        n_trials = None if n_trials is None else check_int(n_trials, "n_trials", "Study.run", 0)
        timeout = None if timeout is None else check_real(timeout, "timeout", "Study.run", 0.0, None, low_open=True)
        rule = "a list of callables callback(study, trial)"
        try:  # a single callback (or None) is not a list of them: Python's "object is not iterable" said nothing
            callbacks = list(callbacks)
        except TypeError:
            raise fail("callbacks", "Study.run", rule, callbacks,
                       hint="One callback goes in a list: callbacks=[callback].") from None
        for callback in callbacks:
            if not callable(callback):
                raise fail("callbacks", "Study.run", rule, callback)
            _check_callback(callback, rule)
        check_objective(self, objective, "Study.run")
        keep_test_looks(cast("Study", self), objective)  # once, not per trial: it hashes the task's data
        line = RunProgress(self, n_trials, timeout=timeout) if wants_progress(progress, "Study.run") else None
        deadline = None if timeout is None else time.monotonic() + timeout
        start = len(self._state.trials)
        try:
            return self._run(objective, n_trials, deadline, callbacks + [SameFailures()] + ([line] if line else []),
                             n_workers=n_workers, executor=executor, trial_timeout=trial_timeout,
                             on_worker_loss=on_worker_loss, on_interrupt=on_interrupt)
        except KeyboardInterrupt as error:
            # Python's bare traceback said nothing of what the run kept: the note says it, and how
            # to go on. The interrupt itself goes on up: the person wants to stop.
            error.add_note(interrupted_note(self, start))
            raise
        finally:
            if line is not None:
                line.close()

    def _run(self, objective: Callable[..., Any], n_trials: int | None, deadline: float | None,
             callbacks: list[Callable[[Study, Trial], Any]], **settings: Any) -> list[Trial]:
        """The run: at most ``n_trials`` (None: no limit) trials, none started after the
        ``deadline`` (``time.monotonic()``; None: none)."""
        # The one import of the room above (tests/test_layers.py EXCEPTIONS): the study hands a
        # parallel run to the runner, which in turn drives the study.
        from ..execution.parallel import RunSettings, run_parallel

        study = cast("Study", self)
        checked = RunSettings.check("Study.run", **settings)
        if checked.parallel:
            return run_parallel(study, objective, n_trials, callbacks, checked, deadline=deadline)
        done: list[Trial] = []
        others = OthersWait(study, "Study.run")
        while n_trials is None or len(done) < n_trials:
            if deadline is not None and time.monotonic() >= deadline:
                break
            trial = self._step(objective, in_run=True)
            if trial is None:
                if held_elsewhere(study):  # a synchronous rung's last jobs, another process's: wait for them
                    others.poll(None if deadline is None else deadline - time.monotonic())
                    continue
                if self.optimizer.waiting and not self.optimizer.exhausted:  # for a trial of this study's own
                    raise waiting_error(study)
                break  # the optimizer ran out
            done.append(trial)
            for callback in callbacks:
                callback(study, done[-1])
        return done


def interrupted_note(study: Running, start: int) -> str:
    """What a ``Study.run`` stopped by Ctrl-C kept: how many of its trials finished (by state),
    how many were cut short, and how to go on.

    The run's trials are those ``study`` asked since it had ``start`` trials: a journal shared
    with other processes may have brought theirs in between, which are not this run's.
    """
    mine = [t for t in study._state.trials[start:] if study._state.owner_of(t.number) == study._owner]
    kept = [t for t in mine if t.state.is_finished and not t.cut_short]
    cut = sum(t.cut_short for t in mine)
    running = sum(not t.state.is_finished for t in mine)
    states = ", ".join(f"{n} {state.value}" for state in TrialState
                       if (n := sum(t.state is state for t in kept)))
    parts = [f"{len(kept)} trial(s) of this run finished and are kept" + (f" ({states})" if states else ""),
             f"{cut} cut short (FAILED, interrupted)"] + ([f"{running} still RUNNING"] if running else [])
    where = (f"the journal {str(study._journal.path)!r} holds them; in a new process, "
             f"study = Study.load({str(study._journal.path)!r}) first" if study._journal is not None
             else "the study object holds them (in memory only)")
    return f"Study.run was interrupted: {', '.join(parts)}. To go on, call study.run(...) again: {where}."


def check_objective(study: Running, objective: Any, owner: str, *, budgeted: bool = True) -> None:
    """Refuse an objective the study cannot use, naming ``owner``, before any trial: a misfit
    would fail every trial alike.

    What :meth:`Running.step` and :meth:`Running.run` check first, and what the runners that
    drive a study (a simulation, a race, the Lab) check where their user typed the objective.

    Parameters
    ----------
    study : Study
        The study that will evaluate the objective's trials.
    objective : callable
        ``objective(params)``, perhaps with ``budget=`` and ``report=`` keywords, and perhaps
        declaring a ``direction`` (``directions``) and a ``space``, which must fit the study's.
    owner : str
        Who asked, as the error names it ("Study.run", "Lab", ...).
    budgeted : bool, default True
        Whether the trials it will evaluate are the optimizer's, at a scheduler's budgets and
        given ``report``; False: a person's, called ``objective(params)``.

    Raises
    ------
    InvalidParameterError
        Naming ``objective`` and ``owner``, with what does not fit.
    """
    if not callable(objective):
        raise fail("objective", owner, "a callable objective(params) -> float", objective)
    declared = getattr(objective, "directions", None) or getattr(objective, "direction", None)
    if declared is not None:
        given = [declared] if isinstance(declared, str) else list(declared)
        if tuple(given) != tuple(study.goals.directions):
            goal = "direction" if not study.goals.multi else "directions"
            raise fail("objective", owner, f"an objective to {study.goals.describe()} (the study's {goal})",
                       objective, hint=f"The objective's direction is {declared!r}.")
    space = getattr(objective, "space", None)
    found = misfit(study.space, space, "the objective's", "The objective") if isinstance(space, SearchSpace) \
        else None
    if found is not None:  # a study may search part of the objective's space, never beyond it
        raise fail("objective", owner, "an objective over the study's search space or a wider one", objective,
                   hint=f"The objective takes {objective.space.names}; the study searches {study.space.names}. "
                        f"{found.hint}" if found.parameter is None else
                   f"The study's {study.space[found.parameter]!r} must be {found.rule}: {found.hint}")
    scheduler = study.optimizer if budgeted and isinstance(study.optimizer, Scheduler) else None
    if scheduler is not None:  # every trial it asks has a budget
        check_budget_keyword(objective, scheduler.max_budget, owner, study.optimizer.name, up_to=True)
        check_budget_range(objective, scheduler.min_budget, scheduler.max_budget, owner, study.optimizer.name,
                           scheduler.lowest_budget)
    if scheduler is None or study._state.n_queued:  # an enqueued trial has none, as any other optimizer's
        check_budget_keyword(objective, None, owner, study.optimizer.name)
    check_signature(objective, owner, (("budget",) if scheduler else ()) + (("report",) if budgeted else ()))
