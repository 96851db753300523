"""Ways of running a study's trials.

- ``parallel``: local processes or any executor (a Dask cluster), with timeouts, lost workers
  and interrupts handled (``Study.run(..., n_workers=4)`` hands over to it); ``runner``: the
  run it drives, steppable (the Lab steps it); ``run_executor``: the executor side of that run
  (its pool or executor, the objective sent to the workers, the report desk, let go of at the
  end); ``settings``: a run's checked settings and the executor its trials run on; ``worker``:
  what runs in each worker process; ``main_guard``: a script's run refused before any process
  starts when it lacks ``if __name__ == "__main__":``;
  ``reports``: an objective's ``report`` on a worker, answered by the study's pruner;
  ``answering``: the study's side of the reports, answered while the runner waits;
  ``dask_cluster``: what a Dask cluster needs beyond its executor (the objective sent once, the
  report queues; imported only when a Dask client is given).
- ``simulation``: the same schedulers on simulated workers and a simulated clock; ``schedule``:
  what workers did (simulated, or observed in a real run), the data of a Gantt chart.
- ``race``: several optimizers (and you) on one objective with one budget, in lockstep.
"""

from .race import Race, Standing

__all__ = ["Race", "Standing"]
