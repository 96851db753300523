"""Optuna trials that end before they start (a clock set back while they ran) come in, with a warning.

Optuna records ``datetime.now()``, naive local time: the night daylight saving time ends, or an
NTP step back, gives a trial a negative duration. from_optuna refused the whole study for it, and
our own study (whose tell takes such a trial) did not make the round trip through Optuna (a403)."""

from __future__ import annotations

import datetime
import json
import time

import pytest

optuna = pytest.importorskip("optuna")

from optuna.distributions import FloatDistribution  # noqa: E402

from interactive_hpo import Float, SearchSpace, Study  # noqa: E402
from interactive_hpo.interop import from_optuna, to_optuna  # noqa: E402

optuna.logging.set_verbosity(optuna.logging.WARNING)

#: The night of 1 November 2026 as a New York clock shows it: 01:50 EDT, then ten minutes later 01:00 EST.
NIGHT = datetime.datetime(2026, 11, 1, 1, 0)


def night_study():
    """Three ten-minute trials; the second ends before it starts (the clock went back an hour)."""
    theirs = optuna.create_study()
    for i, (start, end) in enumerate([(20, 30), (50, 0), (10, 20)]):
        trial = optuna.trial.create_trial(params={"x": i / 4}, distributions={"x": FloatDistribution(0, 1)},
                                          value=float(i))
        trial.datetime_start, trial.datetime_complete = (NIGHT + datetime.timedelta(minutes=m) for m in (start, end))
        theirs.add_trial(trial)
    return theirs


def test_a_trial_ending_before_it_starts_comes_in_ending_at_its_start_with_one_warning():
    theirs = night_study()
    said = r"Optuna trials \[1\] as their end too \(their duration is unknown\)"
    with pytest.warns(UserWarning, match=said) as caught:
        ours = from_optuna(theirs, "random", seed=0)
    assert sum("end too" in str(w.message) for w in caught) == 1
    assert [t.value for t in ours.trials] == [0.0, 1.0, 2.0]
    assert [t.duration for t in ours.trials] == [600.0, 0.0, 600.0]
    assert ours.trials[1].datetime_start == theirs.trials[1].datetime_start.timestamp()


def test_a_lab_opens_an_optuna_study_with_such_a_trial():
    import matplotlib

    matplotlib.use("Agg")
    from interactive_hpo.ui import Lab

    with pytest.warns(UserWarning, match="Optuna trials \\[1\\]"):
        lab = Lab(night_study(), lambda t: t.suggest_float("x", 0, 1), optimizer="random", seed=0)
    lab.step_button.click()
    assert len(lab.study.trials) == 4 and lab.study.trials[1].duration == 0.0


def test_our_study_with_its_clock_set_back_goes_to_optuna_and_back(monkeypatch, tmp_path):
    study = Study(SearchSpace([Float("x", -2.0, 2.0)]), "random", seed=0, storage=tmp_path / "s.jsonl")
    study.run(lambda p: p["x"] ** 2, 2)
    trial = study.ask()
    real = time.time
    with monkeypatch.context() as patched:  # an NTP step back of an hour while the trial ran
        patched.setattr(time, "time", lambda: real() - 3600)
        study.tell(trial, 0.5)
    assert study.trials[2].duration == 0.0  # our tell ends it when it started
    # A journal an earlier version wrote kept the negative duration: it still makes the round trip.
    lines = (tmp_path / "s.jsonl").read_text().splitlines()
    for i, line in enumerate(lines):
        event = json.loads(line)
        if event.get("event") == "finished" and event["number"] == 2:
            event["datetime_complete"] -= 3600
            lines[i] = json.dumps(event)
    (tmp_path / "s.jsonl").write_text("\n".join(lines) + "\n")
    old = Study.load(tmp_path / "s.jsonl")
    assert old.trials[2].duration < 0
    with pytest.warns(UserWarning, match=r"Optuna trials \[2\]"):
        back = from_optuna(to_optuna(old, optuna.storages.InMemoryStorage()), "random", seed=0)
    assert [t.params for t in back.trials] == [t.params for t in old.trials]
    assert back.trials[2].duration == 0.0
