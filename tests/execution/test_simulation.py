"""Simulated workers (the Gantt data) and the multi-fidelity curves computed from a study."""

from __future__ import annotations

import re

import numpy as np
import pytest

from interactive_hpo import Float, InvalidParameterError, SearchSpace, Study, TrialPruned, TrialState
from interactive_hpo.execution.simulation import simulate_counterpart, simulate_workers
from interactive_hpo.study.curves import budget_trace, config_curves, learning_curves

from ..fidelity_helpers import LINE, bowl, curve

SETTINGS = {"min_budget": 1, "max_budget": 27}



def simulate(name, seed=0, **kwargs):
    study = Study(LINE, name, seed=seed, optimizer_settings=SETTINGS)
    kwargs = {"n_workers": 4, "n_jobs": 60, "seed": seed, **kwargs}
    return study, simulate_workers(study, bowl, **kwargs)


def test_asha_never_leaves_a_worker_idle_while_a_job_exists():
    study, schedule = simulate("asha")
    assert len(schedule.runs) == 60 and schedule.waiting_time() == 0.0
    last_start = max(run.start for run in schedule.runs)
    # The only idle time is the tail, once all 60 jobs were handed out.
    assert all(spell.reason == "done" and spell.start >= last_start for spell in schedule.idle)
    # At every moment before the last start, all four workers are busy.
    for t in np.linspace(0.0, last_start, 200, endpoint=False):
        assert sum(run.start <= t < run.end for run in schedule.runs) == 4


def test_synchronous_halving_waits_at_rung_ends_and_each_wait_ends_when_a_job_finishes():
    study, schedule = simulate("halving")
    waits = [spell for spell in schedule.idle if spell.reason == "waiting"]
    assert waits and schedule.waiting_time() > 0
    ends = {run.end for run in schedule.runs}
    assert all(spell.end in ends for spell in waits)
    assert schedule.utilization < simulate("asha")[1].utilization


def test_runs_match_the_study_and_never_overlap_on_a_worker():
    study, schedule = simulate("hyperband", n_workers=3)
    assert sorted(run.number for run in schedule.runs) == [t.number for t in study.trials]
    assert all(t.state.value == "COMPLETE" for t in study.trials)
    for worker in range(3):
        mine = sorted((run.start, run.end) for run in schedule.runs if run.worker == worker)
        assert all(end <= start for (_, end), (start, _) in zip(mine, mine[1:], strict=False))
    columns = schedule.columns()
    assert columns["start"].shape == (60,) and set(columns["rung"]) <= {0, 1, 2, 3}


def test_same_seed_same_schedule_and_custom_cost():
    first, second = simulate("asha", seed=3)[1], simulate("asha", seed=3)[1]
    assert first == second
    _, fixed = simulate("asha", cost=lambda params, budget: 2.0 * budget)
    assert all(run.end - run.start == pytest.approx(2.0 * run.budget) for run in fixed.runs)


def test_until_stops_starting_jobs():
    _, schedule = simulate("asha", n_jobs=None, until=20.0)
    assert max(run.start for run in schedule.runs) < 20.0 <= schedule.makespan


@pytest.mark.parametrize(("stop", "no_job_after"), [({"n_jobs": None, "until": 20.0}, 20.0), ({"n_jobs": 40}, None)])
def test_a_worker_idle_while_halving_waits_is_waiting_until_no_job_starts_any_more(stop, no_job_after):
    """Audit: workers idle while synchronous halving waited for its last running rung were labelled
    "done" from the moment they went idle, though the scheduler was not finished (its next ask gives
    a trial): waiting_time() under-counted them and the Gantt chart left them blank. Idle time is
    "waiting" until `until` (or the start of the n_jobs-th job), "done" only after."""
    study, schedule = simulate("halving", **stop)
    no_job_after = no_job_after or max(run.start for run in schedule.runs)
    assert not study.optimizer.exhausted and study.ask().budget is not None
    for worker in range(schedule.n_workers):  # each worker's bars and idle spells tile [0, makespan]
        spans = sorted([(r.start, r.end) for r in schedule.runs if r.worker == worker]
                       + [(s.start, s.end) for s in schedule.idle if s.worker == worker])
        assert spans[0][0] == 0.0 and spans[-1][1] == schedule.makespan
        assert all(end == start for (_, end), (start, _) in zip(spans, spans[1:], strict=False))
    assert all((s.end <= no_job_after) if s.reason == "waiting" else (s.start >= no_job_after) for s in schedule.idle)
    assert no_job_after in {s.end for s in schedule.idle if s.reason == "waiting"}  # a wait cut short by the stop
    busy = sum(max(0.0, min(r.end, no_job_after) - r.start) for r in schedule.runs)
    assert schedule.waiting_time() == pytest.approx(schedule.n_workers * no_job_after - busy)


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"n_workers": 0}, "`n_workers` of simulate_workers must be an int in [1, inf); got 0"),
    ({"n_jobs": None}, "`n_jobs` of simulate_workers must be an int >= 0 when `until` is None; got None"),
    ({"cost": lambda p, b: -1.0}, "`cost` of simulate_workers must be a callable returning a duration, a finite real "
                                  "number in [0, inf); got -1.0. cost({'x': "),
    ({"seed": -1}, "`seed` of simulate_workers must be a non-negative int, a numpy.random.Generator or None; got -1."),
    ({"cost": 3}, "`cost` of simulate_workers must be a callable cost(params, budget) -> float, or None; got 3"),
])
def test_input_errors(kwargs, message):
    study = Study(LINE, "asha", seed=0, optimizer_settings=SETTINGS)
    with pytest.raises(InvalidParameterError, match=re.escape(message)):
        simulate_workers(study, bowl, **{"n_workers": 2, "n_jobs": 5, **kwargs})


