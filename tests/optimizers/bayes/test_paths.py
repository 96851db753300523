"""Sample paths of the GP with categories in its kernel: pathwise (linear in the points), the
posterior's distribution, and the same functions in every call."""

from __future__ import annotations

import numpy as np
import pytest

torch = pytest.importorskip("torch")
pytest.importorskip("botorch")

from interactive_hpo import Categorical, Float, SearchSpace, Study  # noqa: E402
from interactive_hpo.optimizers.bayes.paths import posterior_paths  # noqa: E402

SPACE = SearchSpace([Float("a", 0.0, 1.0), Float("b", 0.0, 1.0), Categorical("c", ["x", "y", "z", "w"])])
SHIFT = {"x": 0.0, "y": 1.0, "z": 0.5, "w": 0.2}


@pytest.fixture(scope="module")
def view():
    study = Study(SPACE, "bo", seed=0, optimizer_settings={"n_initial": 8, "num_restarts": 2, "raw_samples": 64})
    study.run(lambda p: np.sin(6 * p["a"]) + p["b"] + SHIFT[p["c"]], n_trials=12)
    return study.surrogate()


def points(n, seed):
    return np.array([SPACE.snap(x) for x in np.random.default_rng(seed).random((n, SPACE.dim))])


def test_paths_follow_the_posterior(view):
    X = torch.tensor(points(10, seed=1))
    with torch.no_grad(), torch.random.fork_rng():  # both in the model's units (utilities, before any warp is undone)
        posterior = view.model.posterior(X)
        torch.manual_seed(0)
        paths = posterior_paths(view.model, 2000)(X).reshape(2000, -1).numpy()
    mean, std = posterior.mean.reshape(-1).numpy(), np.sqrt(posterior.variance.reshape(-1).numpy())
    # Random features approximate the kernel (BoTorch's own paths of a numeric GP are off by up to 13 %).
    np.testing.assert_allclose(paths.mean(axis=0), mean, atol=0.1 * std.max())
    np.testing.assert_allclose(paths.std(axis=0) / std, 1.0, atol=0.12)
    assert view.sample_paths(X.numpy(), n_samples=3).shape == (3, 10)


def test_the_same_seed_draws_the_same_functions_at_any_points(view):
    # Joint samples drew other functions at each call, so a partial dependence evaluated in
    # chunks mixed functions across its levels.
    A, B = points(6, seed=2), points(30, seed=3)
    alone = view.sample_paths(A, n_samples=4, seed=5)
    together = view.sample_paths(np.vstack([B, A]), n_samples=4, seed=5)
    np.testing.assert_allclose(together[:, len(B):], alone, rtol=1e-9, atol=1e-12)
    assert not np.allclose(view.sample_paths(A, n_samples=4, seed=6), alone)


def test_paths_are_drawn_once_for_calls_in_chunks(view, monkeypatch):
    # A partial dependence evaluates its grid in chunks with one seed; drawing the paths again
    # at each chunk was most of its time (71 s for a 2-D one at 2,000 trials, 15 s drawn once).
    from interactive_hpo.optimizers.bayes import view as view_module

    A, B = points(6, seed=2), points(30, seed=3)
    expected = view.in_direction(view.direction).sample_paths(np.vstack([A, B]), n_samples=4, seed=7)
    draws = []
    monkeypatch.setattr(view_module, "posterior_paths", lambda *a: draws.append(a) or posterior_paths(*a))
    again = view.in_direction(view.direction)  # the same belief, nothing drawn yet
    chunks = [again.sample_paths(part, n_samples=4, seed=7) for part in (A, B)]
    assert len(draws) == 1
    # The same functions (evaluated in two products instead of one: equal to rounding).
    np.testing.assert_allclose(np.hstack(chunks), expected, rtol=1e-12, atol=1e-12)
    again.sample_paths(A, n_samples=4, seed=8)
    assert len(draws) == 2  # another seed, other functions
