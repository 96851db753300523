"""The Model tab's log-EHVI map is the acquisition the proposal maximized, value for value, computed
:data:`~interactive_hpo.optimizers.bayes.ehvi.MAP_CHUNK` points at a time (audit a470: 4.7 s for a
60 x 60 map at 14 trials of ZDT2 in chunks of 2048, 2.5 s in chunks of 128)."""

from __future__ import annotations

import numpy as np
import pytest

pytest.importorskip("botorch")

from interactive_hpo import Float, SearchSpace, Study  # noqa: E402
from interactive_hpo.optimizers.bayes import acquisition as acq  # noqa: E402
from interactive_hpo.optimizers.bayes.ehvi import MAP_CHUNK  # noqa: E402

pytestmark = pytest.mark.usefixtures("one_torch_thread")

SQUARE = SearchSpace([Float("a", 0.0, 1.0), Float("b", 0.0, 1.0)])


def tradeoff(params):
    return params["a"] + 0.5 * params["b"], 1.0 - np.sqrt(params["a"]) + 0.3 * params["b"]


def test_the_map_is_the_acquisition_evaluated_at_once_in_chunks_of_map_chunk():
    study = Study(SQUARE, "ehvi", directions=["minimize", "minimize"], seed=0,
                  optimizer_settings={"n_initial": 4, "num_restarts": 2, "raw_samples": 64, "mc_samples": 16})
    study.run(tradeoff, n_trials=6, progress=False)
    view = study.surrogate(objective=0)
    grid = np.random.default_rng(0).random((2 * MAP_CHUNK + 5, 2))
    quiet = view._acquisition
    whole = acq.evaluate(quiet.acquisition, grid, chunk=len(grid))  # what one batch of every point gives
    sizes = []
    inner = quiet.acquisition
    quiet.acquisition = lambda X: sizes.append(len(X)) or inner(X)
    try:
        drawn = view.predict(grid).acquisition
    finally:
        quiet.acquisition = inner
    assert sizes == [MAP_CHUNK, MAP_CHUNK, 5]
    np.testing.assert_array_equal(drawn, whole)  # log-EHVI is drawn in the model's units, as it is
