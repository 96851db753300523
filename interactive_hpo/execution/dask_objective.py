"""Sending the objective to a Dask cluster once per worker, not with every trial.

A worker plugin gives each worker, and each worker that joins or restarts later, the objective's
bytes under a token; a run's tasks then carry the token. Imported only when a run is given a
``dask.distributed.Client``, so ``distributed`` is installed; the rest of the package uses the
client through its executor interface.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from typing import Any

from distributed import WorkerPlugin

from .worker import forget_blob, keep_blob

__all__ = ["send_objective"]


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
