"""The Lab's status line: trials, the best so far, the trials running, the failures, the step
viewed when it is not the present, the optimizer, and why Step and Run are greyed out when it
has nothing left to propose (a grid evaluated to its last point); and the Lab's notes, among
them what a trial of yours gave and which one Undo withdrew (:func:`yours_note`): a click on a
map only moved "Trials: 11" to "Trials: 12".

A trial whose objective raised (or returned NaN, or no number) is recorded as FAILED, not
raised as an app error: a Run goes on. Its reason used to show only as a tooltip in the History
tab, so a Step that failed looked like one that worked; the status line, always on screen, now
counts the failures and gives the last one's reason.
"""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from typing import Any

from ..exceptions import TrialStateError
from ..study.core import Study
from ..study.results import no_best_yet
from ..trial import Trial, TrialState

__all__ = ["failure_text", "notes_html", "params_text", "ran_out", "status_line", "yours_note"]

#: Characters of the last failure's reason the line shows (the whole reason is its tooltip).
REASON_CHARS = 160


def failure_text(trials: Sequence[Trial]) -> str:
    """HTML: " · N failed (last: trial k, reason)" in red, or "" when no trial failed."""
    failed = [t for t in trials if t.state is TrialState.FAILED]
    if not failed:
        return ""
    last = failed[-1]
    reason = last.error or "no reason recorded"
    short = reason if len(reason) <= REASON_CHARS else reason[:REASON_CHARS - 1] + "…"
    return (f' &middot; <span class="ihpo-failed" style="color:#b00020" title="{html.escape(reason, quote=True)}">'
            f"{len(failed)} failed (last: trial {last.number}, {html.escape(short)})</span>")


def ran_out(study: Study) -> bool:
    """True when ``study``'s optimizer has nothing left to propose and nothing is queued: a Step
    has no trial to run (the Lab greys Step and Run out, and its status line says why)."""
    return study.optimizer.exhausted and not study.state.n_queued


def params_text(params: Mapping[str, Any]) -> str:
    """A configuration as a person reads it: "C=97.9, kernel=linear" (floats to 3 digits)."""
    return ", ".join(f"{k}={v:.3g}" if isinstance(v, float) else f"{k}={v}" for k, v in params.items())


def _outcome(study: Study, trial: Trial) -> str:
    """What ``trial`` gave, in a note: its values ("0.972529"; several: "0.91, 12.5"), "failed (why)"
    or its state."""
    values = study.goals.values_of(trial)
    return f"failed ({trial.error or 'no reason recorded'})" if trial.state is TrialState.FAILED else \
        trial.state.name.lower() if values is None else ", ".join(f"{value:.6g}" for value in values)


def yours_note(study: Study, trial: Trial, undone: bool = False) -> str:
    """The note (plain text) after a trial of yours was added to ``study`` ("Your trial 12:
    C=97.9, kernel=linear -> 0.972529 (best 0.982163, trial 7)"), or withdrawn by Undo (``undone``:
    "Undid trial 12 (C=97.9, kernel=linear -> 0.972529)"). A configuration evaluated before is
    said with what the last such trial gave ("; same configuration as trial 5 -> 0.95"): repeats
    are allowed (a noisy objective), but a typed value that contradicts a deterministic one is a typo
    to catch (audit a439: it went in without a word)."""
    where = params_text(trial.params)
    outcome = _outcome(study, trial)
    if undone:
        return f"Undid trial {trial.number} ({where} -> {outcome})"
    before = [t for t in study.trials if t.number != trial.number and dict(t.params) == dict(trial.params)]
    again = f"; same configuration as trial {before[-1].number} -> {_outcome(study, before[-1])}" if before else ""
    best = ""
    if not study.goals.multi:
        try:
            found = study.best_trial
            best = " (the best so far)" if found.number == trial.number else \
                f" (best {found.value:.6g}, trial {found.number})"
        except TrialStateError:  # none completed, none feasible yet
            pass
    return f"Your trial {trial.number}: {where} -> {outcome}{best}{again}"


def notes_html(notes: Sequence[str], left_behind: Sequence[str]) -> str:
    """The Lab's notes (HTML): one short line each, then what was ``left_behind``, one line each,
    folded under a line that counts them (a space edit that dropped 30 trials wrote 31 lines
    above the tabs, and pushed the Model tab down)."""
    lines = "<br>".join(html.escape(note) for note in notes)
    if not left_behind:
        return lines
    return (f"{lines}<details><summary>What was left behind ({len(left_behind)})</summary>"
            + "<br>".join(html.escape(line) for line in left_behind) + "</details>")


def status_line(study: Study, running: Sequence[Trial], viewing: int | None = None) -> str:
    """The whole line (HTML) for ``study`` with the trials ``running`` on workers and the past
    step ``viewing`` (None: the present), which every panel following the step slider shows;
    when the optimizer has nothing left to propose (:func:`ran_out`), it says so."""
    best = ""
    if study.goals.multi:  # several objectives: the front's size
        if any(t.state is TrialState.COMPLETE for t in study.trials):
            best = f" &middot; Pareto front: {len(study.best_trials)} trial(s)"
    else:
        try:
            found = study.best_trial
            best = f" &middot; best {found.value:.6g} (trial {found.number})"
        except TrialStateError:  # none completed, none feasible, or a scheduler's all below its full budget
            if any(t.state is TrialState.COMPLETE for t in study.trials):
                best = f" &middot; {no_best_yet(study.trials, study.full_budget)}"
    busy = "" if not running else " &middot; running: " + ", ".join(f"#{t.number}" for t in running)
    past = "" if viewing is None else (f' &middot; <span class="ihpo-viewing">showing step {viewing}, not the '
                                       "present (tick <i>live</i>, or Step)</span>")
    # Step and Run are greyed out then: the line says why, and what goes on.
    done = f' &middot; <span class="ihpo-ran-out">{html.escape(study.optimizer.name)} exhausted: nothing left ' \
           "to propose; switch optimizer to go on</span>" if ran_out(study) else ""
    return (f"Trials: {len(study.trials)}{best}{busy}{failure_text(study.trials)}{past}{done}"
            f" &middot; optimizer: {study.optimizer.name}")
