"""Thompson sampling with categories in the kernel: one pathwise posterior sample
(``bayes.paths``), searched like any acquisition, and the same path in the views."""

from __future__ import annotations

import numpy as np
import pytest

pytest.importorskip("torch")
pytest.importorskip("botorch")

from interactive_hpo import Categorical, Float, Int, SearchSpace, Study  # noqa: E402
from interactive_hpo.optimizers.bayes import acquisition as acq  # noqa: E402

SPACE = SearchSpace([Float("x", -2.0, 2.0), Categorical("c", ["a", "b", "c"]), Float("y", 0.0, 1.0),
                     Int("n", 1, 6)])
NUMERIC = [0, 2]  # the float coordinates
SETTINGS = {"acquisition": "thompson", "n_initial": 4, "num_restarts": 3, "raw_samples": 64}


def loss(params):
    return ((params["x"] - 0.7) ** 2 + (params["y"] - 0.3) ** 2 + {"a": 0.0, "b": 0.5, "c": 1.0}[params["c"]]
            + 0.1 * params["n"])


def run(seed, n_trials=9):
    study = Study(SPACE, "bo", seed=seed, optimizer_settings=SETTINGS)
    study.run(loss, n_trials=n_trials, progress=False)
    return study


@pytest.fixture(scope="module")
def study():
    return run(seed=0)


def model_based(study):
    return [t for t in study.trials if t.user_attrs["phase"] == "bo"]


def test_the_numeric_coordinates_are_refined_not_picked_from_a_candidate_set(study):
    # A joint sample on 1000 snapped Sobol candidates could only propose one of them.
    trials = model_based(study)
    assert len(trials) == 5
    for trial in trials:
        candidates = acq.candidates(SPACE.dim, 1000, trial.user_attrs["acquisition_seed"], SPACE.snap).numpy()
        gaps = np.abs(candidates[:, NUMERIC] - trial.x[NUMERIC]).max(axis=1)
        assert gaps.min() > 1e-6


def test_the_same_seed_proposes_the_same_points(study):
    again = run(seed=0)
    np.testing.assert_array_equal([t.x for t in again.trials], [t.x for t in study.trials])
    assert not np.array_equal(run(seed=1).trials[-1].x, study.trials[-1].x)


def test_the_view_shows_the_path_that_was_optimized(study):
    for trial in model_based(study):
        view = study.surrogate(step=trial.number)  # the belief that proposed it, rebuilt as the Lab does
        at_proposal = view.predict(trial.x[None]).acquisition[0]
        np.testing.assert_allclose(at_proposal, trial.user_attrs["acquisition_value"], rtol=1e-9)
        # Along each float through the proposal (its category and integer held), the path the
        # view draws is smooth and highest at the proposal: the point the search refined.
        for i in NUMERIC:
            line = np.repeat(trial.x[None], 41, axis=0)
            line[:, i] = np.clip(trial.x[i] + np.linspace(-0.02, 0.02, 41), 0.0, 1.0)
            values = view.predict(line).acquisition
            assert values.max() <= at_proposal + 1e-6 * (1.0 + abs(at_proposal))
            assert len(np.unique(values)) > 20  # a continuous path, not a table's steps
    live = study.optimizer.surrogate()
    proposal = study.optimizer.propose()
    np.testing.assert_allclose(live.predict(proposal.x[None]).acquisition[0], proposal.info["acquisition_value"],
                               rtol=1e-9)
