"""The lineage's "trial N" labels of adopted individuals overlap nothing (audit a444): after a
switch to a GA, a dozen trials sit at generation -1 within a few pixels of each other, and their
labels piled up into an illegible stack; one at the best so far crossed its ring."""

import dataclasses

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from interactive_hpo.plots.lineage import LineagePlot  # noqa: E402
from interactive_hpo.study.curves import Lineage  # noqa: E402

from ..figure_layout import drawn_texts, layout_problems  # noqa: E402

# Notebook 12's Lab (Branin, seed 0, 30 trials of bo) switched to ga, one generation asked: the
# 13 trials it adopted (value 0.4 to 11) and the 15 individuals bred from them (up to 182).
ADOPTED = {16: 12, 17: 27, 0: 16, 18: 19, 19: 11, 20: 14, 21: 8, 22: 28, 23: 15, 24: 6, 25: 25, 26: 20, 27: 2}
CROWD = Lineage(
    ids=np.array([*range(1, 16), 16, 17, 0, *range(18, 28)]),
    generations=np.array([0] * 15 + [-1] * 13),
    values=np.array([16.86, 4.47, 117.79, 7.81, 10.68, 1.04, 104.35, 0.49, 3.81, 5.27, 2.56, 12.06, 181.91, 94.02,
                     9.08, 0.46, 0.73, 0.4, 10.96, 0.51, 0.47, 1.45, 2.36, 1.5, 3.62, 7.85, 5.28, 2.2]),
    parents=((16, 17), (0,), (18, 19), (20, 21), (22, 23), (0, 24), (0, 17), (23, 21), (21, 25), (19, 26), (23, 27),
             (27, 16), (27, 25), (25, 21), (17,)) + ((),) * 13,
    best=8, adopted=ADOPTED)


def lab_panel(lineage, best_value):
    """The lineage as the Lab's population panel draws it (right half of 7.6 x 4 in), drawn once."""
    fig = Figure(figsize=(7.6, 4.0), layout="constrained")
    _, ax = fig.subplots(1, 2)
    plot = LineagePlot(ax).update(lineage, best_value)
    texts, renderer = drawn_texts(fig)
    return plot, texts, renderer


def boxes(texts, renderer):
    return [text.get_window_extent(renderer) for text in texts]


def marks(plot, renderer):
    """Each marker drawn as (x0, y0, x1, y1) in pixels: its centre +- half its size and edge."""
    found = []
    for mark in (plot.bred, plot.adopted, plot.ring):
        half = (np.sqrt(mark.get_sizes().max()) + mark.get_linewidths().max()) / 2 * plot.ax.figure.dpi / 72
        for x, y in plot.ax.transData.transform(np.asarray(mark.get_offsets(), dtype=float).reshape(-1, 2)):
            found.append((x - half, y - half, x + half, y + half))
    return found


def overlaps(box, other, tolerance=1.0):
    x0, y0, x1, y1 = other
    return min(box.x1, x1) - max(box.x0, x0) > tolerance and min(box.y1, y1) - max(box.y0, y0) > tolerance


@pytest.mark.parametrize(("best", "best_value"), [(8, 0.398), (0, 0.4)],
                         ids=["best not bred: a line through the crowd", "best adopted: ringed in the crowd"])
def test_a_crowd_of_adopted_trials_is_labelled_without_overlap_and_says_how_many_are_not(best, best_value):
    plot, texts, renderer = lab_panel(dataclasses.replace(CROWD, best=best), best_value)
    assert plot.not_bred.get_visible() == (best == 8) and len(plot.ring.get_offsets()) == (best == 0)
    assert layout_problems(plot.ax.figure) == []
    shown = [text for text in plot.labels if text.get_visible()]
    hidden = len(plot.labels) - len(shown)
    assert shown and hidden  # a few named, the rest counted
    assert plot.trial_labels.more.get_visible() and plot.trial_labels.more.get_text() == f"+{hidden} unlabelled"
    assert {t.get_text() for t in texts} >= {t.get_text() for t in shown} | {f"+{hidden} unlabelled"}
    labels = boxes([*shown, plot.trial_labels.more], renderer)
    for box in labels:  # no label covers a marker, the ring, the best's line or the legend
        assert not any(overlaps(box, mark) for mark in marks(plot, renderer)), box
        if plot.not_bred.get_visible():
            y = plot.ax.transData.transform([[0.0, best_value]])[0, 1]
            assert not (box.y0 + 1 < y < box.y1 - 1), (box, y)
        assert not overlaps(box, plot.ax.get_legend().get_window_extent(renderer).extents)
        assert plot.ax.bbox.x0 <= box.x0 and box.x1 <= plot.ax.bbox.x1
    assert shown[0].get_text() == "trial 16"  # the trial holding (or nearest) the best is named first


