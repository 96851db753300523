"""Fuzzing the execution room (issue 21's rule, DESIGN.md section 3): one argument of a good call
to ``Study.run`` in parallel, ``simulate_workers``, ``simulate_counterpart``, ``Race`` or
``Schedule.observed`` replaced by a generated value gives a run that works, or the package's error
naming the argument and the function the person called; either way no trial is left RUNNING and
no finished trial changes. Trials run on threads (the same runner and worker code as processes:
the process pool's own faults are tests/execution/test_parallel.py's), at most two at a time.

The hand-picked cases found by this round's exploration are the tables at the end.
"""

from __future__ import annotations

import gc
import importlib
import math
import re
import textwrap
import threading
import time
import weakref
from concurrent.futures import Future, ThreadPoolExecutor

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, seed, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from interactive_hpo import Evaluation, HPOError, InvalidParameterError, Race, Study, TrialState
from interactive_hpo.execution.simulation import Schedule, simulate_counterpart, simulate_workers

from ..fidelity_helpers import LINE, bowl

POOL = ThreadPoolExecutor(2, thread_name_prefix="fuzz-execution")  # two workers, shared: no pool per example
FRESH = object()  # stands for a new study in a good call: each example gets its own
SETTINGS = {"min_budget": 1, "max_budget": 9}


def plain(params):
    return (params["x"] - 0.3) ** 2


def raises(params):
    raise ValueError("diverged")


def waits(params):
    time.sleep(0.01)  # hangs briefly: longer than a tiny trial_timeout
    return params["x"]


def runs(objective, n_trials, **settings):
    study = Study(LINE, "random", seed=0)
    return study, study.run(objective, n_trials, **settings)


def simulated(study, objective, **kwargs):
    study = Study(LINE, "random", seed=0) if study is FRESH else study
    return study, simulate_workers(study, objective, **kwargs)


def counterpart(study, objective, **kwargs):
    study = Study(LINE, "asha", seed=0, optimizer_settings=SETTINGS) if study is FRESH else study
    return study, simulate_counterpart(study, objective, **kwargs)


def raced(**kwargs):
    race = Race(**kwargs)
    race.run(1)
    return race, race.ranking()


def observed(trials):
    return None, Schedule.observed(trials)


def on_a_worker(params):
    """What a worker writes about a trial it ran (serially here: this module's import starts no thread)."""
    return Evaluation(params["x"], user_attrs={"worker": "host:1", "started_at": params["x"], "finished_at": 1.0})


DONE = Study(LINE, "random", seed=0)
DONE.run(on_a_worker, 3)

#: The owner its errors must name -> (the call, good arguments by name). A run is at most a few trials
#: (``until`` bounds a simulation whose ``n_jobs`` is replaced by a huge number).
CALLS = {
    "Study.run": (runs, {"objective": plain, "n_trials": 2, "n_workers": 2, "executor": POOL,
                         "trial_timeout": 5.0, "on_worker_loss": "fail", "on_interrupt": "wait"}),
    "simulate_workers": (simulated, {"study": FRESH, "objective": plain, "n_workers": 2, "n_jobs": 4, "until": 20.0,
                                     "cost": None, "seed": 0}),
    "simulate_counterpart": (counterpart, {"study": FRESH, "objective": bowl, "n_workers": 2, "n_jobs": 4,
                                           "seed": 0}),
    "Race": (raced, {"objective": plain, "lanes": ["random", "sobol"], "n_trials": 2, "space": LINE,
                     "direction": None, "directions": None, "reference": None, "seed": 0, "you": False}),
    "Schedule.observed": (observed, {"trials": DONE.trials}),
}
CASES = [(owner, name) for owner, (_, good) in CALLS.items() for name in good]

#: Anything a person might pass: numbers of every kind (huge ones, NaN, inf, bools, numpy scalars), text,
#: None, objects, lists and dicts of them, numpy arrays; objectives that raise, hang briefly, return NaN,
#: None or text; executors and studies of the room.
numbers = st.one_of(st.integers(-3, 40), st.integers(2, 10**12), st.integers(min_value=10**300, max_value=10**400),
                    st.floats(), st.integers(-10**6, 10**6).map(np.int64), st.floats(0, 100).map(np.float64),
                    st.booleans(), st.just(np.True_))
