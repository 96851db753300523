"""Teaching overlays: acquisition terms, prior samples, "why this point", the kernel in words."""

from __future__ import annotations

import functools
import math
import re

import numpy as np
import pytest

from interactive_hpo import Float, SearchSpace, Study

pytest.importorskip("botorch")

from interactive_hpo.optimizers.bayes.teach import acquisition_terms, prior_paths, why_this_point  # noqa: E402

LINE = SearchSpace([Float("x", -2.0, 2.0)])
GRID = LINE.slice1d("x", resolution=101).points
FAST = {"n_initial": 3, "num_restarts": 2, "raw_samples": 64}


def wavy(params):
    return (params["x"] - 1.0) ** 2 + 0.3 * math.sin(5 * params["x"])


@functools.cache
def study_with(direction="minimize", **settings):
    """Six trials of BO on ``wavy``; built once per settings and shared, as the tests only read it
    (views, what-if proposals), never ask or tell."""
    study = Study(LINE, "bo", seed=2, direction=direction, optimizer_settings={**FAST, **settings})
    study.run(wavy if direction == "minimize" else (lambda p: -wavy(p)), n_trials=6)
    return study


@pytest.mark.parametrize("direction", ["minimize", "maximize"])
def test_ucb_terms_sum_to_the_acquisition(direction):
    view = study_with(direction, acquisition="ucb", beta=3.0).surrogate()
    terms = acquisition_terms(view, GRID)
    np.testing.assert_allclose(terms.exploitation + terms.exploration, view.predict(GRID).acquisition, rtol=1e-6)
    # With the output warp, terms are in the model's units: beta times the std the GP saw.
    np.testing.assert_allclose(terms.exploration, 3.0 * view.model_units().predict(GRID).std, rtol=1e-6)
    unwarped = study_with(direction, acquisition="ucb", beta=3.0, output_warp="none").surrogate()
    np.testing.assert_allclose(acquisition_terms(unwarped, GRID).exploration, 3.0 * unwarped.predict(GRID).std,
                               rtol=1e-6)


def test_ei_terms_sum_to_ei_and_log_ei_is_their_log():
    study = study_with(acquisition="ei", xi=0.1)
    terms = acquisition_terms(study.surrogate(), GRID)
    assert terms.of == "ei" and np.all(terms.exploration >= 0)
    np.testing.assert_allclose(terms.exploitation + terms.exploration, study.surrogate().predict(GRID).acquisition,
                               rtol=1e-6, atol=1e-12)
    log_view = study.surrogate(acquisition="logei")
    log_terms = acquisition_terms(log_view, GRID)
    total = log_terms.exploitation + log_terms.exploration
    big = total > 1e-8
    np.testing.assert_allclose(np.log(total[big]), log_view.predict(GRID).acquisition[big], rtol=1e-5)


def test_the_view_reads_a_1d_line_and_refuses_other_points_naming_the_call():
    # torch's "X1 and X2 must have the same number of columns" and "negative dimension -1" came
    # through, and points outside the cube or NaN were predicted (NaN) without a word.
    from interactive_hpo import InvalidParameterError

    view = study_with().surrogate()
    np.testing.assert_array_equal(view.predict(GRID.ravel()).mean, view.predict(GRID).mean)  # (m,) in 1-D
    rule = r"must be finite points of the unit cube, of shape \(m, 1\) or \(m,\); got "
    for call, owner in [(lambda X: view.predict(X), "GPSurrogateView.predict"),
                        (lambda X: view.sample_paths(X), "GPSurrogateView.sample_paths"),
                        (lambda X: acquisition_terms(view, X), "acquisition_terms")]:
        for X in (np.zeros((3, 2)), [[2.0]], [[math.nan]], "a"):
            with pytest.raises(InvalidParameterError, match=f"`X` of {owner} {rule}"):
                call(X)
    with pytest.raises(InvalidParameterError, match=r"`n_samples` of GPSurrogateView.sample_paths must be an int "
                                                    r"in \[1, 10000\]; got 0"):
        view.sample_paths(GRID, n_samples=0)
    with pytest.raises(InvalidParameterError, match=r"`seed` of GPSurrogateView.sample_paths must be an int in "
                                                    r"\[0, 4294967295\]; got -1"):  # torch.manual_seed's range
        view.sample_paths(GRID, seed=-1)


