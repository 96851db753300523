"""The benchmark harness (benchmarks/suite): a tiny run end to end, and the Bayesmark arithmetic
on hand-made results. The benchmarks themselves never run as timed tests."""

from __future__ import annotations

import json
import math
import shlex
from pathlib import Path

import numpy as np
import pytest

from benchmarks.__main__ import main
from benchmarks.suite import runner
from benchmarks.suite.methods import METHODS, Method, available_methods, make_method
from benchmarks.suite.report import best_seen, discrimination, normalized, score_table, timings, to_markdown
from benchmarks.suite.runner import TIMING_TASKS, run_one, run_suite, time_proposals
from benchmarks.suite.tasks import TASKS, make_task

#: SMAC fits its forest in about a second even on two points: the tiny run leaves it out, and the
#: tests below run it on a new task for a few seconds in all.
SLOW = {"smac"}


def test_a_tiny_run_writes_json_markdown_and_plots_for_every_installed_method_but_the_slow(tmp_path, capsys):
    here = [m for m in available_methods()[0] if m not in SLOW]
    # svr_diabetes: a budgeted scikit-learn task for hyperband whose fits take 0.01-0.1 s (gb_diabetes's
    # 0.2-0.6 s made up four fifths of this run).
    assert main(["run", "--quick", "--tasks", "branin,mixed_branin,svr_diabetes", "--methods", ",".join(here),
                 "--seeds", "2", "--trials", "2", "--sizes", "4", "--out", str(tmp_path), "--no-isolate"]) == 0
    results = json.loads((tmp_path / "results.json").read_text())
    assert set(results["methods"]) == set(here)
    for method, outcome in results["methods"].items():
        tasks = {run["task"] for run in outcome["runs"]}
        assert tasks == ({"svr_diabetes"} if method == "hyperband" else {"branin", "mixed_branin", "svr_diabetes"})
        assert all(len(run["losses"]) == len(run["budgets"]) == len(run["seconds"]) for run in outcome["runs"])
        assert all(sum(run["budgets"]) >= 2 - 1e-9 for run in outcome["runs"])
        # Proposal times on a continuous and on a mixed space (none for a multi-fidelity scheduler).
        assert set(outcome["speed"]) == (set() if method == "hyperband" else set(TIMING_TASKS))
    assert results["meta"]["checkpoints"] == [2] and results["meta"]["command"].startswith("python -m benchmarks run")
    table = (tmp_path / "results.md").read_text()
    assert all(f"| {method} |" in table for method in here) and "Does each task separate" in table
    assert "Seconds per proposal on Hartmann6" in table and "Seconds per proposal on `mixed_units`" in table
    assert (tmp_path / "convergence.png").stat().st_size > 1000
    assert not (tmp_path / "results.partial.json").exists()   # kept only while a run is under way
    assert "aggregate" in capsys.readouterr().out


def test_the_recorded_command_runs_again_as_pasted(tmp_path):
    # "--sizes ''" (no timing run) was recorded as "--sizes  --jobs 2": pasted, argparse refused it.
    argv = ["run", "--quick", "--tasks", "branin", "--methods", "random", "--seeds", "1", "--trials", "2",
            "--sizes", "", "--out", str(tmp_path), "--no-isolate"]
    assert main(argv) == 0
    command = json.loads((tmp_path / "results.json").read_text())["meta"]["command"]
    assert "--sizes ''" in command and shlex.split(command)[3:] == argv


def test_smac_runs_a_new_task_through_the_command_line(tmp_path):
    pytest.importorskip("smac")
    assert main(["run", "--tasks", "levy3_corner", "--methods", "random,smac", "--seeds", "1", "--trials", "3",
                 "--sizes", "", "--out", str(tmp_path), "--no-isolate"]) == 0
    results = json.loads((tmp_path / "results.json").read_text())
    (run,) = results["methods"]["smac"]["runs"]
    assert run["task"] == "levy3_corner" and len(run["losses"]) == 3 and min(run["losses"]) >= 0.0
    assert "| smac |" in (tmp_path / "results.md").read_text()
    assert not Path("smac3_output").exists()   # SMAC's default output directory: it writes to a temporary one


