"""The study's side of a parallel run's reports: :class:`ReportDesk` records each report a worker
sends in the study (which asks its pruner) and answers the worker, while the runner waits for
results (:meth:`ParallelRunner.collect <interactive_hpo.execution.parallel.ParallelRunner.collect>`).

What travels, and the worker's side (the ``report`` an objective gets, the queues), is
:mod:`.reports`.
"""

from __future__ import annotations

import concurrent.futures as cf
import time
from typing import TYPE_CHECKING, Any

from ..exceptions import ReportServerLost
from ..study.steering import should_stop
from .reports import RemoteReport, Reports, held_interrupt, refusal, verdict

if TYPE_CHECKING:
    from ..study.core import Study

__all__ = ["REPORT_POLL", "ReportDesk"]

#: Seconds the runner waits for a report before it looks at the results again, when the objective
#: reports: a report is answered as it arrives, a result is seen at most this late.
REPORT_POLL = 0.02


class ReportDesk:
    """Answers the reports of a run's trials, in the order they arrive, as the study decides.

    Parameters
    ----------
    study : Study
        Records each report and asks its pruner.
    reports : Reports
        The queues the reports arrive on and the answers leave by.
    """

    def __init__(self, study: Study, reports: Reports):
        self.study, self.reports = study, reports
        self._attempts: dict[int, str] = {}  # each trial's first attempt to report (see answer)
        # Reports taken from the queue but not answered yet, and the one being recorded: a Ctrl-C
        # while the study records one (its pruner is the person's code) leaves them here, and
        # they are answered when the runner waits again (drain), rather than lost with a worker
        # waiting for its answer for ever.
        self._unanswered: list[list[Any]] = []
        self._answering: list[Any] | None = None
        # The queues' server died (ReportServerLost, raised once): no report arrives any more, but
        # results do (a report fails its trial on the worker), and the run waits for them or cancels them.
        self.lost = False

    def wait(self, futures: list[Any], timeout: float | None) -> None:
        """Wait as ``cf.wait(futures, timeout, FIRST_COMPLETED)`` does, answering the reports that
        arrive meanwhile: a worker that reported waits for its answer, and a result comes only
        after its trial's last report has been answered.

        Raises
        ------
        ReportServerLost
            The report queues' server died (once: the waits after it wait for results only).
        """
        if self.lost:
            cf.wait(futures, timeout=timeout, return_when=cf.FIRST_COMPLETED)
            return
        end = None if timeout is None else time.monotonic() + timeout
        while True:
            left = REPORT_POLL if end is None else min(REPORT_POLL, end - time.monotonic())
            try:
                with held_interrupt():  # a Ctrl-C within a queue's call lost a report (see held_interrupt)
                    self._unanswered += self.reports.received(max(left, 0.0))
                self._answer_received()
            except ReportServerLost:
                self.lost = True
                raise
            if any(future.done() for future in futures) or (end is not None and time.monotonic() >= end):
                return

    def reporter(self, number: int) -> RemoteReport:
        """The ``report`` for trial ``number``, sent with its task.

        Raises
        ------
        ReportServerLost
            The report queues' server died before the trial was submitted (so the waits after it
            wait for results only: the trials running then are waited for, not failed again).
        """
        try:
            return self.reports.reporter(number)
        except ReportServerLost:
            self.lost = True
            raise

    def _answer_received(self) -> None:
        """Answer each report received, in order; one is taken off the list only once answered."""
        while self._unanswered:
            report = self._unanswered[0]
            answer = self.answer(report)
            with held_interrupt():
                self.reports.answer(report[0], answer)
                del self._unanswered[0]
                self._answering = None

    def answer(self, report: list[Any]) -> list[str]:
        """Record a report ``[number, value, step, attempt]`` in the study (which asks its pruner);
        the answer for the worker.

        Dask runs a lost worker's task again; that attempt reports the steps the first one
        reported again: those are answered with the study's last word on the trial (a trial
        pruned or stopped since is told to stop; the first values stay in the journal), and only
        the steps new to the trial are recorded. So is a report whose recording a Ctrl-C cut
        short after the study had taken it."""
        number, value, step, attempt = report
        again = attempt != self._attempts.setdefault(number, attempt) or report is self._answering

        def recorded_before() -> bool:
            return again and step in self.study.state.trials[number].intermediate_values

        if not recorded_before():
            self._answering = report
            try:
                return verdict(self.study.report(number, value, step), number, step)
            except Exception as error:  # refused, or the pruner failed: the trial fails with it, as serially ...
                if not recorded_before():  # ... unless a Ctrl-C cut the journaling of this very report short
                    return refusal(error)  # (the study caught up with its line and refused the step as twice)
        return verdict(should_stop(self.study, number), number, step)
