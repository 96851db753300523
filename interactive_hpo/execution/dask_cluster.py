"""What a run on a Dask cluster needs beyond the client's executor.

- :func:`send_objective`: the objective sent once per worker, not with every trial. A worker
  plugin gives each worker, and each worker that joins or restarts later, the objective's bytes
  under a token; a run's tasks then carry the token.
- :class:`DaskReports`: the queues (on the scheduler) that carry an objective's reports to the
  study and its answers back (see :mod:`.reports`).

Imported only when a run is given a ``dask.distributed.Client``, so ``distributed`` is
installed; the rest of the package uses the client through its executor interface.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable
from typing import Any

from distributed import Queue, WorkerPlugin

from .reports import ENDED, RemoteReport
from .worker import forget_blob, keep_blob

__all__ = ["DaskReports", "send_objective"]


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
