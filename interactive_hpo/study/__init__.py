"""The study room: a :class:`Study`, its record and everything that keeps or reads it.

- ``core``: :class:`Study` (ask, tell, step, run, manual trials, switching optimizer) and
  :class:`StudyEvent`, what subscribers receive.
- ``journal``: the append-only JSON-lines file several processes share under a lock.
- ``replay``: rebuilding a study (and any past belief) from its journal.
- ``steering``: intermediate reports, the pruner, a person's stop and promote; and evaluating
  a trial (``Study.evaluate``).
- ``pruning``: pruners (``MedianStoppingRule``).
- ``introspection``: history, past surrogates and populations, for plots and the Lab.
- ``branching``: forking a study, or carrying its trials to another search space.
- ``curves``: learning curves, budget traces and population lineage, as plain data.
- ``progress``: the one-line progress of ``Study.run`` (trials done, best value, time left).
"""

from .core import Study, StudyEvent

__all__ = ["Study", "StudyEvent"]
