"""The executor side of a parallel run: :class:`RunExecutor`, the base of
:class:`~interactive_hpo.execution.runner.ParallelRunner`, holds the executor its trials run on (a
pool of local processes the run starts, an executor given, a Dask client's), the objective sent
ahead to the workers, and the desk that answers the objective's reports; it replaces a broken pool,
notices a Dask client closed mid-run, and lets go of all of them when the run ends. Which trials
run, and what the study is told of them, is the runner's.
"""

from __future__ import annotations

import concurrent.futures as cf
import uuid
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from .._validation import accepts_keyword
from .answering import ReportDesk
from .reports import LocalReports, Reports
from .settings import RunSettings, as_executor, check_open, is_dask_client, let_pool_go, process_pool, runs_here
from .worker import keep_here, release, serialize

if TYPE_CHECKING:
    from ..study.core import Study

__all__ = ["RunExecutor"]


class RunExecutor:
    """What a parallel run holds on its executor, from its first trial to the last.

    Parameters
    ----------
    study : Study
        Whose pruner answers the objective's reports (if it takes ``report``).
    objective : callable
        Sent once to the workers (serialized), or kept in this process for its threads.
    settings : RunSettings
        ``n_workers`` and ``executor`` are read here (None: a pool of local processes this run
        starts, and shuts down).
    owner : str
        What the person called to start the run ("Study.run", "Lab.run"): errors name it.
    """

    def __init__(self, study: Study, objective: Callable[..., Any], settings: RunSettings, owner: str):
        n_workers, executor = settings.n_workers, settings.executor
        if executor is not None:  # checked when it was given too; a Lab's may have closed since
            check_open(executor, owner)
        self._given = executor  # what the person gave (a dask Client, not its executor): asked if it closes mid-run
        self.objective = objective
        # The run's name, under which workers keep its objective (each run starts from the objective as passed).
        self._token = f"interactive_hpo-objective-{uuid.uuid4().hex}"
        self._blob = b""  # the objective's bytes, for workers in other processes
        if runs_here(executor):  # threads of this process call the objective itself: it need not pickle
            keep_here(objective, self._token)
        else:
            # Before any pool exists: a failure leaks nothing.
            self._blob = serialize(objective, owner, self._token, maybe=is_dask_client(executor))
        self._owns_pool = executor is None
        # What each task carries for the objective: on a pool this runner starts or a Dask cluster, the
        # token naming the bytes each worker process was given once (an objective holding a dataset
        # was copied with every trial); on threads of this process, the token naming the objective
        # itself; on another executor, the bytes, as nothing else reaches it.
        self._payload: bytes | str = self._token if runs_here(executor) else self._blob
        self._take_back: Callable[[], None] = lambda: None
        self._cluster: Any = None  # a Dask cluster's ClusterSize: its worker threads as they join and leave
        self._follow = False  # whether n_workers follows them (not given, on a Dask cluster)
        self._desk: ReportDesk | None = None  # answers the objective's reports, if it takes `report`
        try:
            if accepts_keyword(objective, "report"):
                self._desk = ReportDesk(study, self._open_reports(executor))
            if self._owns_pool:
                self._cap = n_workers or 4
                self._executor: Any = process_pool(self._cap, self._token, self._blob)
                self._payload = self._token
            else:
                self._executor, size = as_executor(executor, owner)
                self._cap = n_workers or size or 4
                if is_dask_client(executor):
                    from .dask_cluster import ClusterSize, send_objective

                    self._take_back = send_objective(executor, self._token, self._blob)
                    self._payload = self._token
                    self._cluster, self._follow = ClusterSize(executor), n_workers is None
        except BaseException:  # no run, so no close(): let go of what was started
            self._let_go()
            raise

    def _open_reports(self, executor: Any) -> Reports:
        """The queues that carry the objective's reports here and the answers back."""
        if is_dask_client(executor):
            from .dask_cluster import DaskReports

            return DaskReports(executor, self._token)
        return LocalReports()

    @property
    def n_workers(self) -> int:
        """Trials kept running at once: ``n_workers`` as given; without it, a Dask cluster's worker
        threads as they join and leave (``ClusterSize.slots``: a cluster that grew got no more
        trials than it had threads when the run began), or the executor's size, or 4."""
        return self._cluster.slots() if self._follow else self._cap

    def _replace_pool(self) -> None:
        let_pool_go(self._executor)
        self._executor = process_pool(self._cap, self._token, self._blob)

    def _closed_mid_run(self) -> bool:
        """Whether the Dask client the run was given has closed since the run began."""
        return self._cluster is not None and self._cluster.closed

    def _wait(self, futures: list[Any], timeout: float | None) -> None:
        if self._desk is None:
            cf.wait(futures, timeout=timeout, return_when=cf.FIRST_COMPLETED)
        else:
            self._desk.wait(futures, timeout)

    def _let_go(self) -> None:
        """Let go of what the run started besides its pool: the report queues, the objective sent
        to a Dask cluster, and the objective :func:`serialize` registered."""
        try:
            if self._desk is not None:
                self._desk.reports.close()
        finally:
            try:
                self._take_back()
            finally:
                release(self._token, self.objective)