scalars = st.one_of(numbers, st.text(max_size=3), st.none(), st.builds(object),
                    st.sampled_from(["fail", "requeue", "wait", "cancel", "random", "maximize", "x"]))
arrays = hnp.arrays(st.sampled_from([np.float64, np.int64, np.dtype("U2"), np.dtype("O")]),
                    hnp.array_shapes(min_dims=0, max_dims=2, min_side=0, max_side=3))
objects = st.sampled_from([plain, raises, waits, bowl, lambda params: math.nan, lambda params: None,
                           lambda params: "0.5", lambda params, budget: 1.0, lambda: 1.0, POOL, LINE, DONE,
                           DONE.trials, Study(LINE, "asha", seed=0), lambda params, budget=None: -1.0])
values = st.one_of(scalars, st.lists(scalars, max_size=3), st.dictionaries(st.sampled_from(["x", "random"]), scalars),
                   arrays, objects)


def intact(study, before) -> None:
    """No trial of ``study`` left RUNNING, and the finished ones ``before`` the call unchanged."""
    if not isinstance(study, Study):
        return
    assert all(trial.state is not TrialState.RUNNING for trial in study.trials)
    assert study.trials[:len(before)] == before


@seed(21)
@settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck), database=None)
@given(case=st.sampled_from(CASES), value=values)
def test_a_run_works_or_refuses_naming_itself(case, value):
    owner, name = case
    call, good = CALLS[owner]
    # executor=None would start a process pool; a run takes n_trials trials, a counterpart's simulation n_jobs jobs.
    assume(not (name == "executor" and value is None))
    assume(not ((owner, name) in {("Study.run", "n_trials"), ("simulate_counterpart", "n_jobs")}
                and isinstance(value, (int, np.integer)) and value > 40))
    arguments = {**good, name: value}
    study = arguments.get("study")
    before = list(study.trials) if isinstance(study, Study) else []
    try:
        result = call(**arguments)
    except HPOError as error:
        message = str(error)
        assert re.match(rf"`[\w\[\]'`, ]+ of {re.escape(owner)} must be ", message), message
        intact(study, before)
        return
    repr(result)
    intact(result[0], before)
    if isinstance(result[1], Schedule):
        result[1].columns()


# -- hand-picked: each of these was an error from inside, a run that went wrong, or (*) accepted ---------------

class NoFutures:
    """A concurrent.futures-style executor whose submit returns no Future (a custom one with a bug)."""

    def submit(self, fn, *args):
        return None


class Sized:
    """An executor that says it runs ``size`` tasks at once (in its private ``_max_workers``)."""

    def __init__(self, size):
        self._max_workers = size

    def submit(self, fn, *args):
        future = Future()
        future.set_result(fn(*args))
        return future


class Unpicklable:
    """An objective that cannot travel: pickling it needs a module missing here."""

    def __call__(self, params):
        return params["x"]

    def __reduce__(self):
        raise ImportError("No module named 'cuda_kernels'")


SIMULATE = {"n_workers": 2, "n_jobs": 4}

