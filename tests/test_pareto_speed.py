"""The hypervolume with four or more objectives and the hypervolume history, against the
slicing implementation they replaced (HSO, While et al. 2006, copied here as the reference):
equal on random sets with ties. How fast they are is measured in benchmarks/ (bench_hypervolume.py),
never asserted here."""

from __future__ import annotations

import numpy as np
import pytest

from interactive_hpo.exceptions import InvalidParameterError
from interactive_hpo.pareto import FrontVolume, hypervolume, hypervolume_history

NAN = float("nan")


def hso_volume(points, reference):
    """Hypervolume by slicing objectives, as pareto._volume computed it before: exact and slow."""
    if len(points) == 0:
        return 0.0
    if points.shape[1] == 2:
        order = np.argsort(points[:, 0], kind="stable")
        x, y = points[order, 0], points[order, 1]
        return float((reference[1] - np.minimum.accumulate(y)) @ (np.append(x[1:], reference[0]) - x))
    points = points[np.argsort(points[:, -1], kind="stable")]
    thickness = np.append(points[1:, -1], reference[-1]) - points[:, -1]
    return float(sum(hso_volume(points[: k + 1, :-1], reference[:-1]) * width
                     for k, width in enumerate(thickness) if width > 0))


def hso(losses, reference):
    inside = losses[(losses < reference).all(axis=1)]
    return hso_volume(inside, reference)


def random_losses(rng, n, m):
    """Trials of a run: spread around a sphere (most on the front with many objectives), some on
    a grid of tenths (ties in single objectives and whole copies), some outside the box [0, 1]^m,
    some failed (rows of NaN)."""
    x = rng.random((n, m))
    losses = 1.05 - x / np.linalg.norm(x, axis=1, keepdims=True) * rng.uniform(0.7, 1.0, (n, 1))
    grid = rng.random(n) < 0.3
    losses[grid] = np.round(losses[grid], 1)
    losses[rng.random(n) < 0.1] = losses[rng.integers(0, n)]  # copies of one trial
    losses[rng.random(n) < 0.1] = NAN
    return losses


@pytest.mark.parametrize("m, n", [(4, 40), (5, 25), (6, 14)])
def test_the_hypervolume_equals_slicing_on_random_sets_with_ties(m, n):
    rng = np.random.default_rng(m)
    for _ in range(4):
        losses = random_losses(rng, n, m)
        finite = losses[~np.isnan(losses[:, 0])]
        assert hypervolume(finite, np.ones(m)) == pytest.approx(hso(finite, np.ones(m)), rel=1e-12, abs=1e-15)


@pytest.mark.parametrize("m, n", [(2, 120), (3, 80), (4, 40), (5, 25)])
def test_the_history_is_the_hypervolume_of_each_prefix(m, n):
    rng = np.random.default_rng(10 + m)
    for _ in range(3):
        losses = random_losses(rng, n, m)
        history = hypervolume_history(losses, np.ones(m))
        finite = ~np.isnan(losses[:, 0])
        prefixes = [hso(losses[: k + 1][finite[: k + 1]], np.ones(m)) for k in range(n)]
        np.testing.assert_allclose(history, prefixes, rtol=1e-12, atol=1e-15)
        assert (np.diff(history) >= 0).all()


def test_a_history_extended_in_pieces_is_the_history_in_one_go():
    rng = np.random.default_rng(3)
    losses = random_losses(rng, 60, 4)
    reference = np.ones(4)
    grown = FrontVolume(reference)
    pieces = [grown.extend(losses[start:stop]) for start, stop in [(0, 0), (0, 1), (1, 25), (25, 60)]]
    np.testing.assert_allclose(np.concatenate(pieces), hypervolume_history(losses, reference), rtol=1e-12)
    assert pieces[0].shape == (0,)
    assert grown.volume == pytest.approx(hypervolume(losses[~np.isnan(losses[:, 0])], reference), rel=1e-12)
    # Its front is the front of what it saw, one row per distinct point.
    finite = losses[~np.isnan(losses[:, 0]) & (losses < 1).all(axis=1)]
    front = {tuple(row) for row in finite if not ((finite <= row).all(axis=1) & (finite < row).any(axis=1)).any()}
    assert sorted(map(tuple, grown.front)) == sorted(front)


@pytest.mark.parametrize("call, message", [
    (lambda: FrontVolume([1.0]), "`reference` of FrontVolume must be a sequence of at least 2 finite numbers, one per "
                                 "objective; got [1.0]."),
    (lambda: FrontVolume([[1, 2]]), "`reference` of FrontVolume must be a sequence of at least 2 finite numbers"),
    (lambda: FrontVolume([1, NAN]), "`reference` of FrontVolume must be a sequence of at least 2 finite numbers"),
    (lambda: FrontVolume([1, 1]).extend([[0.5, 0.5, 0.5]]), "`losses` of FrontVolume.extend must be an array of "
                                                            "shape (n, 2), one column per objective of the reference"),
    (lambda: FrontVolume([1, 1, 1]).extend([[0.5, 0.5]]), "`losses` of FrontVolume.extend must be a 2-D array of "
                                                          "shape (n, m) with m >= 3 objectives"),
    (lambda: FrontVolume([1e308, 1e308]).extend([[1, 2]]), "`reference` of FrontVolume.extend must be a point whose "
                                                           "box over the losses below it has a finite volume"),
])
def test_input_errors(call, message):
    with pytest.raises(InvalidParameterError) as error:
        call()
    assert message in str(error.value)
