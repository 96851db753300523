"""A worker process unpickles a run's objective once, however many of its threads ask for it at
once (audit a430: two threads of a Dask worker both missed it and each unpickled its own copy, so
a stateful objective was not shared and a dataset it held took memory twice)."""

from __future__ import annotations

import pickle
import threading
import time
from typing import Any

import pytest

from interactive_hpo import Float, SearchSpace, Study
from interactive_hpo.execution import worker

#: Each Slow object unpickled, in the order they were.
UNPICKLED: list[Slow] = []


class Slow:
    """An objective slow to unpickle, as one holding a dataset is; ``fail``: its unpickling raises."""

    def __init__(self, fail: bool = False, pause: float = 0.2):
        self.fail, self.pause = fail, pause

    def __setstate__(self, state: dict[str, Any]) -> None:
        UNPICKLED.append(self)
        time.sleep(state["pause"])
        if state["fail"]:
            raise ValueError("no such dataset on this worker")
        self.__dict__.update(state)

    def __call__(self, params: dict[str, Any]) -> float:
        return float(id(self))  # which object a trial ran on


def load_at_once(key: str, payload: bytes | str, threads: int = 3) -> list[Any]:
    """What ``threads`` threads calling ``worker._objective`` at once got: objects or errors."""
    got: list[Any] = []
    start = threading.Barrier(threads)

    def load() -> None:
        start.wait()
        try:
            got.append(worker._objective(key, payload))
        except Exception as error:
            got.append(error)

    running = [threading.Thread(target=load) for _ in range(threads)]
    for thread in running:
        thread.start()
    for thread in running:
        thread.join()
    return got


@pytest.fixture
def payload(request):
    """The bytes of a Slow, kept under a token (a pool's or Dask's worker) or carried by each task."""
    UNPICKLED.clear()
    blob = pickle.dumps(Slow(fail=request.param == "failing"))
    if request.param == "carried":
        yield blob
        worker._CARRIED.pop("run", None)
    else:
        worker.keep_blob("run", blob)
        yield "run"
        worker.forget_blob("run")
    assert not worker._PENDING


@pytest.mark.parametrize("payload", ["kept", "carried"], indirect=True)
def test_threads_that_need_the_objective_at_once_share_one_unpickled_copy(payload):
    got = load_at_once("run", payload)
    assert len(UNPICKLED) == 1 and len(got) == 3 and all(g is UNPICKLED[0] for g in got)
    assert worker._objective("run", payload) is UNPICKLED[0] and len(UNPICKLED) == 1  # reused after


@pytest.mark.parametrize("payload", ["failing"], indirect=True)
def test_threads_waiting_for_an_unpickling_that_fails_get_its_error(payload):
    got = load_at_once("run", payload)
    assert len(UNPICKLED) == 1 and all(g is got[0] for g in got) and isinstance(got[0], ValueError)
    with pytest.raises(ValueError, match="no such dataset"):  # a later task tries again, no thread waits for good
        worker._objective("run", payload)
    assert len(UNPICKLED) == 2


def test_the_threads_of_a_dask_worker_run_one_copy_of_the_objective():
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(n_workers=1, threads_per_worker=2, processes=True, host="127.0.0.1",
                                  dashboard_address=None) as cluster, distributed.Client(cluster) as client:
        study = Study(SearchSpace([Float("x", 0.0, 1.0)]), "random", seed=0)
        study.run(Slow(pause=0.3), 4, executor=client, n_workers=2, progress=False)
    assert len({t.user_attrs["worker"] for t in study.trials}) == 2  # both threads ran trials
    assert len({t.value for t in study.trials}) == 1  # on one object: 2 before
