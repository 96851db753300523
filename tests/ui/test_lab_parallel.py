"""The Lab's Run N on an executor: running trials in the status line, Stop between trials."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import matplotlib

matplotlib.use("Agg")

import pytest  # noqa: E402

from interactive_hpo import Float, InvalidParameterError, SearchSpace, TrialState  # noqa: E402
from interactive_hpo.ui import Lab  # noqa: E402

SPACE = SearchSpace([Float("x", -2.0, 2.0), Float("y", -2.0, 2.0)])


def slow_bowl(params):
    time.sleep(0.05)
    return params["x"] ** 2 + params["y"] ** 2


RELEASE = threading.Event()  # what a hung objective waits for (module level: it must pickle)


def hangs(params):
    RELEASE.wait(30)
    return 0.0


def test_run_n_uses_the_executor_and_shows_the_running_trials():
    with ThreadPoolExecutor(3) as pool:
        lab = Lab(slow_bowl, space=SPACE, optimizer="random", seed=0, executor=pool)
        seen = []
        lab.controller.on_change(lambda kind: seen.append(lab.status.value) if kind == "running" else None)
        done = lab.run(7)
    assert len(done) == 7 and all(t.state is TrialState.COMPLETE for t in lab.study.trials)
    assert any("running: #0, #1, #2" in status for status in seen)
    assert "running" not in lab.status.value and lab.status.value.startswith("Trials: 7")
    assert {t.user_attrs["worker"] for t in lab.study.trials}  # evaluated through the parallel runner


def diverges(params, report):
    for step in range(3):
        report(float("nan") if params["x"] > 0 and step == 1 else 0.0, step)
    return 0.0


def test_run_n_on_workers_prunes_as_a_serial_run_does():
    # Before: the Lab refused an objective that reports when it had workers.
    from interactive_hpo import Study
    from interactive_hpo.study.pruning import MedianStoppingRule

    study = Study(SPACE, "random", seed=0, pruner=MedianStoppingRule(n_startup_trials=0))
    with ThreadPoolExecutor(2) as pool:
        Lab(study, diverges, executor=pool).run(6)
    assert [t.state for t in study.trials] == [TrialState.PRUNED if t.params["x"] > 0 else TrialState.COMPLETE
                                               for t in study.trials]
    assert {len(t.intermediate_values) for t in study.trials} == {2, 3}


def test_stop_lets_the_running_trials_finish_and_starts_no_more():
    with ThreadPoolExecutor(2) as pool:
        lab = Lab(slow_bowl, space=SPACE, optimizer="random", seed=0, executor=pool, n_workers=2)
        finished = []
        for trial in lab.controller.steps(20):
            if trial is not None:
                finished.append(trial)
            lab.controller.stop()  # what the Stop button calls, at the first chance the kernel gets
    assert len(lab.study.trials) == 2 and len(finished) == 2  # the two running ones finish, no more start
    assert all(t.state is TrialState.COMPLETE for t in lab.study.trials)


def test_stop_again_cancels_the_running_trials():
    # A hung objective held a parallel run after Stop: the Lab waited for it, with no way out
    # but interrupting the kernel twice. Stop again cancels what still runs.
    with ThreadPoolExecutor(2) as pool:
        lab = Lab(hangs, space=SPACE, optimizer="random", seed=0, executor=pool, n_workers=2)
        yielded = []
        for trial in lab.controller.steps(20):
            yielded.append(trial)
            lab.controller.stop()  # the first chance the kernel gets, then once more
            if len(yielded) == 2:
                lab.controller.stop()
        RELEASE.set()
    assert len(lab.study.trials) == 2 and not lab.controller.running
    assert [t.state for t in lab.study.trials] == [TrialState.FAILED] * 2
    assert all(t.error == "cancelled: Stop clicked again" for t in lab.study.trials)


STUCK = threading.Event()


def stuck(params):
    STUCK.wait(30)
    return 0.0


def test_a_trial_past_the_timeout_fails_and_the_run_goes_on():
    # A hung objective held a Lab's Run with no way to bound it: Lab took no trial_timeout.
    with ThreadPoolExecutor(2) as pool:
        lab = Lab(stuck, space=SPACE, optimizer="random", seed=0, executor=pool, trial_timeout=0.2)
        done = lab.run(2)
        STUCK.set()
    assert [t.state for t in done] == [TrialState.FAILED] * 2
    assert all(t.error == "timed out after 0.2 s" for t in done) and not lab.controller.running


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"trial_timeout": 5}, r"`trial_timeout` of Lab must be None when trials run in this process"),
    ({"n_workers": 2, "on_worker_loss": "retry"}, r"`on_worker_loss` of Lab must be one of \['fail', 'requeue'\]"),
    # Accepted, and refused by the first Run (naming Lab.run), or by multiprocessing as an OverflowError.
    ({"executor": 3}, r"`executor` of Lab must be a concurrent.futures-style executor \(with submit\) or a dask "
                      r"Client; got 3\."),
    ({"n_workers": 10**14}, r"`n_workers` of Lab must be an int in \[1, 4096\]; got 100000000000000\."),
])
def test_run_settings_are_refused_where_typed(kwargs, message):
    with pytest.raises(ValueError, match=message):
        Lab(slow_bowl, space=SPACE, **kwargs)


def test_an_objective_the_workers_cannot_take_is_refused_naming_lab_run():
    lock = threading.Lock()  # cannot be pickled: the objective cannot reach the worker processes
    lab = Lab(lambda p: p["x"] if lock else 0.0, space=SPACE, optimizer="random", seed=0, n_workers=2)
    with pytest.raises(InvalidParameterError, match="`objective` of Lab.run must be a picklable callable"):
        list(lab.controller.steps(2))  # it said "of Study.run", a method the person never called
    assert lab.study.trials == [] and not lab.controller.running
    # Threads of this process call it as it is (a thread pool pickled it, and refused it).
    with ThreadPoolExecutor(2) as pool:
        lab = Lab(lambda p: p["x"] if lock else 0.0, space=SPACE, optimizer="random", seed=0, executor=pool)
        list(lab.controller.steps(2))
    assert len(lab.study.trials) == 2 and not lab.controller.running


def test_ctrl_c_waits_for_the_running_trials_as_study_run_does():
    # Ctrl-C in a cell running lab.run(...) on workers recorded the trial still running FAILED,
    # "cancelled: the Lab's run ended on an error", its result dropped, and the status line said so.
    with ThreadPoolExecutor(2) as pool:
        lab = Lab(slow_bowl, space=SPACE, optimizer="random", seed=0, executor=pool)
        pressed = []

        def ctrl_c(event):  # the interrupt lands while the status line shows the trials started
            if event == "running" and not pressed:
                pressed.append(event)
                raise KeyboardInterrupt

        lab.controller.on_change(ctrl_c)
        with pytest.raises(KeyboardInterrupt):
            lab.run(10)
    assert len(lab.study.trials) == 2  # nothing asked after the interrupt
    assert all(t.state is TrialState.COMPLETE for t in lab.study.trials)  # the running ones were waited for
    assert "failed" not in lab.status.value and "running" not in lab.status.value


def test_a_step_still_runs_here():
    lab = Lab(slow_bowl, space=SPACE, optimizer="random", seed=0, n_workers=2)
    trial = lab.step()
    assert trial.state is TrialState.COMPLETE and "worker" not in trial.user_attrs


@pytest.mark.parametrize("n_workers", [0, 1.5])
def test_bad_n_workers_is_refused_where_typed(n_workers):
    with pytest.raises(ValueError, match="`n_workers` of Lab must be an int in"):
        Lab(slow_bowl, space=SPACE, n_workers=n_workers)


def test_a_parallel_run_hands_control_back_while_no_trial_finishes():
    """The app's background run yields between items: with slow trials it must get heartbeats
    (None) in the meantime, or a Stop click would wait for the next result."""

    def slower(params):
        time.sleep(1.2)
        return params["x"]

    with ThreadPoolExecutor(1) as pool:
        lab = Lab(slower, space=SPACE, optimizer="random", seed=0, executor=pool)
        items = list(lab.controller.steps(1))
    assert items[-1] is not None and items.count(None) >= 1 and len(lab.study.trials) == 1
