"""A 0-d array holding a number (``np.array(0.1)``, as computed bounds and settings often are) is
that number as an argument, as it already was as a result; what is stored is a plain Python
number, so a journal holds plain JSON numbers. A 0-d bool array, or a one-element array, is not."""

from __future__ import annotations

import json
import re

import numpy as np
import pytest

from interactive_hpo import Float, Int, InvalidParameterError, SearchSpace, Study


def test_a_space_built_from_0d_arrays_holds_plain_numbers_and_saves(tmp_path):
    space = SearchSpace([Float("x", np.array(0.1), np.float32(1.0)), Int("n", np.array(1), np.array(4))])
    assert [type(v) for v in (space["x"].low, space["n"].low, space["n"].high)] == [float, int, int]
    study = Study(space, "de", seed=0, storage=tmp_path / "s.jsonl",
                  optimizer_settings={"crossover_rate": np.array(0.5), "population_size": 4})
    assert study.optimizer.settings()["crossover_rate"] == 0.5
    study.enqueue({"x": np.array(0.5), "n": np.array(2)})
    study.run(lambda p: p["x"] * p["n"], n_trials=2, timeout=np.array(60.0), progress=False)
    first = study.trials[0].params
    assert first == {"x": 0.5, "n": 2} and type(first["x"]) is float and type(first["n"]) is int
    header = json.loads((tmp_path / "s.jsonl").read_text().splitlines()[0])
    assert header["space"]["params"][0]["low"] == 0.1 and header["optimizer"]["settings"]["crossover_rate"] == 0.5
    again = Study.load(tmp_path / "s.jsonl")
    assert again.space == space and [t.params for t in again.trials] == [t.params for t in study.trials]


@pytest.mark.parametrize(("call", "message"), [
    (lambda: Float("a", np.array(True), 1.0), "`low` of Float('a') must be a finite real number in (-inf, inf); "
                                              "got array(True)."),
    (lambda: Float("a", np.array([0.1]), 1.0), "got array([0.1])."),
    (lambda: Int("a", np.array(1.5), 3), "`low` of Int('a') must be an int in (-inf, inf); got array(1.5)."),
])
def test_other_arrays_are_still_refused(call, message):
    with pytest.raises(InvalidParameterError, match=re.escape(message)):
        call()


def test_a_0d_int_is_an_int_wherever_an_int_is_asked():
    """A report's step np.array(3) was stored as 3.0 beside 4, population_size, a seed and
    sample's n were refused, where other int arguments took it (r437)."""
    from interactive_hpo.trial import check_step

    assert type(check_step(np.array(3), "Study.report")) is int and check_step(np.array(2.5), "Study.report") == 2.5
    space = SearchSpace([Float("x", 0.0, 1.0), Float("y", 0.0, 1.0)])
    study = Study(space, "ga", seed=np.array(3), optimizer_settings={"population_size": np.array(6)})
    assert study.seed == 3 and study.optimizer.population_size == 6
    assert len(space.sample(np.array(3), rng=0)) == 3