BAD_CALLS = [
    # Every trial came back "worker lost (OverflowError: timestamp out of range for platform time_t)", re-queued.
    (lambda: runs(plain, 2, executor=POOL, trial_timeout=1e10),
     "`trial_timeout` of Study.run must be a finite real number in (0, MAX_TRIAL_TIMEOUT = 2,592,000] seconds "
     "(30 days); got 10000000000.0. A worker cannot wait longer"),
    # Pickling's own ImportError came through (a fallback to pickle, for a dependency that is always there).
    # (Refused before the pool starts: nothing is spawned. Threads take it as it is, below.)
    (lambda: runs(Unpicklable(), 2, n_workers=2),
     "`objective` of Study.run must be a picklable callable when trials run in other processes; got <"),
    # (*) 10**8 simulated workers: gigabytes before the first job.
    (lambda: simulated(FRESH, plain, n_workers=10**8, n_jobs=4),
     "`n_workers` of simulate_workers must be an int in [1, MAX_SIMULATED_WORKERS = 100,000]; got 100000000."),
    # These said "`objective` of Study.step" at the first job, which stayed FAILED in the study; then an
    # AttributeError for a study that is none.
    (lambda: simulated(Study(LINE, "asha", seed=0), plain, **SIMULATE),
     "`objective` of simulate_workers must be an objective with a `budget` keyword; got <function plain"),
    (lambda: simulated(FRESH, 3, **SIMULATE), "`objective` of simulate_workers must be a callable objective(params) "
                                               "-> float; got 3."),
    (lambda: simulated(3, plain, **SIMULATE), "`study` of simulate_workers must be an interactive_hpo Study; got 3."),
    # A TypeError from the cost after its first job.
    (lambda: simulated(FRESH, plain, cost=lambda params: 1.0, **SIMULATE),
     "`cost` of simulate_workers must be a callable cost(params, budget) -> float, or None; got <function"),
    # These named simulate_workers and Study, which the person did not call (the Lab's button neither).
    (lambda: counterpart(FRESH, bowl, n_workers=0, n_jobs=4), "`n_workers` of simulate_counterpart must be an int "
                                                               "in [1, inf); got 0."),
    (lambda: counterpart(FRESH, bowl, n_workers=2, n_jobs=4, seed=-1), "`seed` of simulate_counterpart must be a "
                                                                        "non-negative int"),
    (lambda: counterpart(FRESH, bowl, n_workers=2, n_jobs=None), "`n_jobs` of simulate_counterpart must be an int "
                                                                  "in [0, inf); got None."),
    (lambda: counterpart(FRESH, plain, n_workers=2, n_jobs=4, owner="Lab.simulate"),
     "`objective` of Lab.simulate must be an objective with a `budget` keyword"),
    # A TypeError: a Study is not iterable.
    (lambda: observed(DONE), "`trials` of Schedule.observed must be an iterable of Trials, such as study.trials; "
                             "got Study("),
    (lambda: observed([1]), "`trials` of Schedule.observed must be an iterable of Trials, such as study.trials; "
                            "got [1]."),
]


@pytest.mark.parametrize("call, message", BAD_CALLS)
def test_input_errors(call, message):
    with pytest.raises(InvalidParameterError, match=re.escape(message)):
        call()


def test_the_studies_of_refused_simulations_keep_no_trial():
    study = Study(LINE, "asha", seed=0)
    with pytest.raises(InvalidParameterError):
        simulate_workers(study, plain, **SIMULATE)
    assert study.trials == []   # a FAILED trial stayed before


def test_an_executor_whose_submit_returns_no_future_leaves_no_trial_running(tmp_path):
    """Before: an AttributeError from inside concurrent.futures, with every trial asked left RUNNING."""
    path = tmp_path / "study.jsonl"
    study = Study(LINE, "random", seed=0, storage=path)
    study.run(plain, 1)
    with pytest.raises(InvalidParameterError, match=re.escape("`executor` of Study.run must be an executor whose "
                                                              "submit returns a concurrent.futures.Future; got <")):
        study.run(plain, 3, executor=NoFutures())
    assert [t.state for t in study.trials] == [TrialState.COMPLETE, TrialState.FAILED]
    resumed = Study.load(path)   # the journal resumes, with the same trials
    assert [(t.state, t.params) for t in resumed.trials] == [(t.state, t.params) for t in study.trials]
    resumed.run(plain, 1)


@pytest.mark.parametrize("size", [-1, "2", 0, None])
def test_an_executor_size_that_is_no_count_of_workers_is_not_used(size):
    """Before: -1 ran no trial at all, silently; "2" a TypeError once the run had begun."""
    study = Study(LINE, "random", seed=0)
    done = study.run(plain, 3, executor=Sized(size))
    assert len(done) == 3 and [t.state for t in study.trials] == [TrialState.COMPLETE] * 3