@pytest.mark.parametrize("acquisition", ["logei", "mes"])  # a closed form, and one BoTorch evaluates
def test_no_points_give_empty_results(acquisition):
    # Fuzz round 4: zero rows were numpy's "need at least one array to concatenate" (predict,
    # acquisition_terms) and an IndexError (prior_paths); numpy gives an empty result, as sample_paths did.
    view = study_with().surrogate(acquisition=acquisition)
    for X in (np.zeros((0, 1)), [], np.zeros(0)):
        belief = view.predict(X)
        assert belief.mean.shape == belief.std.shape == belief.noise_std.shape == belief.acquisition.shape == (0,)
        assert prior_paths(view, X, n_samples=3).shape == view.sample_paths(X, n_samples=3).shape == (3, 0)
    assert acquisition_terms(study_with().surrogate(), np.zeros((0, 1))).exploration.shape == (0,)


def test_teaching_functions_refuse_what_they_cannot_read_naming_the_argument():
    from interactive_hpo import InvalidParameterError

    view = study_with().surrogate()
    cases = [
        # An AttributeError on None (what study.surrogate() gives before a fit), deep inside.
        (lambda: acquisition_terms(None, GRID), "`view` of acquisition_terms must be a GPSurrogateView "
                                                "(study.surrogate() of a study searched with 'bo'); got None. "
                                                "study.surrogate() is None before any trial has finished"),
        (lambda: prior_paths("view", GRID), "`view` of prior_paths must be a GPSurrogateView"),
        (lambda: why_this_point(None, [0.5], LINE), "`view` of why_this_point must be a GPSurrogateView"),
        # torch's "Expected the input to have 1 dimensionality", a Cholesky failure on NaN, none for outside.
        (lambda: prior_paths(view, np.zeros((3, 2))), "`X` of prior_paths must be finite points of the unit cube, of "
                                                      "shape (m, 1) or (m,); got array("),
        (lambda: prior_paths(view, [[math.nan]]), "`X` of prior_paths must be finite points"),
        (lambda: prior_paths(view, [[5.0]]), "`X` of prior_paths must be finite points"),
        # Joint draws cost m^3: 10,000 points took 54 s and 3.5 GB.
        (lambda: prior_paths(view, np.zeros((2001, 1))),
         "`X` of prior_paths must be at most 2,000 points (joint draws cost m^3); got 'shape (2001, 1)'. "
         "view.sample_paths(X)"),
        # torch's "negative dimension", randn()'s TypeError; n_samples=0 gave nothing, seed=-1 a stream.
        (lambda: prior_paths(view, GRID, n_samples=0), "`n_samples` of prior_paths must be an int in [1, 10000]; "
                                                       "got 0."),
        (lambda: prior_paths(view, GRID, n_samples=1.5), "`n_samples` of prior_paths must be an int in [1, 10000]"),
        (lambda: prior_paths(view, GRID, seed="a"), "`seed` of prior_paths must be an int in [0, 4294967295]; "
                                                    "got 'a'."),
        (lambda: prior_paths(view, GRID, seed=-1), "`seed` of prior_paths must be an int in [0, 4294967295]"),
        # Named "`x` of SearchSpace" (a helper), or an AttributeError for the space.
        (lambda: why_this_point(view, [0.5, 0.5], LINE), "`x` of why_this_point must be a finite point of 1 "
                                                         "coordinate (shape (1,), in the unit cube); got [0.5, 0.5]."),
        (lambda: why_this_point(view, [math.nan], LINE), "`x` of why_this_point must be a finite point"),
        # Clipped by the decoding: the line described another point.
        (lambda: why_this_point(view, np.array([2.0]), LINE), "`x` of why_this_point must be a finite point of 1 "
                                                              "coordinate (shape (1,), in the unit cube); got array"),
        (lambda: why_this_point(view, [-0.1], LINE), "`x` of why_this_point must be a finite point"),
        (lambda: why_this_point(view, [], LINE), "`x` of why_this_point must be a finite point"),
        (lambda: why_this_point(view, np.ma.masked_array([0.5], mask=[True]), LINE),
         "`x` of why_this_point must be a finite point of 1 coordinate (shape (1,), in the unit cube); got a masked "
         "array of shape (1,) with 1 of 1 entries masked."),
        (lambda: why_this_point(view, [0.5], None), "`space` of why_this_point must be the SearchSpace of 1 parameter "
                                                    "the view's GP was fitted over; got None."),
        (lambda: why_this_point(view, [0.5, 0.5], SearchSpace([Float("a", 0, 1), Float("b", 0, 1)])),
         "`space` of why_this_point must be the SearchSpace of 1 parameter"),
    ]
    for call, message in cases:
        with pytest.raises(InvalidParameterError, match=re.escape(message)):
            call()
    assert why_this_point(view, [[0.5]], LINE) == why_this_point(view, np.array([0.5]), LINE)  # one point, any shape


