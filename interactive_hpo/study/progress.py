"""How far ``Study.run`` has got, on one line rewritten in place.

``12/50 trials · best 0.3979 (trial 9) · 0.41 s a trial · about 16 s left`` goes to standard
output in a notebook (JupyterLab paints standard error pink, as it paints errors, and the line
of every run looked like one: audit a315) and to standard error in a script (where standard
output is often the script's result, piped on), rewritten after a carriage return (JupyterLab
and terminals both redraw the line in place), at most every :data:`REFRESH` seconds, and when
the run ends its final state once, with the newline in the same write (a notebook stores each
write as an output of its own, and a renderer that does not redraw lines showed the last line
twice). ``Study.run(progress=None)`` shows it in a notebook (a Jupyter kernel runs it) and not
in scripts, whose output often ends up in a log; ``True`` or ``False`` decide for yourself.
The same line serves serial and parallel runs: it is a ``callback(study, trial)`` of the run.
"""

from __future__ import annotations

import math
import sys
import time
from typing import IO, Any

from .._validation import fail
from ..exceptions import TrialStateError
from .results import no_best_yet

__all__ = ["REFRESH", "RunProgress", "in_notebook", "wants_progress"]

#: Seconds between two redraws of the line (the last trial is always shown, by ``close``).
REFRESH = 0.2


def in_notebook() -> bool:
    """Whether this runs in a Jupyter kernel: IPython's shell there is a ``ZMQInteractiveShell``.
    IPython is only looked up among the loaded modules, never imported (a script does not load
    it, and the study room does not depend on it)."""
    get_ipython = getattr(sys.modules.get("IPython"), "get_ipython", None)
    shell = get_ipython() if callable(get_ipython) else None
    return type(shell).__name__ == "ZMQInteractiveShell"


def wants_progress(progress: Any, owner: str) -> bool:
    """``progress`` checked: True/False as given; None: whether a notebook kernel runs this."""
    if progress is None:
        return in_notebook()
    if not isinstance(progress, bool):
        raise fail("progress", owner, "True, False or None (shown in a notebook only)", progress)
    return progress


class RunProgress:
    """The progress line of one run of ``n_trials`` trials of ``study``.

    Parameters
    ----------
    study : Study
        Where the best value so far is read (in the study's own direction); with several
        objectives, how many trials are on the Pareto front.
    n_trials : int or None
        Trials the run asks for (it may stop earlier, when the optimizer runs out); None: as
        many as start within ``timeout``.
    stream : file-like, optional
        Where the line goes; by default standard output in a notebook, standard error elsewhere.
    timeout : float or None
        Seconds after which the run starts no trial.
    """

    def __init__(self, study: Any, n_trials: int | None, stream: IO[str] | None = None, *,
                 timeout: float | None = None):
        self.study, self.n_trials, self.timeout = study, n_trials, timeout
        self.stream = stream if stream is not None else sys.stdout if in_notebook() else sys.stderr
        self.done = 0
        self._started = time.perf_counter()
        self._shown = -math.inf
        self._width = 0

    def __call__(self, study: Any, trial: Any) -> None:
        self.done += 1
        now = time.perf_counter()
        # The last trial's line is the final one, which close() writes: written here too, the
        # stream held it twice (a notebook showed it twice).
        if now - self._shown >= REFRESH and not self._counted_out:
            self._write(self.line(now - self._started))
            self._shown = now

    def line(self, elapsed: float, final: bool = False) -> str:
        """The text after ``elapsed`` seconds of the run (``final``: it has ended, perhaps early,
        when the optimizer ran out)."""
        parts = [f"{self.done} trial{'s' * (self.done != 1)}" if self.n_trials is None
                 else f"{self.done}/{self.n_trials} trials"]
        if self.study.goals.multi:  # no single best: the size of the front is the news
            front = len(self.study.best_trials)
            parts.append(f"{front} on the Pareto front" if front else "no trial completed yet")
        else:
            try:
                best = self.study.best_trial
                parts.append(f"best {best.value:.6g} (trial {best.number})")
            except TrialStateError:  # none completed yet, or none feasible at the full budget
                parts.append(no_best_yet(self.study.trials, self.study.full_budget))
        if self.done:
            per_trial = elapsed / self.done
            parts.append(f"{per_trial:.2g} s a trial")
            left = math.inf if self.n_trials is None else per_trial * max(self.n_trials - self.done, 0)
            if self.timeout is not None:  # no trial starts after it; the last one started may run on
                left = min(left, max(self.timeout - elapsed, 0.0) + per_trial)
            ended = final or self._counted_out
            # Under 10 s, two digits: whole seconds said "about 0 s left" with half a second to go.
            parts.append(f"{elapsed:.1f} s in all" if ended else f"about {left:.0f} s left" if left >= 10
                         else f"about {left:.2g} s left")
        if final and not self._counted_out and getattr(self.study.optimizer, "exhausted", False):
            parts.append("nothing left to propose")  # why "6/10 trials": a grid, say, ran out
        return " · ".join(parts)

    @property
    def _counted_out(self) -> bool:
        """Whether the run has done its ``n_trials`` (more, with a re-queued trial)."""
        return self.n_trials is not None and self.done >= self.n_trials

    def close(self) -> None:
        """End the line (when the run stops, however it stops)."""
        if self.done:
            self._write(self.line(time.perf_counter() - self._started, final=True), end="\n")

    def _write(self, text: str, end: str = "") -> None:
        # Pad over a longer previous line: a carriage return does not erase what it goes back over.
        self.stream.write("\r" + text.ljust(self._width) + end)
        self.stream.flush()
        self._width = len(text)
