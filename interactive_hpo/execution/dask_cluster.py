"""What a run on a Dask cluster needs beyond the client's executor.

- :func:`send_objective`: the objective sent once per worker, not with every trial. A worker
  plugin gives each worker, and each worker that joins or restarts later, the objective's bytes
  under a token; a run's tasks then carry the token.
- :class:`DaskReports`: the queues (on the scheduler) that carry an objective's reports to the
  study and its answers back (see :mod:`.reports`).
- :class:`ClusterSize`: the cluster's worker threads as workers join and leave, read at most
  every :data:`READ_EVERY` seconds: a run without ``n_workers`` keeps that many trials running,
  and gives up on its trials when the cluster has had no workers for :data:`NO_WORKERS_GRACE`.

Imported only when a run is given a ``dask.distributed.Client``, so ``distributed`` is
installed; the rest of the package uses the client through its executor interface.
"""

from __future__ import annotations

import contextlib
import math
import time
from collections.abc import Callable
from typing import Any

from distributed import Queue, WorkerPlugin

from .._validation import warn_user
from ..exceptions import DaskClientClosed
from .reports import ENDED, RemoteReport
from .worker import forget_blob, keep_blob

__all__ = ["NO_WORKERS_GRACE", "READ_EVERY", "ClusterSize", "DaskReports", "send_objective"]

#: Seconds between two readings of a cluster's worker threads (each asks the scheduler).
READ_EVERY = 1.0
#: Seconds a cluster that had workers during a run may have none before the run gives up on its
#: trials ("worker lost (the cluster has no workers left)"): a nanny restarts a dead worker within
#: seconds, and a run whose cluster lost them all waited for ever, silently. A cluster that has had
#: no worker since the run began (a batch system's jobs still queued) is waited for, with a warning.
NO_WORKERS_GRACE = 60.0


class _ObjectiveBytes(WorkerPlugin):
    """Keeps a run's objective bytes on every worker while the run lasts."""

    def __init__(self, token: str, blob: bytes):
        self.token, self.blob = token, blob

    def setup(self, worker: Any) -> None:
        keep_blob(self.token, self.blob)

    def teardown(self, worker: Any) -> None:
        forget_blob(self.token)


def send_objective(client: Any, token: str, blob: bytes) -> Callable[[], None]:
    """Give every worker of ``client``'s cluster ``blob`` under ``token``; returns the call that takes
    it back (best effort: a client closed meanwhile has nothing left to take back)."""
    client.register_plugin(_ObjectiveBytes(token, blob), name=token)

    def take_back() -> None:
        with contextlib.suppress(Exception):
            client.unregister_worker_plugin(token)

    return take_back