def test_acquisitions_without_a_split_give_none():
    study = study_with()
    assert acquisition_terms(study.surrogate(acquisition="pi"), GRID) is None


def test_prior_samples_spread_like_the_fitted_signal():
    view = study_with(output_warp="none").surrogate()  # in objective units the warp bends the spread
    samples = prior_paths(view, GRID[::50], n_samples=4000, seed=1)
    assert samples.shape == (4000, 3)
    np.testing.assert_allclose(samples.std(axis=0), view.hyperparameters.signal_std, rtol=0.1)
    assert not np.allclose(prior_paths(view, GRID[::50], seed=1), prior_paths(view, GRID[::50], seed=2))


def test_why_this_point_names_exploration_or_exploitation():
    explorer = study_with(acquisition="ucb", beta=50.0)
    view = explorer.surrogate()
    far = np.array([0.0])   # x = -2, where the bowl is high and no trial is near
    text = why_this_point(view, far, LINE)
    assert text.startswith("Proposed x=-2: predicted") and "for its uncertainty (exploration)" in text
    greedy = study_with(acquisition="ucb", beta=0.0)
    text = why_this_point(greedy.surrogate(), greedy.optimizer.propose().x, LINE)
    assert "for its mean (exploitation)" in text
    # The prediction is in the objective's units, the terms in the model's when it is warped: say so.
    # Said before the first figure in them (a331: "± 1.17 ... bonus 0.233" read as one unit).
    text = why_this_point(view, far, LINE)
    assert "(exploration): in the model's warped units (not the objective's units of the prediction), it gives up" \
        in text and text.endswith("(beta x sd).")
    unwarped = study_with(acquisition="ucb", beta=50.0, output_warp="none").surrogate()
    assert "(exploration): in the objective's units, it gives up" in why_this_point(unwarped, far, LINE)


def test_the_lab_draws_the_overlays_and_explains_its_proposal():
    import matplotlib

    matplotlib.use("Agg")
    from interactive_hpo.ui import Lab

    lab = Lab(wavy, space=LINE, seed=2, optimizer_settings={**FAST, "acquisition": "ucb"})
    lab.run(4)  # three initial trials and one from the model: a GP to teach with
    panel = lab.surrogate_panel
    assert "Why this point?" in panel.why.value and "The kernel in words" in panel.why.value
    for box in panel.teach.values():
        box.value = True
    assert len(panel.curve._teaching) == 5 + 5 + 2 and not lab.errors.errors
    panel.teach["prior"].value = False
    assert len(panel.curve._teaching) == 5 + 2