@pytest.mark.parametrize(("returns", "error", "message"), [
    (lambda: float("nan"), InvalidParameterError, "`cost` of simulate_workers must be a callable returning a "
                                                  "duration, a finite real number in [0, inf); got nan."),
    (lambda: "slow", InvalidParameterError, "got 'slow'."),
    (lambda: 1 / 0, ZeroDivisionError, "division by zero"),
])
def test_a_failing_cost_stops_the_run_but_tells_every_result_already_computed(returns, error, message):
    """Fuzz round 2: a cost returning NaN on the 4th job left two trials RUNNING forever (their
    objectives had run, their results were lost) and a halving study then refused every ask()."""
    study = Study(LINE, "halving", seed=0, optimizer_settings=SETTINGS)
    calls = iter(range(100))
    with pytest.raises(error, match=re.escape(message)):
        simulate_workers(study, bowl, n_workers=2, n_jobs=8,
                         cost=lambda params, budget: returns() if next(calls) == 3 else 1.0)
    assert [t.state.value for t in study.trials] == ["COMPLETE"] * 4   # the 4th job's objective had run too
    assert [t.value for t in study.trials] == [bowl(t.params, budget=t.budget) for t in study.trials]
    study.ask()   # the scheduler is not left waiting for trials that never finish


def test_config_curves_follow_each_configuration_over_budgets():
    study = Study(LINE, "halving", seed=0, optimizer_settings=SETTINGS)
    study.run(bowl, n_trials=27 + 9 + 3 + 1)
    curves = config_curves(study)
    assert len(curves) == 27
    longest = max(curves, key=lambda c: len(c.steps))
    np.testing.assert_array_equal(longest.steps, [1, 3, 9, 27])
    np.testing.assert_allclose(longest.values, [study.trials[n].value for n in longest.numbers])


def test_learning_curves_keep_what_pruned_trials_reported():
    study = Study(LINE, seed=0, pruner="median")
    study.run(curve, n_trials=12)
    curves = learning_curves(study)
    assert [c.key for c in curves] == list(range(12))
    pruned = [c for c in curves if c.state == "PRUNED"]
    assert pruned and all(len(c.steps) < 5 for c in pruned)


def test_a_pruned_job_takes_the_share_of_its_cost_its_steps_are_of_a_full_run():
    # Before: its bar ran the full cost, as if it had trained to the end.
    study = Study(LINE, seed=0, pruner="median")
    schedule = simulate_workers(study, curve, n_workers=1, n_jobs=12, cost=lambda params, budget: 10.0)
    full = max(len(t.intermediate_values) for t in study.trials if t.state is TrialState.COMPLETE)
    took = {run.number: run.end - run.start for run in schedule.runs}
    pruned = [t for t in study.trials if t.state is TrialState.PRUNED]
    assert pruned and all(len(t.intermediate_values) < full for t in pruned)
    assert all(took[t.number] == pytest.approx(10.0 * len(t.intermediate_values) / full) for t in pruned)
    assert all(took[t.number] == 10.0 for t in study.trials if t.state is not TrialState.PRUNED)


def test_budget_trace_counts_every_budget_and_compares_only_full_evaluations():
    study = Study(LINE, "halving", seed=0, optimizer_settings={"min_budget": 1, "max_budget": 9})
    study.run(bowl, n_trials=9 + 3 + 1)
    trace = budget_trace(study)
    assert trace.full_budget == 9
    np.testing.assert_allclose(trace.spent[[8, 11, 12]], [9, 18, 27])
    assert np.all(np.isnan(trace.best_full[:12])) and trace.best_full[12] == study.trials[12].value
    assert trace.best_any[8] == min(t.value for t in study.trials[:9])


def test_a_trial_pruned_in_a_study_of_several_objectives_is_pruned_without_a_value():
    """It reported a value of one objective: no value of the study's several (it once failed the
    run, leaving trials RUNNING)."""
    def pruned(params, *, report):
        report(0.5, 1)
        raise TrialPruned("stop")

    for run in (lambda s: s.run(pruned, n_trials=2), lambda s: simulate_workers(s, pruned, n_workers=2, n_jobs=3)):
        study = Study(SearchSpace([Float("x", 0, 1)]), "random", directions=["minimize", "minimize"], seed=0)
        run(study)
        assert {t.state for t in study.trials} == {TrialState.PRUNED} and all(t.values is None for t in study.trials)


