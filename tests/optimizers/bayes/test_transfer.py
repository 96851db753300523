"""Warm-started Bayesian optimization: the sources' GPs as a prior mean with learned weights."""

from __future__ import annotations

import numpy as np
import pytest

torch = pytest.importorskip("torch")
pytest.importorskip("botorch")

from interactive_hpo import Float, SearchSpace  # noqa: E402
from interactive_hpo.optimizers.bayes import GaussianProcessBO  # noqa: E402
from interactive_hpo.optimizers.bayes.predictor import Predictor  # noqa: E402
from interactive_hpo.optimizers.bayes.transfer import source_means  # noqa: E402
from interactive_hpo.optimizers.warm_start import Source  # noqa: E402
from interactive_hpo.trial import Trial, TrialState  # noqa: E402

SPACE = SearchSpace([Float("a", 0.0, 1.0), Float("b", 0.0, 1.0)])


def bowl(X):
    """A bowl with its minimum at (0.7, 0.3); X of shape (n, 2)."""
    return (X[:, 0] - 0.7) ** 2 + 2 * (X[:, 1] - 0.3) ** 2


def _source(losses_of, n=30, seed=0, name="source"):
    X = np.random.default_rng(seed).random((n, 2))
    return Source(name, X, losses_of(X))


def _run(optimizer, objective, n):
    for number in range(n):
        suggestion = optimizer.ask()
        x = suggestion.x
        trial = Trial(number=number, params=SPACE.from_unit(x), x=x, state=TrialState.COMPLETE,
                      value=float(objective(x[None])[0]), source=optimizer.name, user_attrs=suggestion.info)
        optimizer.tell(trial, trial.value)
    return optimizer


def test_initial_design_is_the_sources_best_points_then_one_sobol_point():
    first, second = _source(bowl, name="one"), _source(lambda X: bowl(1 - X), seed=1, name="two")
    optimizer = GaussianProcessBO(SPACE, seed=0)
    optimizer.warm_start([first, second])
    assert optimizer.initial_size == 2 + 8  # both sources' best points, then the cold design
    asks = [optimizer.ask() for _ in range(2)]
    np.testing.assert_array_equal(asks[0].x, first.best(1)[0])
    np.testing.assert_array_equal(asks[1].x, second.best(1)[0])
    assert [a.info["source_start"] for a in asks] == [0, 1]


def test_a_similar_source_keeps_its_weight_and_an_unrelated_one_loses_it():
    similar = _run(GaussianProcessBO(SPACE, seed=0), bowl, 0)
    similar.warm_start([_source(lambda X: 3 * bowl(X) + 1)])  # same landscape, other units
    unrelated = GaussianProcessBO(SPACE, seed=0)
    unrelated.warm_start([_source(lambda X: np.sin(9 * X[:, 0]) * np.cos(7 * X[:, 1]))])
    for optimizer in (similar, unrelated):
        _run(optimizer, bowl, 8)
    weight = {name: o.surrogate().model.mean_module.weights[0] for name, o in
              (("similar", similar), ("unrelated", unrelated))}
    assert weight["similar"] > 0.7 and abs(weight["unrelated"]) < 0.35, weight
    assert similar.surrogate().hyperparameters.source_weights == pytest.approx({"source": weight["similar"]})


def test_the_warm_started_proposals_find_the_bowl_sooner():
    def best_after(optimizer):
        losses = []
        for number in range(6):
            x = optimizer.ask().x
            losses.append(float(bowl(x[None])[0]))
            optimizer.tell(Trial(number=number, params=SPACE.from_unit(x), x=x, state=TrialState.COMPLETE,
                                 value=losses[-1], source="bo"), losses[-1])
        return min(losses)

    warm = GaussianProcessBO(SPACE, seed=3)
    warm.warm_start([_source(lambda X: 3 * bowl(X) + 1, n=40)])
    assert best_after(warm) < 0.01 < best_after(GaussianProcessBO(SPACE, seed=3))


def test_the_mean_and_its_closed_form_gradient_include_the_sources():
    optimizer = GaussianProcessBO(SPACE, seed=0)
    optimizer.warm_start([_source(lambda X: np.sin(5 * X[:, 0]) + X[:, 1])])
    _run(optimizer, bowl, 5)
    predictor = Predictor(optimizer.surrogate().model)
    points = np.random.default_rng(2).random((4, 2))
    mean, _, mean_gradient, _ = predictor.latent_with_gradient(points)
    np.testing.assert_allclose(mean, predictor(points)[0], rtol=1e-9)
    step = 1e-6
    numeric = np.stack([(predictor(points + step * e)[0] - predictor(points - step * e)[0]) / (2 * step)
                        for e in np.eye(2)], axis=1)
    np.testing.assert_allclose(mean_gradient, numeric, rtol=1e-5, atol=1e-7)


def test_sources_over_another_number_of_coordinates_are_refused():
    with pytest.raises(ValueError, match="`sources` of GaussianProcessBO.warm_start must be sources over this"):
        GaussianProcessBO(SPACE, seed=0).warm_start([Source("three", np.zeros((2, 3)), np.zeros(2))])


def test_sources_sharing_a_name_keep_a_weight_each():
    means = source_means([_source(bowl, n=5, name="old"), _source(bowl, n=5, seed=1, name="old")], [], "matern")
    assert means.names == ["old", "old (2)"]


def test_a_start_cut_short_is_asked_again_and_a_replay_does_the_same(tmp_path):
    # A Ctrl-C in the first trial, the source's best, lost it: the design had moved past it, and
    # the study never evaluated the point a warm start promises to evaluate first (audit a379).
    from interactive_hpo import Study

    source = Study(SPACE, "random", seed=1)
    source.run(lambda p: (p["a"] - 0.7) ** 2 + (p["b"] - 0.3) ** 2, n_trials=12)
    study = Study(SPACE, "bo", seed=0, storage=tmp_path / "s.jsonl", warm_start={"old": source})
    trial = study.ask()
    assert trial.params == source.best_params
    study.tell(trial, state="FAILED", user_attrs={"error": "interrupted by the user (KeyboardInterrupt)"})
    assert study.trials[0].cut_short
    again = study.ask()
    assert again.params == source.best_params and again.user_attrs["source_start"] == 0
    resumed = Study.load(tmp_path / "s.jsonl")
    assert resumed.optimizer.propose().x.tolist() == study.optimizer.propose().x.tolist()


def test_a_start_whose_configuration_is_taken_does_not_block_the_later_ones():
    first, second = _source(bowl, name="one"), _source(lambda X: bowl(1 - X), seed=1, name="two")
    optimizer = GaussianProcessBO(SPACE, seed=0)
    optimizer.warm_start([first, second])
    x = first.best(1)[0]
    optimizer.tell(Trial(number=0, params=SPACE.from_unit(x), x=x, state=TrialState.COMPLETE, value=0.5,
                         source="manual"), 0.5)
    np.testing.assert_array_equal(optimizer.ask().x, second.best(1)[0])  # was a Sobol point, for good
