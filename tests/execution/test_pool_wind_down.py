"""A run lets its process pool wind down before it returns: Python 3.11's exit handler wakes a
pool's manager thread without the lock that thread's closing takes, and a script that exited while
one was still closing printed "Exception ignored in threading._shutdown ... Bad file descriptor"
(once in seven runs of the suite's Ctrl-C test, whose script checks its stderr is empty)."""

from __future__ import annotations

import threading

from interactive_hpo import Float, SearchSpace, Study

from .objectives import bowl


def managers() -> set[threading.Thread]:
    return {t for t in threading.enumerate() if type(t).__name__ == "_ExecutorManagerThread" and t.is_alive()}


def test_a_run_returns_with_its_pools_manager_thread_ended():
    before = managers()
    study = Study(SearchSpace([Float("x", -1.0, 1.0), Float("y", -1.0, 1.0)]), "random", seed=0)
    study.run(bowl, 4, n_workers=2)
    assert [t.state.name for t in study.trials] == ["COMPLETE"] * 4
    assert managers() <= before