def test_a_scheduler_and_its_counterpart_run_on_scratch_studies():
    study = Study(LINE, "asha", seed=0, optimizer_settings=SETTINGS)
    study.run(bowl, n_trials=3)
    before = [(t.params, t.budget, t.value) for t in study.trials]
    schedules = simulate_counterpart(study, bowl, n_workers=3, n_jobs=60, seed=1)
    assert list(schedules) == ["asha", "halving"]
    assert all(len(s.runs) == 60 and s.n_workers == 3 for s in schedules.values())
    assert schedules["asha"].waiting_time() == 0.0 < schedules["halving"].waiting_time()
    assert [(t.params, t.budget, t.value) for t in study.trials] == before  # the study is untouched
    assert simulate_counterpart(study, bowl, n_workers=3, n_jobs=60, seed=1) == schedules
    # The counterpart of synchronous halving is ASHA.
    halving = Study(LINE, "halving", seed=0, optimizer_settings=SETTINGS)
    assert list(simulate_counterpart(halving, bowl, n_workers=2, n_jobs=10)) == ["halving", "asha"]


def test_only_a_scheduler_has_a_counterpart_and_the_error_names_the_caller():
    with pytest.raises(InvalidParameterError, match=r"Lab\.simulate.*multi-fidelity scheduler.*'random'"):
        simulate_counterpart(Study(LINE, "random", seed=0), bowl, n_workers=2, n_jobs=4, owner="Lab.simulate")


def test_a_scheduler_and_its_counterpart_are_compared_on_the_same_randomness_from_a_generator():
    # Before: each scratch study drew its own seed from the Generator, and the cost factors went on
    # with its stream: the two schedulers' first jobs (the same configuration at the lowest budget)
    # took different times.
    study = Study(LINE, "asha", seed=0, optimizer_settings=SETTINGS)
    schedules = simulate_counterpart(study, bowl, n_workers=2, n_jobs=6, seed=np.random.default_rng(5))
    first = [(s.runs[0].budget, s.runs[0].end - s.runs[0].start) for s in schedules.values()]
    assert first[0] == first[1]
    drawn = int(np.random.default_rng(5).integers(0, 2**62))  # the one int the Generator gives
    assert simulate_counterpart(study, bowl, n_workers=2, n_jobs=6, seed=drawn) == schedules


def ran(number, worker, start, end, state=TrialState.COMPLETE):
    """A trial as a parallel run records it: by a worker (its clock), or lost with it (``worker``
    None: the study's clock, from asked to recorded lost)."""
    from interactive_hpo.trial import Trial

    if worker is None:
        return Trial(number, {"x": 0.5}, np.array([0.5]), TrialState.FAILED,
                     user_attrs={"error": "worker lost (BrokenProcessPool: a process died)"},
                     datetime_start=start, datetime_complete=end)
    return Trial(number, {"x": 0.5}, np.array([0.5]), state, 1.0,
                 user_attrs={"worker": worker, "started_at": start, "finished_at": end},
                 datetime_start=start, datetime_complete=end)


def test_the_observed_schedule_of_a_run_that_replaced_its_workers_has_a_row_per_worker_at_once():
    # Two local processes; one dies with trial 1, which breaks the pool; a new pool's two processes
    # take over. Before: 3 workers (the lost trial left out), the new ones idle from time 0 before
    # they existed: utilization 31% for a run never above two processes.
    from matplotlib.figure import Figure

    from interactive_hpo.execution.simulation import Schedule
    from interactive_hpo.plots import plot_gantt

    trials = [ran(0, "h:1", 100.0, 101.0), ran(1, None, 100.0, 102.0), ran(2, "h:2", 103.0, 104.0),
              ran(3, "h:3", 103.5, 105.0), ran(4, "h:2", 104.0, 106.0)]
    schedule = Schedule.observed(trials)
    rows = {run.number: run.worker for run in schedule.runs}
    assert schedule.n_workers == 2 and schedule.lost == (1,)
    assert rows == {0: 0, 1: 1, 2: 0, 3: 1, 4: 0}  # the new processes on the rows of those they replaced
    assert schedule.utilization == pytest.approx(7.5 / 12)  # busy 7.5 s of 2 rows x 6 s
    ax = plot_gantt(schedule, Figure().add_subplot())
    assert [c.get_label() for c in ax.containers][-1] == "lost with its worker"


def test_an_observed_run_that_lost_no_trial_has_every_row_from_0_as_a_simulation():
    # Rows start at their first trial only where workers were replaced (trials lost): a run that
    # lost none read each row from its first trial too, so a worker idle at the start (no trial for
    # it yet: a scheduler waiting, a Dask worker that joined late) counted busy (here 100%), and the
    # chart disagreed with a simulated one.
    from interactive_hpo.execution.simulation import IdleSpell, Schedule

    schedule = Schedule.observed([ran(0, "a:1", 10.0, 14.0), ran(1, "b:1", 12.0, 14.0)])
    assert schedule.n_workers == 2 and schedule.row_starts == () and schedule.lost == ()
    assert schedule.idle == (IdleSpell(1, 0.0, 2.0, "waiting"),) and schedule.utilization == 0.75
