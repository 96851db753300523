"""The Lab's state and actions, with no widget in sight (DESIGN.md section 4).

Every button of the app calls one method here, so the same actions work from code
(``lab.step()``, ``lab.run(20)``) and in tests without a browser.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from .._validation import check_int, check_one_of, fail, requires_keyword
from ..exceptions import TrialStateError
from ..execution.runner import ParallelRunner
from ..execution.settings import RunSettings
from ..execution.simulation import Schedule, simulate_counterpart
from ..study.core import Study, StudyEvent, check_study
from ..study.running import check_objective
from ..study.sealed_looks import keep_test_looks
from ..study.steering import HUMAN_ACTIONS
from ..study.waiting import OthersWait, held_elsewhere
from ..trial import CANCELLED, Trial
from ._checks import check_callback, check_step
from .beliefs import ShownBelief, past_belief, present_belief
from .lab_branches import Branches
from .lab_events import LabEvent
from .lab_goals import lab_history, optimizer_names
from .lab_objective import PlainCall, check_switch, runnable
from .status import ran_out, yours_note

__all__ = ["LabController", "LabEvent"]


class LabController(Branches):
    """Steps, runs, manual trials, undo, reset, optimizer switches and space edits on one study
    (branches, Reset and space edits: :class:`~interactive_hpo.ui.lab_branches.Branches`).

    Parameters
    ----------
    study : Study
        The study to steer; a new one on :meth:`reset` and :meth:`set_space`, which keep the
        one they leave as a branch when it holds what the new one does not.
    objective : callable
        ``objective(params) -> float`` (or anything ``Study.step`` accepts).
    executor : executor or dask Client, optional
        Where :meth:`run` evaluates trials (see :mod:`interactive_hpo.execution.parallel`); Step and
        manual trials always run here.
    n_workers : int, optional
        Trials :meth:`run` keeps running at once (local processes when there is no executor).
    trial_timeout : float, optional
        Seconds a trial of :meth:`run` may run on its worker before it is FAILED ("timed out");
        needs an executor or ``n_workers`` >= 2 (see :mod:`interactive_hpo.execution.parallel`).
    on_worker_loss : {"fail", "requeue"}
        What :meth:`run` does with a trial whose worker died.

    Attributes
    ----------
    notes : list of str
        What the last Reset or space edit wants the user to know, one short line each
        (how many trials a space edit carried over, the branch the last study stays on), or what
        the trial of yours just added gave and which one Undo withdrew (``status.yours_note``);
        the next trial (Step, Run, a trial of yours, Undo) clears them.
    left_behind : list of str
        What the last space edit or fork left behind, one line each (the Lab folds them under
        its notes); cleared with them.
    branches : dict of str to Study
        Every branch, by name ("main", then "fork@4", "fork@6 sobol", "reset", "new space",
        ...); :attr:`study` is ``branches[branch_name]``.
    origins : dict of str to str
        The branch each fork or space edit carried its trials from, by the new branch's name
        (the Model tab says where a carried trial was proposed).
    branch_name : str
    viewing : int or None
        The past step shown (:meth:`travel`), or None for the present, where every action that
        adds or withdraws a trial returns (a run only when it starts: see :meth:`steps`).

    Examples
    --------
    >>> from interactive_hpo import Float, SearchSpace, Study
    >>> study = Study(SearchSpace([Float("x", -2, 2)]), "sobol", seed=0)
    >>> lab = LabController(study, lambda p: (p["x"] - 1) ** 2)
    >>> _ = lab.run(4)
    >>> lab.evaluate({"x": 1.0}).value, len(lab.study.trials)
    (0.0, 5)
    >>> lab.undo().number, len(lab.study.trials)
    (4, 4)
    """

    def __init__(self, study: Study, objective: Callable[..., Any], *, executor: Any = None,
                 n_workers: int | None = None, trial_timeout: float | None = None, on_worker_loss: str = "fail"):
        check_study(study, "Lab")
        if not callable(objective):
            raise fail("objective", "Lab", "a callable objective(params) -> float", objective)
        self.objective = objective
        self._call = PlainCall(objective)
        check_objective(study, self._call, "Lab")  # as a Step will: an objective no trial could call, refused now
        self.run_settings = RunSettings.check("Lab", n_workers=n_workers, executor=executor,
                                              trial_timeout=trial_timeout, on_worker_loss=on_worker_loss)
        #: Trials a parallel :meth:`run` has started and not yet finished.
        self.running_trials: list[Trial] = []
        self.notes: list[str] = []
        self.left_behind: list[str] = []
        self._listeners: list[Callable[[str], Any]] = []
        self._stop_requested = self._cancel_requested = False
        self.running = False
        self._unsubscribe: Callable[[], None] | None = None
        self.closed = False
        self._attach(study)
        self.branches: dict[str, Study] = {"main": study}
        self.origins: dict[str, str] = {}
        self.branch_name = "main"
        self.viewing: int | None = None

    # -- observing -------------------------------------------------------------------------------
    def on_change(self, callback: Callable[[LabEvent], Any]) -> None:
        """Call ``callback(event)`` after every change (a :class:`LabEvent`); refused if not callable."""
        self._listeners.append(check_callback(callback, "LabController.on_change", "callback(event)"))

    def close(self) -> None:
        """Stop observing the study; every action is refused from now on (:meth:`Lab.close`)."""
        if self._unsubscribe is not None:
            self._unsubscribe()
        self._unsubscribe, self.closed = None, True

    def _attach(self, study: Study) -> None:
        if self._unsubscribe is not None:
            self._unsubscribe()
        self.study = study
        self._unsubscribe = study.subscribe(self._relay)

    def _relay(self, event: StudyEvent) -> None:
        if event.kind != "asked":  # an asked trial is not news until it is told
            self._emit(LabEvent(event.kind))

    def _emit(self, event: LabEvent) -> None:
        for callback in list(self._listeners):
            callback(event)

    @contextmanager
    def _in_present(self, action: str) -> Iterator[None]:
        """The present during ``action``, one that adds or withdraws trials (a Step stayed on the
        past step viewed; Undo of the trial viewed failed each redraw), without the notes of the last
        Reset, space edit or fork (they stayed above the tabs through every run after it); refused
        by a closed Lab. The study's events redraw; a failed action redraws here, as it may have
        failed before any event."""
        self.check_open(action)
        was, self.viewing = self.viewing, None
        self.notes, self.left_behind = [], []
        try:
            yield
        except Exception:
            if was is not None:
                self._emit(LabEvent.TRAVEL)
            raise

    # -- stepping ----------------------------------------------------------------------------------
    def step(self) -> Trial:
        """Ask, evaluate and tell one trial (as the Step button does), in the present."""
        self.check_idle("Step")
        with self._in_present("Step"):
            return self.study.step(self._call)

    def step_generation(self) -> list[Trial]:
        """Step until the current generation of a population optimizer is all evaluated (one
        step starts the next generation when the current one is complete)."""
        done = [self.step()]
        while self.can_step and (snapshot := self.study.optimizer.population()) is not None \
                and "unasked" in snapshot.states:
            done.append(self.step())
        return done

    def run(self, n_trials: int, progress: Callable[[int, int], Any] | None = None) -> list[Trial]:
        """Run up to ``n_trials`` steps; :meth:`stop` (from a callback) ends it between trials.

        ``progress(done, n_trials)`` is called after each trial.
        """
        done: list[Trial] = []
        for trial in self.steps(n_trials):
            if trial is None:  # a heartbeat while workers compute
                continue
            done.append(trial)
            if progress is not None:
                progress(len(done), n_trials)
        return done

    def steps(self, n_trials: int) -> Iterator[Trial | None]:
        """Step up to ``n_trials`` times, yielding each trial; the caller may pause in between
        (the app's background run lets the kernel handle a Stop click there). A parallel run
        also yields None every half second while no trial finishes, and a run waiting for jobs
        another study on the journal runs at each read of the journal, for the same reason. The run starts
        in the present; a step viewed during it stays. Refused at once: a bad ``n_trials``, a run going on."""
        n_trials = check_int(n_trials, "n_trials", "Lab.run", 0)
        self.check_idle("Run")
        return self._steps(n_trials)

    def check_run(self, n_trials: Any) -> int:
        """``n_trials`` of a Run (an int >= 0, named as ``Lab.run``'s), and the Run allowed
        (:meth:`check_steppable`): what the Lab checks before it commits a what-if (``lab.run("x")``
        switched the optimizer to the what-if's settings, journaled, then was refused)."""
        n_trials = check_int(n_trials, "n_trials", "Lab.run", 0)
        self.check_steppable("Run")
        return n_trials

    def _steps(self, n_trials: int) -> Iterator[Trial | None]:
        self._stop_requested = self._cancel_requested = False
        self.running = True
        try:
            with self._in_present("Run"):
                if self.run_settings.parallel:
                    yield from self._parallel_steps(n_trials)
                    return
                others, done = OthersWait(self.study, "Lab.run"), 0
                while done < n_trials:
                    if self._stop_requested or not self.can_step:
                        return
                    if held_elsewhere(self.study):  # a synchronous rung's last jobs, another study's (r348)
                        others.poll()  # reads the journal: a short sleep, then what the others told
                        yield None  # the caller redraws, and Stop works, between polls
                        continue
                    done += 1
                    yield self.study.step(self._call)
        finally:
            self.running = False

    def _parallel_steps(self, n_trials: int) -> Iterator[Trial | None]:
        """Keep the workers busy; yield each trial as it finishes. Stop: no new trials, the running
        ones finish. Ctrl-C: as in ``Study.run``, the running ones are waited for (a second Ctrl-C
        cancels them), then the interrupt goes on (they were cancelled as if the run had failed)."""
        # As a serial Step checks (Study.step): a scheduler switched to outside the Lab, beyond the
        # objective's budget_range, ran every job at full cost and failed those above.
        check_objective(self.study, self._call, "Lab.run")
        keep_test_looks(self.study, self._call)  # as Study.run does: the runner here is the Lab's
        runner = ParallelRunner(self.study, self.objective, n_trials, self.run_settings, owner="Lab.run")
        try:
            while not runner.finished:
                if self._cancel_requested:  # Stop again: a hung objective must not hold the run
                    yield from runner.drain(cancel=True, reason=f"{CANCELLED}: Stop clicked again")
                    return
                if self._stop_requested:
                    runner.stop()
                runner.fill()
                self._show_running([r.trial for r in runner.running])
                told = runner.collect(timeout=0.5)
                yield from told if told else [None]
        except KeyboardInterrupt:
            yield from runner.interrupted()
            raise
        finally:
            runner.close(f"{CANCELLED}: the Lab's run ended on an error")
            self._show_running([])

    def _show_running(self, trials: list[Trial]) -> None:
        if [t.number for t in trials] != [t.number for t in self.running_trials]:
            self.running_trials = trials
            self._emit(LabEvent.RUNNING)

    def stop(self) -> None:
        """Ask a running :meth:`run` to stop after the trials in progress; asked again during a
        parallel run, cancel those still running (FAILED, "cancelled: Stop clicked again")."""
        self._cancel_requested = self._stop_requested and self.running
        self._stop_requested = True

    @property
    def can_step(self) -> bool:
        """False once the optimizer has nothing left to propose (a finished grid; the status line says so)."""
        return not ran_out(self.study)

    def present(self, history: Any = None, what_if: Mapping[str, Any] | None = None,
                objective: int | str | None = None) -> ShownBelief:
        """The belief now and the next proposal, under the settings ``what_if`` overrides;
        ``history``: the study's ``History`` the Lab draws (None: the one it would, ``lab_history``);
        ``objective``: which of several an "ehvi" study's Model tab shows (see ``present_belief``)."""
        history = lab_history(self.study) if history is None else history
        return present_belief(self.study, history, can_step=self.can_step, what_if=what_if, objective=objective)

    def past(self, step: int, history: Any = None, objective: int | str | None = None) -> ShownBelief:
        """What was known and believed when trial ``step`` was proposed; ``history`` is the
        study's present ``History`` (None: the one the Lab draws then, ``lab_history``);
        ``objective`` as for :meth:`present`. A trial a fork or a space edit carried here is said
        to be so, with the branch where it was proposed."""
        if history is None:  # lab.controller.past(4) from code: a TypeError asked for what the Lab knows
            history = lab_history(self.study, check_step(self.study, step, "Lab.past"))
        return past_belief(self.study, step, history, objective, origins=self.carried_from())

    # -- time travel (the branches: lab_branches.py) ----------------------------------------------------
    def travel(self, step: int | None) -> None:
        """View the belief that proposed trial ``step`` (None, or a step past the last trial: the present).

        Checked before anything changes: a bad step is refused with its own message and the step
        viewed stays as it was (a step of -1, once stored, failed every redraw that followed)."""
        if step is not None:
            step = check_int(step, "step", "Lab.travel", 0)  # None is the present
        self.check_open("Time travel")
        self.viewing = None if step is None or step >= len(self.study.trials) else step
        self._emit(LabEvent.TRAVEL)

    def check_open(self, action: str) -> None:
        """Refuse ``action`` once the Lab is closed (:meth:`close`): every action checks here, so that
        ``lab.controller`` refuses what the closed Lab does (a manual trial, an Undo or a switch of
        optimizer from code still changed the study)."""
        if self.closed:
            raise TrialStateError(f"{action} is not possible: this Lab was closed (Lab.close). "
                                  "Lab(lab.study, objective) opens a new one on its study.")

    def check_idle(self, action: str) -> None:
        """Refuse ``action`` on a closed Lab (:meth:`check_open`), or while a run steps this study:
        one that puts another study in charge (a look at another branch moved the rest of the run
        there), or a Step or Run from code (a second run ended the first one's Reset guard). After
        Stop, it says to wait (not "Click Stop" to someone who had)."""
        self.check_open(action)
        if self.running:
            then = "The run is stopping: try again once the trials in progress have finished." \
                if self._stop_requested else "Click Stop (it stops after the trial in progress), then try again."
            why = "the run steps this study" if action in ("Step", "Run") else "the run would go on in the other study"
            raise TrialStateError(f"{action} is not possible while a run is in progress: {why}. {then}")

    def check_steppable(self, action: str) -> None:
        """Refuse a Step or Run (``action``) that :meth:`check_idle` refuses, or that has no trial to
        run: the optimizer's own :class:`~interactive_hpo.exceptions.SearchExhausted`, which says why.
        The Lab checks here before it commits a what-if (a refused Step switched the optimizer to
        the what-if's settings, journaled, and a Run on an exhausted optimizer did so and ran nothing)."""
        self.check_idle(action)
        if not self.can_step:
            raise self.study.optimizer.exhausted_error()

    # -- multi-fidelity ---------------------------------------------------------------------------------
    def override(self, number: int, action: str) -> None:
        """Promote or stop trial ``number`` by hand (``Study.promote`` / ``Study.stop``)."""
        check_one_of(action, "action", "Lab.override", HUMAN_ACTIONS)
        self.check_open(action.capitalize())
        getattr(self.study, action)(number)

    def simulate(self, n_workers: int, n_jobs: int, seed: int = 0) -> dict[str, Schedule]:
        """The current scheduler and its counterpart on ``n_workers`` simulated workers, with the
        Lab's objective (``simulate_counterpart``); the Lab's own study is untouched."""
        self.check_open("Simulate workers")
        return simulate_counterpart(self.study, self._call, n_workers=n_workers, n_jobs=n_jobs, seed=seed,
                                    owner="Lab.simulate")

    # -- the user's own trials ----------------------------------------------------------------------
    def evaluate(self, params: Mapping[str, Any]) -> Trial:
        """Evaluate ``params`` with the objective and record them as a manual trial."""
        with self._in_present("Evaluating a trial of yours"):
            trial = self.study.add_evaluated(params, self._call, user_attrs={"evaluated_by": "lab"},
                                             owner="Lab.evaluate")
        return self._noted(trial)

    @property
    def can_evaluate(self) -> bool:
        """False when the objective requires ``budget``: :meth:`evaluate` calls ``objective(params)``
        (``Study.add_evaluated``), which refuses it every time."""
        return not requires_keyword(self._call, "budget")

    def add_manual(self, params: Mapping[str, Any], values: Any, constraints: Any = None) -> Trial:
        """Record ``params`` with ``values`` measured elsewhere (several objectives: one each) as a
        manual trial, without calling the objective (``Study.add_manual``)."""
        with self._in_present("Recording a trial of yours"):
            trial = self.study.add_manual(params, values, constraints=constraints, user_attrs={"entered_by": "lab"})
        return self._noted(trial)

    def undo(self) -> Trial:
        """Withdraw the last trial if it is manual (see ``Study.undo_manual``)."""
        with self._in_present("Undo"):
            trial = self.study.undo_manual()
        return self._noted(trial, undone=True)

    def _noted(self, trial: Trial, undone: bool = False) -> Trial:
        """``trial``, a trial of yours just added (or withdrawn: ``undone``), said in the notes:
        the status line's count was all that changed (a click on a map evaluated a point)."""
        self.notes = [yours_note(self.study, trial, undone)]
        self._emit(LabEvent.NOTED)
        return trial

    @property
    def can_undo(self) -> bool:
        trials = self.study.trials
        return bool(trials) and trials[-1].source == "manual"

    # -- switching (starting over: lab_branches.py) ---------------------------------------------------
    def switch_optimizer(self, name: str, settings: Mapping[str, Any] | None = None) -> None:
        """Continue with another optimizer; it learns from every finished trial first."""
        self.check_open("Switching optimizer")
        check_switch(self._call, name, settings, "Lab.switch_optimizer", space=self.study.space)
        self.study.switch_optimizer(name, **dict(settings or {}))

    def offered(self) -> list[str]:
        """The registered optimizers the study can switch to (for several objectives, those that
        serve several) whose trials the objective can run: the Optimizer tab's list."""
        return runnable(self._call, optimizer_names(self.study.goals))

    def change_settings(self, changed: Mapping[str, Any]) -> None:
        """Continue with the same optimizer, ``changed`` settings replacing its own (a what-if
        committed by a Step); nothing happens when ``changed`` is empty."""
        self.check_open("Changing the optimizer's settings")
        optimizer = self.study.optimizer
        kept = {k: v for k, v in optimizer.settings().items() if k != "seed"} if changed else None
        check_switch(self._call, None, changed, "Lab.change_settings", in_charge=optimizer.name,
                     space=self.study.space, kept=kept)
        if kept is not None:
            self.study.switch_optimizer(optimizer.name, **{**kept, **changed})
