"""The Pareto tools: hand-computed fronts and volumes, degenerate cases, invariances, and
BoTorch's hypervolume, Pareto mask and reference point on random fronts (BoTorch maximizes, so
its inputs are negated losses)."""

from __future__ import annotations

import itertools
import re

import numpy as np
import pytest

from interactive_hpo import hypervolume as volumes
from interactive_hpo.exceptions import InvalidParameterError
from interactive_hpo.pareto import (
    crowding_distance,
    hypervolume,
    hypervolume_history,
    nondominated_sort,
    pareto_mask,
    reference_point,
)

NAN = float("nan")


def brute_mask(losses):
    """The definition, pair by pair: no other row is <= everywhere and < somewhere."""
    return np.array([not any((q <= p).all() and (q < p).any() for q in losses) for p in losses])


def union_volume(points, reference):
    """Inclusion-exclusion over every subset of boxes [p, reference]: exact, exponential in n."""
    total = 0.0
    for size in range(1, len(points) + 1):
        for subset in itertools.combinations(points, size):
            corner = np.max(subset, axis=0)
            total += (-1) ** (size + 1) * np.prod(np.clip(reference - corner, 0, None))
    return total


def on_sphere(rng, n, m):
    """n losses that are all non-dominated: 1 minus points of the positive unit sphere."""
    x = rng.random((n, m))
    return 1.0 - x / np.linalg.norm(x, axis=1, keepdims=True)


@pytest.fixture(scope="module")
def botorch_mo():
    """BoTorch's multi-objective utilities and torch (imported only by the tests that compare)."""
    torch = pytest.importorskip("torch")
    hypervolume_module = pytest.importorskip("botorch.utils.multi_objective.hypervolume")
    pareto_module = pytest.importorskip("botorch.utils.multi_objective.pareto")
    return torch, hypervolume_module, pareto_module


# --- pareto_mask and nondominated_sort ---------------------------------------------------------

def test_pareto_mask_keeps_every_copy_of_a_front_point_and_drops_the_dominated():
    losses = [[1, 3], [2, 2], [2, 2], [3, 1], [2, 3], [3, 3], [1, 4]]
    assert pareto_mask(losses).tolist() == [True, True, True, True, False, False, False]


def test_pareto_mask_with_one_objective_is_every_row_tied_at_the_best():
    assert pareto_mask([[2.0], [1.0], [3.0], [1.0]]).tolist() == [False, True, False, True]


@pytest.mark.parametrize("m", [1, 2, 3, 4])
def test_pareto_mask_matches_the_definition_with_ties(m):
    rng = np.random.default_rng(m)
    losses = np.round(rng.random((60, m)), 1)  # coarse grid: ties and copies on purpose
    assert (pareto_mask(losses) == brute_mask(losses)).all()


@pytest.mark.parametrize("m", [2, 3, 4])
def test_pareto_mask_matches_botorch(botorch_mo, m):
    torch, _, pareto = botorch_mo
    rng = np.random.default_rng(10 + m)
    for losses in (rng.random((200, m)), on_sphere(rng, 60, m)):
        theirs = pareto.is_non_dominated(torch.tensor(-losses), deduplicate=False).numpy()
        assert (pareto_mask(losses) == theirs).all()


def test_pareto_mask_of_a_large_culled_set_spans_several_blocks():
    losses = on_sphere(np.random.default_rng(0), 300, 3)
    losses = np.vstack([losses, losses + 0.01])  # 300 on the front, each with a dominated twin
    assert pareto_mask(losses).tolist() == [True] * 300 + [False] * 300


def test_nondominated_sort_ranks_a_hand_example():
    #            front 0 ........  rank 1   rank 2   front 0 copy   rank 1 (dominated by [2, 2] only)
    losses = [[1, 3], [2, 2], [3, 1], [2, 3], [3, 3], [1, 3], [3, 2]]
    assert nondominated_sort(losses).tolist() == [0, 0, 0, 1, 2, 0, 1]


@pytest.mark.parametrize("m", [1, 2, 3])
def test_nondominated_sort_is_peeling_fronts_by_definition(m):
    losses = np.round(np.random.default_rng(m).random((80, m)), 1)
    ranks = nondominated_sort(losses)
    for rank in range(ranks.max() + 1):
        rest = ranks >= rank
        assert ((ranks[rest] == rank) == brute_mask(losses[rest])).all()


def test_nothing_in_nothing_out():
    empty = np.empty((0, 3))
    assert pareto_mask(empty).shape == nondominated_sort(empty).shape == crowding_distance(empty).shape == (0,)
    assert hypervolume(empty, [1, 1, 1]) == 0.0
    assert hypervolume_history(empty, [1, 1, 1]).shape == (0,)


# --- crowding_distance -------------------------------------------------------------------------

def test_crowding_distance_by_hand():
    # objective 1 (range 4): point 1 has neighbours 0 and 3 -> 3/4; point 2 has 1 and 4 -> 3/4.
    # objective 2 (range 4): point 1 has neighbours 1 and 4 -> 3/4; point 2 has 0 and 2 -> 2/4.
    distance = crowding_distance([[0, 4], [1, 2], [3, 1], [4, 0]])
    assert distance.tolist() == [np.inf, 1.5, 1.25, np.inf]


