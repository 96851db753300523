"""A Model tab whose deferred computation fails (review r476): its error is shown, the tab's other
figures are shown all the same, and the model stays due, computed again at the next read or show."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import pytest  # noqa: E402

from interactive_hpo.optimizers.bayes import GPSurrogateView  # noqa: E402

from .lab_helpers import FAST, PLANE, bowl, lab_after  # noqa: E402


def test_a_model_that_fails_when_its_tab_is_shown_leaves_the_tab_shown_and_stays_due(monkeypatch):
    lab = lab_after(bowl, PLANE, 5, seed=0, optimizer_settings=FAST)
    lab.tabs.selected_index = lab.tabs.titles.index("History")
    predict = GPSurrogateView.predict
    failing = {"on": True}

    def boom(self, X, **options):
        if failing["on"] and len(X) > 1:  # the maps' grid, not the proposal's one point
            raise RuntimeError("boom in predict")
        return predict(self, X, **options)

    monkeypatch.setattr(GPSurrogateView, "predict", boom)
    lab.step()  # hidden: nothing computed, nothing failed
    assert not lab.errors.errors
    lab.tabs.selected_index = lab.tabs.titles.index("Model")
    assert any("boom in predict" in str(error) for error in lab.errors.errors)
    # The timeline was hidden for good (a failing figure stopped the loop that shows the tab's figures).
    assert lab.timeline.figure.shown and lab.surrogate_panel.figure.shown
    with pytest.raises(RuntimeError, match="boom in predict"):  # still due: read again, computed again
        _ = lab.surrogate_panel.maps
    failing["on"] = False
    assert lab.surrogate_panel.maps is not None and not lab.surrogate_panel._due
    lab.close()
