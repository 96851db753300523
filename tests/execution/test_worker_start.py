"""A script that runs trials on local processes without ``if __name__ == "__main__":``: refused
in the study's process, before any process starts; with the guard, in any of its forms, it runs."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from interactive_hpo.execution.main_guard import _unguarded_call

ROOT = Path(__file__).resolve().parents[2]

HEAD = textwrap.dedent(
    """
    from interactive_hpo import Float, SearchSpace, Study

    def objective(params):
        return params["x"]

    def main():
        study = Study(SearchSpace([Float("x", 0.0, 1.0)]), "random", seed=0)
        study.run(objective, n_trials=2, n_workers=2, progress=False)
        print("done", len(study.trials))
    """
)

GUARDED = {
    "the run under the guard": 'if __name__ == "__main__":\n    main()\n',
    "the guard written the other way round": 'if "__main__" == __name__:\n    main()\n',
    "the run itself at the top level of the guarded block": textwrap.dedent(
        """
        if __name__ == "__main__":
            study = Study(SearchSpace([Float("x", 0.0, 1.0)]), "random", seed=0)
            study.run(objective, n_trials=2, n_workers=2,
                      progress=False)
            print("done", len(study.trials))
        """),
    # Forms no parser of the if statement saw: each was refused, and runs.
    "the guard kept in a variable": 'IS_MAIN = __name__ == "__main__"\nif IS_MAIN:\n    main()\n',
    "the guard as an expression": '__name__ == "__main__" and main()\n',
    "the guard as a match statement": 'match __name__:\n    case "__main__":\n        main()\n',
    "the guard in a class body": 'class Runner:\n    if __name__ == "__main__":\n        main()\n',
}


def _run(args: list[str], cwd: Path) -> tuple[subprocess.CompletedProcess, float]:
    start = time.monotonic()
    done = subprocess.run([sys.executable, *args], capture_output=True, text=True, timeout=60,
                          env={**os.environ, "PYTHONPATH": str(ROOT)}, cwd=cwd)
    return done, time.monotonic() - start


def _refused(done: subprocess.CompletedProcess) -> None:
    assert done.returncode == 1, done.stderr
    assert 'Put the run under `if __name__ == "__main__":`' in done.stderr
    # Told once, by the study's process: no worker started, so none ran the script again (each
    # printed its traceback, and the run went on, every trial "worker lost", or hung for good).
    assert done.stderr.count("Traceback") == 1, done.stderr
    assert "interactive_hpo.exceptions.WorkerStartError" in done.stderr
    assert "spawn_main" not in done.stderr
    assert "bootstrapping phase" not in done.stderr  # Python's own error, which speaks of freeze_support


def test_a_script_without_the_main_guard_is_refused_before_any_process_starts(tmp_path):
    # A large objective (300 KB: a scikit-learn task holds its data) hung for good: spawn wrote it to
    # a pipe whose reading end the study's process held, to a worker that died before reading it.
    script = tmp_path / "unguarded.py"
    script.write_text(HEAD + "objective.data = bytes(300_000)\nmain()\n")
    done, seconds = _run([str(script)], tmp_path)
    _refused(done)
    assert seconds < 30


def test_the_refused_run_leaves_the_study_as_it_was(tmp_path):
    script = tmp_path / "unguarded.py"
    script.write_text(HEAD + textwrap.dedent(
        """
        def attempt():
            study = Study(SearchSpace([Float("x", 0.0, 1.0)]), "random", seed=0)
            try:
                study.run(objective, n_trials=2, n_workers=2, progress=False)
            except Exception as error:
                print(type(error).__name__, len(study.trials))

        attempt()
        """))
    done, _ = _run([str(script)], tmp_path)
    assert done.stdout.split() == ["WorkerStartError", "0"], done.stderr


def test_a_module_run_with_python_m_without_the_guard_is_refused(tmp_path):
    (tmp_path / "unguarded_module.py").write_text(HEAD + "main()\n")
    done, _ = _run(["-m", "unguarded_module"], tmp_path)
    _refused(done)


@pytest.mark.parametrize("guard", GUARDED.values(), ids=GUARDED.keys())
def test_a_guarded_script_runs(tmp_path, guard):
    script = tmp_path / "guarded.py"
    script.write_text(HEAD + guard)
    done, _ = _run([str(script)], tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["done", "2"]


def test_a_launcher_that_execs_a_guarded_script_runs(tmp_path):
    # The launcher's own line is an unguarded call (of exec), but not of the run.
    (tmp_path / "exp.py").write_text(HEAD + GUARDED["the run under the guard"])
    (tmp_path / "launcher.py").write_text('exec(open("exp.py").read())\n')
    done, _ = _run(["launcher.py"], tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["done", "2"]


def test_a_script_edited_while_it_runs_runs(tmp_path):
    # The script drops its first lines as it starts, as an editor saving it would: the running
    # line's number, read in the file as it is now, falls on a top-level statement further down.
    script = tmp_path / "edited.py"
    script.write_text("# note\n" * 3 + textwrap.dedent(
        """
        from pathlib import Path
        Path(__file__).write_text(Path(__file__).read_text().replace("# note\\n", ""))
        """) + HEAD + GUARDED["the run under the guard"] + "ENDED = True\n" * 5)
    done, _ = _run([str(script)], tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["done", "2"]
    assert not script.read_text().startswith("# note")


def test_the_report_server_is_named_when_it_is_what_an_unguarded_script_starts(tmp_path):
    # On threads, only the report queues' server (an objective that takes `report`) is a process.
    script = tmp_path / "threads.py"
    script.write_text(textwrap.dedent(
        """
        from concurrent.futures import ThreadPoolExecutor
        from interactive_hpo import Float, SearchSpace, Study

        def objective(params, report):
            report(params["x"], step=1)
            return params["x"]

        study = Study(SearchSpace([Float("x", 0.0, 1.0)]), "random", seed=0)
        study.run(objective, n_trials=2, executor=ThreadPoolExecutor(2), progress=False)
        """))
    done, _ = _run([str(script)], tmp_path)
    _refused(done)
    assert "cannot start the process that carries the objective's reports" in done.stderr
    assert "worker processes" not in done.stderr


def test_a_run_in_a_top_level_for_or_with_block_is_refused_before_any_process_starts(tmp_path):
    # Let run as "not sure", it hung with a large objective as an unguarded top-level run did (r424).
    script = tmp_path / "looped.py"
    script.write_text(HEAD + "objective.data = bytes(300_000)\nfor seed in range(1):\n    main()\n")
    done, _ = _run([str(script)], tmp_path)
    _refused(done)


def test_a_package_s_main_module_runs_unguarded(tmp_path):
    # python -m package and python folder/ run __main__.py, which a spawned process never runs again
    # (multiprocessing.spawn skips it): it was refused (r424).
    (tmp_path / "tool").mkdir()
    (tmp_path / "tool" / "__init__.py").write_text("")
    (tmp_path / "tool" / "__main__.py").write_text(HEAD + "main()\n")
    for args in (["-m", "tool"], [str(tmp_path / "tool")]):
        done, _ = _run(args, tmp_path)
        assert done.returncode == 0, done.stderr
        assert done.stdout.split() == ["done", "2"]


def test_a_guarded_module_run_with_python_m_runs(tmp_path):
    (tmp_path / "guarded_module.py").write_text(HEAD + GUARDED["the run under the guard"])
    done, _ = _run(["-m", "guarded_module"], tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["done", "2"]


SOURCE = textwrap.dedent(
    """
    import multiprocessing
    run()                                   # 3
    if __name__ == "__main__":
        run()                               # 5
    for n in range(2):
        run()                               # 7
    if multiprocessing.parent_process() is None:
        run()                               # 9
    try:
        pass
    except ValueError:
        run()                               # 13
    @decorate(run())                        # 14
    def f():
        pass
    x = study.run(                          # 17
        objective)                          # 18
    x += run()                              # 19
    x: int = run()                          # 20
    __name__ == "__main__" and run()        # 21
    other()                                 # 22
    x = 1; run()                            # 23
    IS_MAIN = __name__ == "__main__"; run() # 24
    class C:                                # 25
        run()                               # 26
    with open(x) as f:                      # 27
        run()                               # 28
    for n in range(__name__ == "x"):        # 29
        run()                               # 30
    """
)


# Refused only when sure: a top-level simple statement, no guard in it, that calls a function the
# call comes through (`run`); a line in a block, of another call, or in no statement is let run.
@pytest.mark.parametrize(("line", "refused"), [
    (3, True), (5, False), (7, True), (9, False), (13, True), (14, False), (17, True), (18, True), (19, True),
    (20, True), (21, False), (22, False), (23, True), (24, False), (25, False), (26, False), (28, True),
    (30, False), (99, False), (None, False)])
def test_which_lines_are_refused(line, refused):
    import ast

    assert _unguarded_call(ast.parse(SOURCE).body, line, {"run", "checked"}) is refused


def test_a_worker_of_the_pool_starts_no_pool_of_its_own(tmp_path):
    # The objective's module starts a run when imported; each worker imports it to unpickle the
    # objective, and started a pool of its own, whose workers did the same, for good.
    (tmp_path / "experiment.py").write_text(HEAD.replace("def main():", "if True:"))
    script = ("import experiment\n"
              "print(*sorted({t.state.name for t in experiment.study.trials}))\n"
              "print(experiment.study.trials[0].user_attrs['error'])\n")
    process = subprocess.Popen([sys.executable, "-c", script], cwd=tmp_path, text=True, start_new_session=True,
                               env={**os.environ, "PYTHONPATH": str(ROOT)}, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE)
    try:
        out, err = process.communicate(timeout=60)
    finally:
        left = _wait_for_group_to_end(process.pid)
    assert process.returncode == 0, err
    state, error = out.splitlines()[1:3]  # after the study's own process printed "done 2"
    assert state == "FAILED"
    assert "WorkerStartError" in error and "a worker process cannot start its own pool" in error
    assert "the objective's module starts a run when it is imported" in error
    assert not left, f"processes left behind: {left}"


def _wait_for_group_to_end(group: int, seconds: float = 10.0) -> bool:
    """Whether processes of the process group ``group`` were still there after ``seconds`` (then
    killed): a pool's workers end with the process that started them."""
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        try:
            os.killpg(group, 0)
        except ProcessLookupError:
            return False
        time.sleep(0.1)
    os.killpg(group, signal.SIGKILL)
    return True


def test_a_worker_may_run_a_study_on_threads_whose_objective_reports(tmp_path):
    # Its report server is no pool: refused with the pools of a worker, the nested run failed (r424).
    (tmp_path / "nested.py").write_text(textwrap.dedent(
        """
        from concurrent.futures import ThreadPoolExecutor
        from interactive_hpo import Float, SearchSpace, Study

        SPACE = SearchSpace([Float("x", 0.0, 1.0)])

        def inner(params, report):
            report(params["x"], step=1)
            return params["x"]

        def outer(params):
            study = Study(SPACE, "random", seed=0)
            study.run(inner, n_trials=2, executor=ThreadPoolExecutor(2), progress=False)
            return study.best_value

        if __name__ == "__main__":
            study = Study(SPACE, "random", seed=0)
            study.run(outer, n_trials=2, n_workers=2, progress=False)
            print(*sorted({t.state.name for t in study.trials}))
        """))
    done, _ = _run([str(tmp_path / "nested.py")], tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["COMPLETE"], done.stdout + done.stderr