def test_an_objectives_own_config_attribute_is_no_schedulers_job():
    """Before: Schedule.columns() (and plot_gantt) failed with int('big'); a "rung" of 1.5 was drawn as rung 1."""
    study = Study(LINE, "random", seed=0)
    schedule = simulate_workers(study, lambda p: Evaluation(p["x"], user_attrs={"config": "big", "rung": 1.5}),
                                n_workers=2, n_jobs=3, seed=0)
    columns = schedule.columns()
    assert columns["config"].tolist() == columns["rung"].tolist() == [-1, -1, -1]
    # A scheduler's own jobs are still read.
    asha = Study(LINE, "asha", seed=0, optimizer_settings=SETTINGS)
    runs_ = simulate_workers(asha, bowl, n_workers=2, n_jobs=4, seed=0).runs
    assert [(r.config, r.rung, r.bracket) for r in runs_] == [
        (t.user_attrs["config"], t.user_attrs["rung"], t.user_attrs["bracket"]) for t in
        sorted(asha.trials, key=lambda t: [r.number for r in runs_].index(t.number))]


def test_a_module_that_runs_trials_on_threads_as_it_is_imported_does_not_deadlock(tmp_path, monkeypatch):
    """Before: the worker thread unpickled the objective, which imports its module, whose import in
    progress waited for the worker: both waited forever."""
    (tmp_path / "experiment_at_import.py").write_text(textwrap.dedent("""
        from concurrent.futures import ThreadPoolExecutor

        from interactive_hpo import Float, SearchSpace, Study


        def objective(params):
            return params["x"]


        study = Study(SearchSpace([Float("x", 0.0, 1.0)]), "random", seed=0)
        with ThreadPoolExecutor(1) as pool:
            study.run(objective, 2, executor=pool)
    """))
    monkeypatch.syspath_prepend(str(tmp_path))
    imported = []
    importer = threading.Thread(target=lambda: imported.append(importlib.import_module("experiment_at_import")),
                                daemon=True)
    importer.start()
    importer.join(60.0)  # a bound on a deadlock, which never ends (the import takes milliseconds)
    assert imported and [t.state for t in imported[0].study.trials] == [TrialState.COMPLETE] * 2


class Holding:
    """An objective holding data (a training set, say)."""

    def __init__(self):
        self.data = np.zeros(1000)

    def __call__(self, params):
        return params["x"] + self.data[0]


def test_a_run_lets_go_of_its_objective_whether_it_ran_or_was_refused():
    """What threads of this process call is registered for the run only: neither a run nor a runner
    refused on its executor keeps the objective, and the data it holds, for good."""
    from interactive_hpo.execution.parallel import ParallelRunner, RunSettings

    objective = Holding()
    held = weakref.ref(objective)
    study = Study(LINE, "random", seed=0)
    study.run(objective, 2, executor=POOL)
    with pytest.raises(InvalidParameterError, match="`executor` of Study.run must be a concurrent.futures-style"):
        ParallelRunner(study, objective, 1, RunSettings(executor=object()))
    del objective
    gc.collect()
    assert held() is None


@pytest.mark.parametrize("attrs", [{"worker": "w", "started_at": "yesterday", "finished_at": 1.0},
                                   {"worker": ["w"], "started_at": 0.0, "finished_at": 1.0},
                                   {"worker": "w", "started_at": None, "finished_at": 1.0},
                                   {"worker": "w", "started_at": 2.0, "finished_at": 1.0}])
def test_attributes_a_worker_did_not_write_are_left_out_of_the_observed_schedule(attrs):
    """Before: ValueError, TypeError (unhashable list; float(None)), or a bar ending before it started."""
    study = Study(LINE, "random", seed=0)
    study.run(lambda p: Evaluation(p["x"], user_attrs=attrs), 2)
    assert Schedule.observed(study.trials).runs == ()


def test_your_configuration_is_refused_naming_race_evaluate():
    # Study.add_evaluated validated params without its owner: the refusal named SearchSpace.
    race = Race(plain, ["random"], 2, space=LINE, seed=0, you=True)
    with pytest.raises(InvalidParameterError, match=re.escape("`params` of Race.evaluate must be")):
        race.evaluate({"y": 0.5})
