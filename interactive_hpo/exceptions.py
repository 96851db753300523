"""The one exception hierarchy of interactive_hpo.

Every error raised on purpose by the package derives from :class:`HPOError`, and the
ones caused by a bad argument also derive from the builtin a Python user would expect
(``ValueError``, ``RuntimeError``, ``ImportError``), so ``except ValueError`` still works.
"""

from __future__ import annotations

__all__ = [
    "HPOError",
    "InvalidParameterError",
    "TrialStateError",
    "SearchExhausted",
    "StorageError",
    "MissingDependencyError",
    "TrialPruned",
    "Unfingerprintable",
    "WorkerStartError",
    "DaskClientClosed",
    "ReportServerLost",
]


class HPOError(Exception):
    """Base class of every error raised on purpose by interactive_hpo."""


class InvalidParameterError(HPOError, ValueError):
    """An argument broke a documented rule; the message names it, the rule and the value."""


class TrialStateError(HPOError, RuntimeError):
    """An operation does not fit the trial's state (telling a finished trial again, ...)."""


class SearchExhausted(HPOError):
    """The optimizer has nothing left to propose (every grid point was evaluated)."""


class StorageError(HPOError, ValueError):
    """A journal file is corrupted, foreign, or belongs to a different study."""


class MissingDependencyError(HPOError, ImportError):
    """An optional dependency is not installed; the message says which extra to install."""


class Unfingerprintable(HPOError, TypeError):
    """An objective's values depend on something that cannot be hashed reliably (a fitted model,
    an object whose repr is its address), so it has no ``fingerprint`` to key a cache by; the
    message names the value and how to give one."""


class WorkerStartError(HPOError, RuntimeError):
    """Local processes (a run's workers, or the report server its pruning needs) cannot be started:
    a script runs trials on them at its top level without ``if __name__ == "__main__":`` (refused
    before any process starts, or by each worker that imports the script again), or a worker of
    a run would start a pool of its own (the objective's module starts a run when imported)."""


class DaskClientClosed(HPOError, RuntimeError):
    """The Dask client a parallel run was given closed during the run (``client.close()``, its
    cluster closed, a ``with`` block ended): no more trials can start on it; those it cut short
    are FAILED and ``Trial.cut_short``, and the journal is resumable on an open client."""


class ReportServerLost(HPOError, RuntimeError):
    """The process that carries a parallel run's reports to the study (its report queues' server)
    died mid-run: the run stops, and its running trials end FAILED; the journal is resumable."""


class TrialPruned(HPOError):
    """Raised inside an objective by its ``report`` callable when the trial should stop now.

    Let it propagate: the study records the trial as PRUNED with everything it reported. An
    objective may also raise it itself to give up on a trial.
    """
