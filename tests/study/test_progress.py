"""Study.run's progress line (issue 25, item 5): trials done, the best value and the time left,
rewritten in place, in serial and parallel runs; on by default in a notebook only."""

from __future__ import annotations

import sys

import pytest

from interactive_hpo import Float, InvalidParameterError, SearchSpace, Study
from interactive_hpo.study import progress

SPACE = SearchSpace([Float("x", -2.0, 2.0)])


def square(params):
    return params["x"] ** 2


@pytest.mark.parametrize("n_workers", [None, 2])
def test_the_line_counts_trials_and_names_the_best(capsys, n_workers):
    study = Study(SPACE, "random", seed=0)
    study.run(square, 4, progress=True, n_workers=n_workers)
    err = capsys.readouterr().err
    last = err.rstrip("\n").split("\r")[-1]
    best = study.best_trial
    assert last.startswith("4/4 trials · ") and f"best {best.value:.6g} (trial {best.number})" in last
    assert "s a trial" in last and "s in all" in last and err.endswith("\n")


@pytest.mark.parametrize("n_workers", [None, 2])
def test_each_state_is_written_once_and_the_final_one_with_its_newline(capsys, monkeypatch, n_workers):
    # Review a218: the last trial's line was written, then close() wrote the final line again;
    # a notebook keeps each write as an output, and nbconvert's showed the last line twice.
    monkeypatch.setattr(progress, "REFRESH", 0.0)  # a line for every trial
    Study(SPACE, "random", seed=0).run(square, 4, progress=True, n_workers=n_workers)
    err = capsys.readouterr().err
    assert [err.count(f"{done}/4 trials") for done in range(1, 5)] == [1, 1, 1, 1]
    assert err.count("\n") == 1 and err.endswith("\n")

    class Writes:  # what a Jupyter kernel makes an output of: one write, flushed
        def __init__(self):
            self.writes = []

        def write(self, text):
            self.writes.append(text)

        def flush(self):
            pass

    study, stream = Study(SPACE, "random", seed=0), Writes()
    line = progress.RunProgress(study, 2, stream)
    for trial in study.run(square, 2):
        line(study, trial)
    line.close()
    assert len(stream.writes) == 2 and stream.writes[0].startswith("\r1/2 trials")
    final = stream.writes[1]  # padded over the longer line before it, then the newline
    assert final.startswith("\r2/2 trials") and final.endswith("\n") and final.rstrip().endswith(" s in all")


def test_the_line_says_when_nothing_completed_and_how_long_is_left(capsys):
    study = Study(SPACE, "random", seed=0)
    line = progress.RunProgress(study, 10)
    line(study, None)
    assert line.line(2.0) == "1/10 trials · no trial completed yet · 2 s a trial · about 18 s left"
    assert line.line(0.1).endswith("0.1 s a trial · about 0.9 s left")  # not "about 0 s left"


def test_on_in_a_notebook_by_default_and_off_in_a_script(capsys, monkeypatch):
    Study(SPACE, "random", seed=0).run(square, 2)
    assert capsys.readouterr().err == ""
    class ZMQInteractiveShell:  # what IPython.get_ipython() returns in a Jupyter kernel
        pass

    monkeypatch.setitem(sys.modules, "IPython", type(sys)("IPython"))
    sys.modules["IPython"].get_ipython = ZMQInteractiveShell
    Study(SPACE, "random", seed=0).run(square, 2)
    # On standard output: JupyterLab paints standard error pink, as it paints errors.
    shown = capsys.readouterr()
    assert "2/2 trials" in shown.out and shown.err == ""
    Study(SPACE, "random", seed=0).run(square, 2, progress=False)
    assert capsys.readouterr() == ("", "")


def test_a_script_asking_for_the_line_gets_it_on_standard_error(capsys):
    """A script's standard output is often its result, piped on: the line stays out of it."""
    Study(SPACE, "random", seed=0).run(square, 2, progress=True)
    shown = capsys.readouterr()
    assert "2/2 trials" in shown.err and shown.out == ""


def test_a_bad_progress_is_refused_where_it_was_typed():
    with pytest.raises(InvalidParameterError, match=r"^`progress` of Study.run must be True, False or None"):
        Study(SPACE, "random", seed=0).run(square, 2, progress="yes")


def test_a_run_that_ends_early_says_so_in_its_last_line(capsys):
    study = Study(SPACE, "grid", seed=0, optimizer_settings={"resolution": 3})
    study.run(square, 10, progress=True)  # the grid has 3 points
    last = capsys.readouterr().err.rstrip("\n").split("\r")[-1]
    assert last.startswith("3/10 trials") and "s in all" in last and "about" not in last
    assert last.rstrip().endswith("nothing left to propose")   # why it ended at 3 (it did not say)


def test_a_study_of_several_objectives_counts_its_pareto_front(capsys):
    study = Study(SPACE, "random", seed=0, directions=["minimize", "minimize"])
    study.run(lambda params: (params["x"] ** 2, (params["x"] - 1) ** 2), 6, progress=True)
    last = capsys.readouterr().err.rstrip("\n").split("\r")[-1]
    assert last.startswith(f"6/6 trials · {len(study.best_trials)} on the Pareto front · ")


def test_a_timed_run_starts_no_trial_after_its_timeout(monkeypatch, capsys):
    # Each trial takes one second of a fake clock: with timeout=3.5 trials start at 0, 1, 2 and 3.
    from interactive_hpo.study import running

    clock = [0.0]
    monkeypatch.setattr(running, "time", type(sys)("clock"))
    running.time.monotonic = lambda: clock[0]

    def slow(params):
        clock[0] += 1.0
        return square(params)

    study = Study(SPACE, "random", seed=0)
    assert len(study.run(slow, timeout=3.5)) == 4  # Optuna's optimize(timeout=): no n_trials needed
    assert len(study.run(slow, n_trials=2, timeout=3.5)) == 2  # whichever ends first
    with pytest.raises(InvalidParameterError, match=r"`n_trials` of Study.run must be an int >= 0, or None with a "
                                                    r"timeout; got None. Say how many trials"):
        study.run(slow)  # was Python's "Running.run() missing 1 required positional argument"
    with pytest.raises(InvalidParameterError,
                       match=r"`timeout` of Study.run must be a finite real number in \(0.0, inf\); got 0."):
        study.run(slow, 5, timeout=0)


def test_the_line_of_a_timed_run_counts_trials_and_the_time_left():
    study = Study(SPACE, "random", seed=0)
    line = progress.RunProgress(study, None, timeout=60.0)
    line(study, None)
    assert line.line(2.0) == "1 trial · no trial completed yet · 2 s a trial · about 60 s left"
    bounded = progress.RunProgress(study, 100, timeout=10.0)  # the timeout ends it before the 100th trial
    bounded(study, None)
    assert bounded.line(2.0).endswith("about 10 s left")