def test_the_label_of_an_adopted_best_clears_its_ring():
    """Audit a444: "trial 59", an adopted elite holding the best, was written over its ring."""
    elite = Lineage(ids=np.array([0, 1, 2]), generations=np.array([0, 0, 1]), values=np.array([0.4, 30.0, 12.0]),
                    parents=((), (), (0, 1)), best=0, adopted={0: 59})
    plot, _, renderer = lab_panel(elite, 0.4)
    (label,) = plot.labels
    assert label.get_visible() and label.get_text() == "trial 59"
    assert not any(overlaps(label.get_window_extent(renderer), mark) for mark in marks(plot, renderer))
    assert not plot.trial_labels.more.get_visible()  # nothing left unlabelled: no count


def test_adopted_trials_with_room_are_all_labelled_beside_their_markers():
    spread = Lineage(ids=np.arange(4), generations=np.array([-1, -1, -1, 0]), values=np.array([1.0, 50.0, 100.0, 0.5]),
                     parents=((), (), (), (0, 1)), best=3, adopted={0: 3, 1: 7, 2: 9})
    plot, _, renderer = lab_panel(spread, 0.5)
    assert [t.get_text() for t in plot.labels if t.get_visible()] == ["trial 3", "trial 7", "trial 9"]
    for label in plot.labels:  # each level with its own diamond, not pushed away from it
        box, (x, y) = label.get_window_extent(renderer), plot.ax.transData.transform(label.xy)
        assert box.y0 - 8 <= y <= box.y1 + 8 and 0 < box.x0 - x < 20
    assert not plot.trial_labels.more.get_visible()


def visible_labels(plot):
    return [t.get_text() for t in plot.labels if t.get_visible()], plot.trial_labels.more.get_visible()


def test_a_point_zoomed_out_of_view_is_neither_labelled_nor_counted():
    """r452: zoomed so that trial 9 left the view, "+2 unlabelled" took the place of trial 7's
    label, which fitted, and counted a point not drawn."""
    spread = Lineage(ids=np.arange(4), generations=np.array([-1, -1, -1, 0]), values=np.array([1.0, 50.0, 100.0, 0.5]),
                     parents=((), (), (), (0, 1)), best=3, adopted={0: 3, 1: 7, 2: 9})
    plot, _, _ = lab_panel(spread, 0.5)
    assert visible_labels(plot) == (["trial 3", "trial 7", "trial 9"], False)
    plot.ax.set_ylim(-5, 70)  # as the toolbar's zoom does
    plot.ax.figure.canvas.draw()
    assert visible_labels(plot) == (["trial 3", "trial 7"], False)


def test_labels_that_fitted_stay_when_the_count_fits_nowhere():
    """r452: in a crowd of 200 adopted individuals the count found no place, and the labels
    dropped to make room for it were not put back: neither labels nor a count were drawn."""
    rng = np.random.default_rng(0)
    generations = np.array([-1] * 200 + list(rng.integers(0, 10, 200)))
    values = np.concatenate([rng.uniform(0.4, 11, 200), rng.uniform(0.4, 180, 200)])
    crowd = Lineage(ids=np.arange(400), generations=generations,
                    values=values, parents=((),) * 200 + tuple((int(rng.integers(0, 200)),) for _ in range(200)),
                    best=int(np.argmin(values)), adopted={i: 100 + i for i in range(200)})
    plot, _, _ = lab_panel(crowd, float(values.min()))
    labels, counted = visible_labels(plot)
    assert labels or counted