@pytest.mark.parametrize("direction", ["minimize", "maximize"])
def test_why_this_point_never_contradicts_itself(direction):
    """Issue 25: the line once read "nearest trial 0.00 away ... exploration is 100%". Each
    claim now comes with what it is checked against: the mean against the best trial (EI's
    exploitation term counts only when the mean is better), a small distance in two figures."""
    view = study_with(direction).surrogate()
    terms = acquisition_terms(view, GRID)
    assert (terms.exploitation > 0).any() and (terms.exploitation <= 0).any()  # both cases are read
    for x, exploit in zip(GRID, terms.exploitation, strict=True):
        text = why_this_point(view, x, LINE)
        assert ("better than the best trial's" in text and "no better" not in text) == (exploit > 0), text
        if "mostly for its good mean" in text:
            assert "no better" not in text, text
    nearest = view.X[0] + 0.004
    assert "nearest trial 0.004 away" in why_this_point(view, nearest, LINE)
    assert "it repeats an evaluated configuration" in why_this_point(view, view.X[0], LINE)


def test_why_this_point_reads_a_proposal_where_its_trial_will_be():
    # A proposal keeps whatever its inactive coordinates held; the trial it becomes (and every
    # point the GP was fitted on) is snapped. Measured raw, a repeat read "nearest trial 0.38 away".
    from interactive_hpo import Categorical

    space = SearchSpace([Float("x", -2.0, 2.0), Categorical("kind", ["flat", "bent"]),
                         Float("bend", 0.0, 1.0, condition=("kind", "bent"))])
    study = Study(space, "bo", seed=2, optimizer_settings=FAST)
    study.run(lambda p: (p["x"] - 1.0) ** 2 + (p["bend"] if p["kind"] == "bent" else 0.5), n_trials=6)
    view = study.surrogate()
    flat = next(t for t in study.trials if t.params["kind"] == "flat")
    raw = flat.x.copy()
    raw[2] = 0.125   # the inactive bend, as a proposal may carry it
    assert "it repeats an evaluated configuration" in why_this_point(view, raw, space)
    assert why_this_point(view, raw, space) == why_this_point(view, flat.x, space)


def test_why_this_point_reads_ei_whose_mean_is_worse_than_the_best_as_the_figure_draws_it():
    # The exploitation term is negative where the mean is worse than the best: EI is the
    # uncertainty's term less that shortfall. The line said "exploration is 100% of its expected
    # gain", a gain larger than the EI drawn beside it.
    view = study_with().surrogate()
    terms = acquisition_terms(view, GRID)
    worse = int(np.argmin(terms.exploitation))
    exploit, explore = terms.exploitation[worse], terms.exploration[worse]
    assert exploit < 0 < explore + exploit
    text = why_this_point(view, GRID[worse], LINE)
    assert "for its uncertainty (exploration) alone" in text and "100%" not in text
    # In plain words (a331: "the uncertainty's 0.0233 with the mean's shortfall, 0.00934 off" read garbled).
    assert (f"it expects to gain {explore + exploit:.3g}: its uncertainty could add {explore:.3g}, less "
            f"{-exploit:.3g} because its median is worse than the best.") in text  # warped: its median


@pytest.mark.parametrize("acquisition", ["ei", "logei"])
def test_why_this_point_calls_a_point_by_the_best_trial_a_refinement_not_an_exploration(acquisition):
    # At the best trial EI's split credits the mean with nothing, so the line said "chose it for its
    # uncertainty (exploration)" of a point 1e-4 from the best with a sd of 0.0016 (a315).
    view = study_with(acquisition=acquisition).surrogate()
    by_the_best = view.X[int(np.argmin(view.losses))] + 1e-4
    text = why_this_point(view, by_the_best, LINE)
    assert f"{acquisition} chose it to refine the best trial: its median ties the best's" in text
    assert "exploration" not in text
