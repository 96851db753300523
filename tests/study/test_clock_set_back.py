"""A clock set back while a trial ran (NTP, a daylight-saving change) gave it a negative duration,
which ``add_finished`` and ``from_optuna`` refuse; the trial now ends when it started."""

from __future__ import annotations

import time

from interactive_hpo import Float, SearchSpace, Study

SPACE = SearchSpace([Float("x", 0.0, 1.0)])


def test_a_trial_told_after_the_clock_went_back_ends_when_it_started(tmp_path, monkeypatch):
    study = Study(SPACE, "random", seed=0, storage=tmp_path / "s.jsonl")
    trial = study.ask()
    monkeypatch.setattr(time, "time", lambda: trial.datetime_start - 3600.0)  # an hour back
    study.tell(trial, 0.5)
    monkeypatch.undo()
    done = study.trials[0]
    assert done.datetime_complete == done.datetime_start and done.duration == 0.0  # was -3600
    assert Study.load(tmp_path / "s.jsonl").trials[0].duration == 0.0
