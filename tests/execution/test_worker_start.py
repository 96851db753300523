"""A script that runs trials on local processes without ``if __name__ == "__main__":``."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

SCRIPT = textwrap.dedent(
    """
    from interactive_hpo import Float, SearchSpace, Study

    def objective(params):
        return params["x"]

    study = Study(SearchSpace([Float("x", 0.0, 1.0)]), "random", seed=0)
    study.run(objective, n_trials=2, n_workers=2, progress=False)  # no __main__ guard
    """
)


def test_a_script_without_the_main_guard_is_told_to_add_it(tmp_path):
    script = tmp_path / "unguarded.py"
    script.write_text(SCRIPT)
    done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=240,
                          env={**os.environ, "PYTHONPATH": str(ROOT)}, cwd=tmp_path)
    # Was Python's RuntimeError ("... before the current process has finished its bootstrapping phase"),
    # which speaks of freeze_support, from each worker process.
    assert "interactive_hpo.exceptions.WorkerStartError" in done.stderr
    assert 'Put the run under `if __name__ == "__main__":`' in done.stderr
    assert "bootstrapping phase" not in done.stderr
