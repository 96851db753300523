"""What the explore docstring and the README's PBT paragraph say of a linear Float about 0 (audit
a461): perturbing scales it in user units, so 0 stays 0 and no sign changes; only a resample moves it."""

from __future__ import annotations

import numpy as np

from interactive_hpo import Float, SearchSpace
from interactive_hpo.pbt.explore import explore

CENTRED = SearchSpace([Float("w", -1.0, 1.0)])


def test_a_linear_float_at_zero_stays_there_and_keeps_its_sign_unless_resampled():
    rng = np.random.default_rng(0)
    assert {explore({"w": 0.0}, CENTRED, rng, resample_probability=0.0)["w"] for _ in range(50)} == {0.0}
    assert all(explore({"w": -0.5}, CENTRED, rng, resample_probability=0.0)["w"] < 0 for _ in range(50))
    # The remedies: a resample leaves 0, and away from 0 a perturbation moves the value.
    assert any(explore({"w": 0.0}, CENTRED, rng, resample_probability=0.5)["w"] != 0.0 for _ in range(50))
    shifted = SearchSpace([Float("w", 1.0, 3.0)])
    assert explore({"w": 2.0}, shifted, rng, resample_probability=0.0)["w"] in (1.6, 2.4)