@pytest.mark.parametrize("jobs", [1, 2])
def test_each_method_runs_in_its_own_process_and_reports_its_peak_memory(jobs):
    finished = []
    results = run_suite(["branin"], ["sobol", "random"], seeds=1, n_full=2, sizes=[], random_draws={"branin": 10},
                        jobs=jobs, progress=finished.append)
    assert list(results["methods"]) == ["sobol", "random"] and sorted(finished) == ["random", "sobol"]
    assert all(outcome["peak_mb"] > 10 for outcome in results["methods"].values())
    assert results["machine"]["threads"]["OMP_NUM_THREADS"] == "1"
    # SMAC's runs depend on the hash seed: every method's process starts with the same one.
    assert all(outcome["hash_seed"] == "0" for outcome in results["methods"].values())
    assert results["machine"]["hash_seed"] == "0"


@pytest.mark.parametrize("name", [name for name in METHODS if name in available_methods()[0]])
def test_every_method_learns_from_configurations_it_did_not_propose(name):
    """``observe`` is how the proposal timing grows the data; every adapter must accept it."""
    task = make_task("mixed_branin")
    method = make_method(name, task.space, seed=0)
    for params in task.space.sample(3, rng=1):
        method.observe(params, task.loss(params))
    params, budget = method.ask()
    assert set(params) == set(task.space.names)
    method.tell(task.loss(params) if budget in (None, 1.0) else task.loss(params))


def test_smac_maps_its_space_and_counts_what_it_was_told_toward_its_initial_design():
    pytest.importorskip("smac")
    space = make_task("hgb_breast_cancer").space   # a categorical whose choices include None
    method = make_method("smac", space, seed=0, n_trials=20)   # initial design: min(10 x 5, 20 / 4) = 5 points
    told = [*space.sample(3, rng=0), {**space.sample(1, rng=1)[0], "interaction_cst": None}]
    method.observe_many(told, [0.5, 0.4, 0.3, 0.2])
    params, budget = method.ask()   # the one Sobol point left: no model fit, so this test stays fast
    assert space.validate(params) == params and budget is None
    assert method._pending.config.origin.startswith("Initial Design")
    meta = method._facade.meta
    assert meta["initial_design"]["n_configs"] == 5 - 4 and meta["model"]["name"] == "RandomForest"
    assert meta["config_selector"]["retrain_after"] == method.proposals_per_fit == 8
    method.tell(0.1)


class _Cycling(Method):
    """Fits once per 4 proposals, for 1 s of pretend time (the clock is patched)."""

    proposals_per_fit = 4

    def __init__(self, space, seed):
        self.space, self.asks = space, 0

    def ask(self):
        self.asks += 1
        return self.space.sample(1, rng=self.asks)[0], None

    def tell(self, loss):
        pass

    def observe(self, params, loss):
        pass


def test_a_method_that_fits_once_per_cycle_is_timed_over_a_whole_cycle(monkeypatch):
    clock = iter(float(t) for t in range(1000))
    made = []

    def factory(space, seed):
        made.append(_Cycling(space, seed))
        return made[-1]

    monkeypatch.setitem(METHODS, "cycling", ("interactive_hpo", factory))
    monkeypatch.setattr(runner.time, "perf_counter", lambda: next(clock))
    assert time_proposals("cycling", [3, 5], "mixed_units") == {3: 1.0, 5: 1.0}
    assert [m.asks for m in made] == [5, 5]   # one untimed, then the 4 of one cycle
    assert [m.n_trials for m in made] == [3, 5]   # each made for a run of n trials


def test_timing_tables_read_old_and_new_results():
    runs = {"task": "t", "method": "m", "seed": 0, "losses": [1.0], "budgets": [1.0], "seconds": [0.0], "wall": 0.0}
    new = {"methods": {"optuna-gp": {"runs": [runs], "speed": {"hartmann6": {"10": 0.2}, "mixed_units": {"10": 0.4}},
                                     "peak_mb": None},
                       "smac": {"runs": [runs], "speed": {"hartmann6": {"10": 0.1}, "mixed_units": {"10": 0.8}},
                                "peak_mb": None}},
           "references": {"t": {"optimum": 0.0, "random_median": 2.0}}}
    assert timings(new) == {"hartmann6": {"optuna-gp": {10: 0.2}, "smac": {10: 0.1}},
                            "mixed_units": {"optuna-gp": {10: 0.4}, "smac": {10: 0.8}}}
    table = to_markdown(new, [1])
    assert "| smac | 0.100 (1x, 0.5x) |" in table and "| optuna-gp | 0.400 (1x, 1x) |" in table
    old = {**new, "methods": {m: {**o, "speed": {"10": 0.3}} for m, o in new["methods"].items()}}
    assert timings(old) == {"hartmann6": {"optuna-gp": {10: 0.3}, "smac": {10: 0.3}}}   # Hartmann6 only, then


