"""While another tab is chosen, a redraw computes nothing for the Model tab (audit a470: an
"ehvi" Lab's Step grew to 8 s by 14 trials, 87 % of it the hidden Model tab's maps); choosing
the tab computes them once, and it then shows what it would have shown all along."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pytest  # noqa: E402

pytest.importorskip("botorch")

from interactive_hpo.optimizers.bayes import GPSurrogateView  # noqa: E402

from .lab_helpers import FAST, PLANE, bowl, lab_after  # noqa: E402

pytestmark = pytest.mark.usefixtures("one_torch_thread")


@pytest.fixture
def predictions(monkeypatch):
    """At how many points each computation of a model's belief (mean, std and acquisition) was
    asked: the maps' grid (60 x 60), or one point ("Why this point?")."""
    calls = []
    predict = GPSurrogateView.predict
    monkeypatch.setattr(GPSurrogateView, "predict",
                        lambda self, X, **kw: calls.append(len(X)) or predict(self, X, **kw))
    return calls


def maps(predictions):
    return [n for n in predictions if n > 1]


def drawn(panel):
    """What the Model tab shows: the maps' arrays, the trials and the star, and the lines around them."""
    maps = panel.maps
    return ([np.asarray(image.get_array()).copy() for image in maps.images],
            [np.asarray(points.get_offsets()).copy() for points in (*maps.points, *maps.proposals)],
            panel.message.value, panel.why.value, panel.key.value)


def same(a, b):
    arrays_a, points_a, *rest_a = a
    arrays_b, points_b, *rest_b = b
    for x, y in zip([*arrays_a, *points_a], [*arrays_b, *points_b], strict=True):
        np.testing.assert_array_equal(x, y)
    assert rest_a == rest_b


def test_a_hidden_model_tab_is_computed_once_when_chosen_and_shows_what_it_would_have(predictions):
    shown, hidden = (lab_after(bowl, PLANE, 5, seed=0, optimizer_settings=FAST) for _ in range(2))
    try:
        model = hidden.tabs.titles.index("Model")
        hidden.tabs.selected_index = hidden.tabs.titles.index("History")
        predictions.clear()
        for _ in range(2):
            hidden.step()
        hidden.travel(3)  # time travel, hidden: nothing computed either
        hidden.travel(None)
        assert predictions == []
        assert len(hidden.study.trials) == 7 and "Trials: 7" in hidden.status.value  # the rest of the Lab follows
        hidden.tabs.selected_index = model
        assert maps(predictions) == [3600]  # chosen: computed once
        for _ in range(2):
            shown.step()
        same(drawn(hidden.surrogate_panel), drawn(shown.surrogate_panel))
        assert hidden.surrogate_panel.anchor() == shown.surrogate_panel.anchor()
        predictions.clear()
        hidden.step()  # shown: computed at each Step, as before
        assert maps(predictions) == [3600]
    finally:
        shown.close()
        hidden.close()


def test_code_reading_a_hidden_model_gets_it_computed_once_and_clicks_use_the_sliders_at_the_best(predictions):
    """The sliders follow the best trial while hidden (cheap): ``params_at``, the population's
    clicks and the population panel's pair read them, not the maps. Code that reads the maps, or
    the readout, while hidden has them computed first, once (notebook 13 reads them so)."""
    lab = lab_after(bowl, PLANE, 5, seed=0, optimizer_settings=FAST)
    try:
        lab.tabs.selected_index = lab.tabs.titles.index("History")
        predictions.clear()
        lab.step()
        lab.step()
        best = lab.study.best_trial.params
        assert lab.surrogate_panel.params_at({"x": 0.25}) == {"x": 0.25, "y": best["y"]}
        assert "Trials: 7" in lab.status.value and predictions == []
        assert lab.surrogate_panel.maps.images[0].get_array().size == 3600 and maps(predictions) == [3600]
        assert lab.surrogate_panel.readout.point(0.3, 0.6).startswith("x=0.3, y=0.6:")
        lab.tabs.selected_index = lab.tabs.titles.index("Model")  # drawn, not computed again
        assert maps(predictions) == [3600]
    finally:
        lab.close()