def test_crowding_distance_gives_copies_at_the_boundary_inf_and_skips_a_constant_objective():
    distance = crowding_distance([[0, 4, 7], [0, 4, 7], [2, 2, 7], [4, 0, 7]])
    assert distance.tolist() == [np.inf, np.inf, 2.0, np.inf]
    assert crowding_distance([[1.0, 2.0]]).tolist() == [0.0]


def test_crowding_distance_does_not_depend_on_row_order_for_distinct_points():
    losses = on_sphere(np.random.default_rng(3), 20, 3)
    order = np.random.default_rng(4).permutation(20)
    assert np.allclose(crowding_distance(losses)[order], crowding_distance(losses[order]))


# --- hypervolume -------------------------------------------------------------------------------

def test_hypervolume_of_a_2d_staircase_by_hand():
    # x in [1, 2): height 5 - 4 = 1; [2, 4): 5 - 2 = 3, width 2; [4, 5): 5 - 1 = 4. 1 + 6 + 4 = 11.
    staircase = [[1, 4], [2, 2], [4, 1]]
    assert hypervolume(staircase, [5, 5]) == 11.0
    # a dominated point, a copy and a point outside the box change nothing
    assert hypervolume([*staircase, [3, 3], [2, 2], [6, 0]], [5, 5]) == 11.0


def test_hypervolume_of_three_3d_boxes_by_inclusion_exclusion():
    boxes = np.array([[0, 0, 2], [1, 1, 0], [2, 0, 1]])
    reference = np.array([3, 3, 3])
    # single boxes 9 + 12 + 6 = 27; pairs (corners [1,1,2], [2,0,2], [2,1,1]) 4 + 3 + 4 = 11;
    # all three (corner [2,1,2]) 2: 27 - 11 + 2 = 18.
    assert hypervolume(boxes, reference) == 18.0 == union_volume(boxes, reference)


@pytest.mark.parametrize("m", [3, 4])
def test_hypervolume_matches_inclusion_exclusion_on_small_sets(m):
    rng = np.random.default_rng(20 + m)
    for _ in range(5):
        points = np.round(rng.random((7, m)), 1)
        assert hypervolume(points, np.ones(m)) == pytest.approx(union_volume(points, np.ones(m)), abs=1e-12)


@pytest.mark.parametrize("losses, reference, volume", [
    ([[1, 2]], [3, 5], 6.0),  # one point: its box
    ([[1, 1], [2, 3], [3, 2]], [4, 4], 9.0),  # all dominated by one
    ([[1, 1, 1], [1, 1, 1]], [2, 3, 4], 6.0),  # copies
    ([[5, 0], [0, 5], [6, 6]], [4, 4], 0.0),  # each worse than the reference somewhere
    ([[4, 0], [1, 1]], [4, 4], 9.0),  # on the reference's edge: adds nothing
])
def test_hypervolume_degenerate_cases(losses, reference, volume):
    assert hypervolume(losses, reference) == volume


@pytest.mark.parametrize("m", [2, 3])
def test_hypervolume_does_not_depend_on_row_order(m):
    rng = np.random.default_rng(m)
    losses = rng.random((100, m))
    shuffled = losses[rng.permutation(100)]
    assert hypervolume(shuffled, np.ones(m)) == pytest.approx(hypervolume(losses, np.ones(m)), rel=1e-12)


@pytest.mark.parametrize("m, seed", [(2, 0), (2, 1), (2, 2), (3, 0), (3, 1), (3, 2), (4, 0)])
def test_hypervolume_matches_botorch(botorch_mo, m, seed):
    torch, hv, _ = botorch_mo
    rng = np.random.default_rng(seed)
    n = 15 if m == 4 else 40  # BoTorch's sweep is pure Python: keep it small
    reference = np.full(m, 1.1)
    for losses in (rng.random((n, m)), on_sphere(rng, n, m), np.round(rng.random((n, m)), 1)):
        theirs = hv.Hypervolume(torch.tensor(-reference)).compute(torch.tensor(-losses))
        assert hypervolume(losses, reference) == pytest.approx(theirs, rel=1e-12)


def test_the_3d_sweep_gives_the_same_volume_in_blocks_of_slices(monkeypatch):
    losses = on_sphere(np.random.default_rng(5), 50, 3)
    whole = hypervolume(losses, np.ones(3))
    monkeypatch.setattr(volumes, "_BLOCK", 7)  # 50 slices in 8 blocks, the last one short
    assert hypervolume(losses, np.ones(3)) == pytest.approx(whole, rel=1e-12)


# --- hypervolume_history -----------------------------------------------------------------------

@pytest.mark.parametrize("m", [2, 3])
def test_hypervolume_history_is_the_hypervolume_of_each_prefix(m):
    rng = np.random.default_rng(30 + m)
    losses = rng.random((200, m))
    losses[rng.random(200) < 0.1] = NAN  # failed trials
    history = hypervolume_history(losses, np.ones(m))
    for k in (1, 7, 50, 120, 200):
        done = losses[:k][~np.isnan(losses[:k, 0])]
        assert history[k - 1] == pytest.approx(hypervolume(done, np.ones(m)), rel=1e-12)
    assert (np.diff(history) >= 0).all()


