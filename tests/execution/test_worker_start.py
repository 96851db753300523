"""A script that runs trials on local processes without ``if __name__ == "__main__":``: refused
in the study's process, before any process starts; with the guard, in any of its forms, it runs."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from interactive_hpo.execution.main_guard import _guarded

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
        study = Study(SearchSpace([Float("x", 0.0, 1.0)]), "random", seed=0)
        try:
            study.run(objective, n_trials=2, n_workers=2, progress=False)
        except Exception as error:
            print(type(error).__name__, len(study.trials))
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
    if __name__ != "__main__":
        pass
    else:
        run()                               # 20
    """
)


@pytest.mark.parametrize(("line", "guarded"), [(3, False), (5, True), (7, False), (9, True), (13, False),
                                               (14, False), (20, True), (None, True)])
def test_which_lines_are_guarded(line, guarded):
    import ast

    assert _guarded(ast.parse(SOURCE).body, line) is guarded