class ClusterSize:
    """How many worker threads ``client``'s cluster has, read again at most every
    :data:`READ_EVERY` seconds; and for how long it has had none.

    Parameters
    ----------
    client : dask.distributed.Client
    """

    def __init__(self, client: Any):
        self._client = client
        self._read_at = -math.inf
        self._threads = 0
        self._empty_since: float | None = None  # time.monotonic() of the first reading of none, in a row
        self._last_threads = 0  # the last reading that found workers
        self._warned = False  # that no worker has joined
        self.threads()

    def threads(self) -> int:
        """The cluster's worker threads, as last read (read again if :data:`READ_EVERY` has passed)."""
        now = time.monotonic()
        if now - self._read_at >= READ_EVERY:
            self._read_at = now
            try:
                self._threads = sum(self._client.nthreads().values())
            except Exception:  # noqa: BLE001 - a client closing or reconnecting: the last reading stands
                return self._threads
            self._last_threads = self._threads or self._last_threads
            self._empty_since = None if self._threads else (now if self._empty_since is None else self._empty_since)
        return self._threads

    @property
    def had_workers(self) -> bool:
        """Whether any reading found a worker."""
        return self._last_threads > 0

    def slots(self) -> int:
        """Trials a run keeps on the cluster: its worker threads; while it has none, as many as
        the last reading that found some (4 if none did: a cluster still starting)."""
        return self.threads() or self._last_threads or 4

    def empty_for(self) -> float:
        """Seconds since the cluster was first found without workers, in a row (0.0: it has some)."""
        return 0.0 if self.threads() or self._empty_since is None else time.monotonic() - self._empty_since

    @property
    def closed(self) -> bool:
        """Whether the client has closed (``client.close()``, its cluster closed, a ``with`` block ended)."""
        return str(getattr(self._client, "status", "")) in ("closing", "closed")

    @staticmethod
    def closed_error(owner: str, cut: int, reason: str) -> DaskClientClosed:
        """The error a run (``owner``) stops with when its client closed mid-run, ``cut`` trials cut
        short (FAILED, ``reason`` in their error). It blamed the argument, as if the client given
        had been closed before the run (audit a425)."""
        return DaskClientClosed(
            f"The Dask client closed during {owner}: {cut} trial(s) were cut short (FAILED \"...: {reason}\"; "
            "trial.cut_short: optimizers may propose them again), and no more can start. Run again on an open "
            "client; the study goes on from the trials it has.")

    @property
    def poll(self) -> float:
        """Seconds a run waits for results before it looks at the cluster again."""
        return READ_EVERY

    def lost(self, owner: str, n_queued: int) -> bool:
        """Whether the cluster had workers and has had none for :data:`NO_WORKERS_GRACE` seconds. One
        no worker has joined since it was first read is waited for, and warned of once that long
        (``owner``: the run's; ``n_queued``: its trials waiting)."""
        if self.had_workers or self._warned or self.empty_for() < NO_WORKERS_GRACE:
            return self.had_workers and self.empty_for() >= NO_WORKERS_GRACE
        self._warned = True
        warn_user(f"No worker has joined the Dask cluster in {self.empty_for():.0f} s; {owner} waits for one "
                  f"({n_queued} trial(s) queued). Start workers (cluster.scale(n)), or interrupt the run.",
                  RuntimeWarning)
        return False

    def warn_lost(self, owner: str, reason: str, lost: list[Any]) -> None:
        """Warn that ``owner`` stops, the cluster having had no workers for too long: the trials ``lost``
        FAILED with ``reason``, some re-queued."""
        requeued = sum(str(trial.error).endswith("re-queued") for trial in lost)
        warn_user(f"The Dask cluster has had no workers for {self.empty_for():.0f} s: {owner} stops, its "
                  f"{len(lost)} running trial(s) FAILED \"{reason}\""
                  + (f", {requeued} re-queued for the next run" if requeued else "")
                  + ". Give the cluster workers (cluster.scale(n)) and run again.", RuntimeWarning)


class DaskReports:
    """Report queues on a Dask cluster's scheduler, named after the run's ``token``: one inbox,
    and one answer queue per trial (see :mod:`.reports`)."""

    #: Seconds between two looks at the inbox: a report waits about half of it, plus the trips to the scheduler.
    POLL = 0.002

    def __init__(self, client: Any, token: str):
        self._client, self._token = client, token
        self._inbox = Queue(f"{token}-reports", client=client)
        self._answers: dict[int, Queue] = {}

    def reporter(self, number: int) -> RemoteReport:
        self._answers[number] = Queue(f"{self._token}-answers-{number}", client=self._client)
        return RemoteReport(number, self._inbox, self._answers[number])

    def received(self, timeout: float) -> list[list[Any]]:
        # Polled rather than waited on: a get that times out is logged by the scheduler as an
        # error, with a traceback, every time. Every POLL seconds, as a worker waits for the answer.
        end = time.monotonic() + timeout
        while not (received := self._inbox.get(batch=True)) and time.monotonic() < end:
            time.sleep(min(self.POLL, max(end - time.monotonic(), 0.0)))
        return received

    def answer(self, number: int, answer: list[str]) -> None:
        self._answers[number].put(answer)

    def close(self) -> None:
        with contextlib.suppress(Exception):  # a client closed meanwhile has no queues left to answer
            for answers in self._answers.values():
                answers.put(ENDED)
                answers.close()
            self._inbox.close()