def test_hypervolume_history_by_hand():
    history = hypervolume_history([[NAN, NAN], [5, 1], [2, 2], [1, 3], [3, 3], [2, 2]], [4, 4])
    # failed; outside the box; box 4; + [1,2]x[3,4] = 1; dominated; copy.
    assert history.tolist() == [0.0, 0.0, 4.0, 5.0, 5.0, 5.0]


# --- reference_point ---------------------------------------------------------------------------

def test_reference_point_is_the_front_nadir_plus_a_margin_of_its_range():
    # front [1,3], [2,2], [3,1] (nadir [3,3], range [2,2]); [9, 9] is dominated and ignored
    losses = [[1, 3], [2, 2], [3, 1], [9, 9], [NAN, NAN]]
    assert np.allclose(reference_point(losses), [3.2, 3.2])
    assert np.allclose(reference_point(losses, margin=1.0), [5.0, 5.0])


def test_reference_point_of_one_point_scales_by_its_magnitude():
    assert np.allclose(reference_point([[2.0, -4.0, 0.0]]), [2.2, -3.6, 1e-8])


@pytest.mark.parametrize("seed", [0, 1])
def test_reference_point_matches_botorch_infer_reference_point(botorch_mo, seed):
    torch, hv, _ = botorch_mo
    rng = np.random.default_rng(seed)
    for losses in (rng.normal(size=(50, 3)), rng.normal(size=(1, 2))):
        front = losses[pareto_mask(losses)]
        theirs = -hv.infer_reference_point(torch.tensor(-front), scale=0.2).numpy()
        assert np.allclose(reference_point(losses, margin=0.2), theirs, rtol=1e-12)


def test_reference_point_uses_the_bounds_given_and_infers_only_nan_entries():
    assert reference_point(np.empty((0, 2)), bounds=[1, 2]).tolist() == [1.0, 2.0]
    assert np.allclose(reference_point([[1, 3], [3, 1]], bounds=[10, NAN]), [10.0, 3.2])


# --- errors ------------------------------------------------------------------------------------

LOSSES_RULE = "must be a 2-D array of shape (n, m) with m >= {} objectives, of finite numbers"

BAD = [
    (pareto_mask, ([1, 2, 3],), "`losses` of pareto_mask " + LOSSES_RULE.format(1) + "; got [1, 2, 3]. "
                                "Its shape is (3,)."),
    (pareto_mask, ([[1, 2], [NAN, 1]],), "`losses` of pareto_mask " + LOSSES_RULE.format(1) + "; got "
                                         "[[1, 2], [nan, 1]]. Row 1 is [nan, 1.0]."),
    (nondominated_sort, ([["a", "b"]],), "`losses` of nondominated_sort " + LOSSES_RULE.format(1)),
    (crowding_distance, ([[1, np.inf]],), "Row 0 is [1.0, inf]."),
    (hypervolume, ([[1.0], [2.0]], [3.0]), "`losses` of hypervolume " + LOSSES_RULE.format(2)),
    (hypervolume, ([[1, 2]], [3, 4, 5]), "`reference` of hypervolume must be a sequence of 2 finite numbers, one "
                                         "per objective; got [3, 4, 5]."),
    (hypervolume, ([[1, 2]], [3, NAN]), "`reference` of hypervolume must be a sequence of 2 finite numbers"),
    # A box past the largest float: the hypervolume was inf, with numpy's overflow warning.
    (hypervolume, ([[1, 2]], [1e308, 1e308]), "`reference` of hypervolume must be a point whose box over the losses "
                                              "below it has a finite volume; got [1e+308, 1e+308]. The box spans"),
    (hypervolume_history, ([[1, 2]], [1e308, 1e308]), "`reference` of hypervolume_history must be a point whose box"),
    (hypervolume_history, ([[1, NAN]], [3, 3]), "`losses` of hypervolume_history " + LOSSES_RULE.format(2)
                                                + " (or rows of NaN for failed trials); got [[1, nan]]. Row 0 is"),
    (reference_point, ([[1, 2]], 0.0), "`margin` of reference_point must be a finite real number in (0.0, inf); "
                                       "got 0.0."),
    (reference_point, ([[1, 2]], 0.1, [1]), "`bounds` of reference_point must be a sequence of 2 finite numbers, "
                                            "one per objective (or NaN); got [1]."),
    (reference_point, ([[NAN, NAN]], 0.1, [1, NAN]), "`losses` of reference_point must be at least one row of finite "
                                                     "losses when `bounds` leaves an objective to infer"),
]


@pytest.mark.parametrize("function, args, message", BAD, ids=[f"{row[0].__name__}-{i}" for i, row in enumerate(BAD)])
def test_input_errors(function, args, message):
    with pytest.raises(InvalidParameterError, match=re.escape(message)):
        function(*args)
