"""The study room: a :class:`Study`, its record and everything that keeps or reads it.

- ``core``: :class:`Study` (ask, tell, the queue, save and load); the parts below mixed into
  it, and ``calls``: its methods named as the user calls them in Python's own errors:
- ``in_charge``: the optimizer in charge, built by name or given new, and switching it.
- ``recording``: transactions that catch up with other writers, events journaled before memory
  moves, and subscribers, who receive a :class:`StudyEvent`.
- ``running``: ``Study.step`` and ``Study.run`` (here, or handed to the parallel runner).
- ``own_trials``: the user's own trials (manual, evaluated, added from elsewhere) and their undo.
- ``sealed_looks``: the looks at the sealed test split of a task the study ran, kept in its journal.
- ``state``: a study's record (trials, finish order, queue), and the only code that changes it.
- ``results``: what a finished trial holds, read against the study's goals; the best trials;
  ``trial_fields``: what each field of a trial (and of a journal's header) may hold;
  ``learnt``: what the study tells an optimizer of a trial (a lower rung's result to a scheduler only).
- ``warm_start``: related studies' trials kept as prior knowledge for the optimizers;
  ``space_fit``: which trials made in one search space fit another (warm starts, ``branching``).
- ``dataframe``: ``Study.trials_dataframe()`` with Optuna's columns.
- ``journal``: the append-only JSON-lines file several processes share under a lock;
  ``journal_lines``: what one of its lines is and how it is written and read;
  ``journal_files``: its file opened, written whole and renamed, and a continuation's name;
  ``owners``: who asked each trial and whether it can still tell it; ``sharing``: what a study
  says of the other processes on its journal (a switch it follows, trials they left running);
  ``waiting``: waiting for the trials another study holds; ``read_only``: journals a study reads
  but does not write, and why.
- ``replay``: rebuilding a study from its journal; ``space_change``: what differs when a
  journal is reopened over another search space; ``past``: what the study knew at a past step
  (its optimizer, belief and population then).
- ``steering``: intermediate reports, the pruner (``Study.pruner``, switched by assigning it), a
  person's stop and promote; and evaluating a trial (``Study.evaluate``).
- ``pruning``: pruners (``MedianStoppingRule``; ``NopPruner`` turns pruning off) and their
  registry (``register_pruner``), by which a journal rebuilds them; ``reported``: the reports a
  pruner judges, kept between its decisions.
- ``introspection``: history, past surrogates and populations, for plots and the Lab.
- ``branching``: forking a study, or carrying its trials to another search space.
- ``curves``: learning curves, budget traces and population lineage, as plain data.
- ``progress``: the one-line progress of ``Study.run`` (trials done, best value, time left).
"""

from .core import Study, StudyEvent

__all__ = ["Study", "StudyEvent"]