def test_multi_fidelity_runs_count_budget_in_full_evaluations():
    run = run_one(make_task("svr_diabetes"), "hyperband", seed=0, n_full=1)
    assert min(run.budgets) < 1.0 and sum(run.budgets) == pytest.approx(1.0, abs=1 / 9 + 1e-9)


def _results(runs, optimum=None, random_median=1.0):
    methods = {}
    for method, task, losses in runs:
        methods.setdefault(method, {"runs": [], "speed": {}, "peak_mb": None})["runs"].append(
            {"task": task, "method": method, "seed": len(methods[method]["runs"]), "losses": losses,
             "budgets": [1.0] * len(losses), "seconds": [0.0] * len(losses), "wall": 0.0})
    return {"methods": methods, "references": {"t": {"optimum": optimum, "random_median": random_median}}}


def test_normalized_score_is_bayesmarks():
    results = _results([("a", "t", [0.8, 0.5, 0.2]), ("a", "t", [0.6, 0.6, 0.6]), ("b", "t", [0.9, 0.9, 0.4])])
    assert best_seen(results, "t") == 0.2   # no known optimum: the best any run found
    np.testing.assert_allclose(normalized(results, "t", "a", 2), [(0.5 - 0.2) / 0.8, (0.6 - 0.2) / 0.8])
    np.testing.assert_allclose(normalized(results, "t", "a", 3), [0.0, 0.5])
    table = score_table(results, 3)
    assert table["a"]["t"][0] == pytest.approx(0.25) and table["a"]["aggregate"][0] == pytest.approx(75.0)
    known = _results([("a", "t", [0.5])], optimum=0.0)
    assert normalized(known, "t", "a", 1)[0] == pytest.approx(0.5)   # the known optimum is the zero


def test_a_task_separates_methods_only_beyond_the_seed_noise():
    close = _results([("random", "t", [0.50]), ("random", "t", [0.52]), ("bo", "t", [0.49]), ("bo", "t", [0.51])],
                     optimum=0.0)
    far = _results([("random", "t", [0.50]), ("random", "t", [0.52]), ("bo", "t", [0.10]), ("bo", "t", [0.11])],
                   optimum=0.0)
    assert discrimination(close, 1)["t"]["separates"] is False
    assert discrimination(far, 1)["t"] == pytest.approx({"best": "bo", "gap": 0.405, "noise": 2 * math.hypot(
        0.01, 0.005), "separates": True})


def test_every_task_evaluates_a_random_configuration():
    for name in TASKS:
        task = make_task(name)
        params = task.space.sample(1, rng=0)[0]
        assert math.isfinite(task.loss(params))
        if task.optimum is not None:
            assert task.loss(params) >= task.optimum


def test_the_held_out_tasks_evaluate_and_their_functions_reach_their_optima():
    from benchmarks.suite.heldout import HELDOUT

    for name, factory in HELDOUT.items():
        task = factory()
        params = task.space.sample(1, rng=0)[0]
        assert math.isfinite(task.loss(params)) and name not in TASKS
        if task.optimum is not None:
            function = task.loss
            assert task.loss(params) >= task.optimum
            assert function.evaluate(function.optimizers).max() == pytest.approx(task.optimum, abs=1e-5), name


def test_scikit_optimize_is_told_a_batch_at_once():
    """Its tell refits the GP: growing the data to 500 one point at a time would cost 500 fits."""
    pytest.importorskip("skopt")
    task = make_task("branin")
    method = make_method("skopt-gp", task.space, seed=0)
    filler = task.space.sample(12, rng=0)
    method.observe_many(filler, [task.loss(p) for p in filler])
    assert len(method.optimizer.Xi) == 12 and len(method.optimizer.models) == 1


@pytest.mark.parametrize(("flag", "value", "message"), [
    ("--tasks", "branin,mnist", "unknown or unavailable task(s) ['mnist']; choose from ['branin',"),
    ("--methods", "random,hebo", "unknown or unavailable method(s) ['hebo']; choose from ['random',"),
])
def test_a_typo_in_the_command_line_is_refused_before_any_work(flag, value, message, tmp_path, capsys):
    with pytest.raises(SystemExit):
        main(["run", "--quick", flag, value, "--out", str(tmp_path)])
    assert message in capsys.readouterr().err and not list(tmp_path.iterdir())
