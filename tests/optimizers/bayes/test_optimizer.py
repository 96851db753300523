"""GaussianProcessBO: is the surrogate right, and is what we show the same as what we optimize?

Beyond the shared contract (``test_contract.py``), these tests hold the Bayesian optimizer to
the correctness claims of its issue: closed-form acquisitions agree with Monte Carlo and with
BoTorch, the fast predictor agrees with GPyTorch, a noiseless GP interpolates and its
uncertainty behaves, units are the user's, inspecting never changes a proposal, foreign data
is used, categories stay categories, fits never crash, replay is exact, and the whole thing
beats random search. Small problems and a cheap acquisition optimizer keep it fast; accuracy
of the optimizer is only asked of the sample-efficiency test (marked slow).
"""

from __future__ import annotations

import shutil
import warnings

import numpy as np
import pytest

torch = pytest.importorskip("torch")
pytest.importorskip("botorch")

from botorch.acquisition import (  # noqa: E402
    ExpectedImprovement,
    LogExpectedImprovement,
    ProbabilityOfImprovement,
    UpperConfidenceBound,
)

from interactive_hpo import (  # noqa: E402
    Categorical,
    Float,
    Int,
    InvalidParameterError,
    SearchSpace,
    Study,
    TrialState,
)
from interactive_hpo.direction import Direction  # noqa: E402
from interactive_hpo.optimizers.bayes import GaussianProcessBO, SurrogateView  # noqa: E402
from interactive_hpo.optimizers.bayes import acquisition as acq  # noqa: E402
from interactive_hpo.optimizers.bayes import model as bayes_model  # noqa: E402
from interactive_hpo.optimizers.bayes.kernel import HammingKernel  # noqa: E402
from interactive_hpo.optimizers.bayes.model import DTYPE, fit_gp  # noqa: E402
from interactive_hpo.optimizers.bayes.predictor import Predictor  # noqa: E402
from interactive_hpo.trial import USER_INTERRUPT  # noqa: E402

#: A cheap acquisition optimizer: where accuracy is not the point, speed is.
FAST = {"n_initial": 3, "num_restarts": 2, "raw_samples": 64}

LINE = SearchSpace([Float("x", -2.0, 2.0)])
PLANE = SearchSpace([Float("x0", -1.0, 1.0), Float("x1", -1.0, 1.0)])
MIXED = SearchSpace([Float("x", -2.0, 2.0), Categorical("c", ["a", "b", "c"]), Int("n", 1, 6)])


def quad(params):
    return (params["x"] - 1.0) ** 2


def bowl(params):
    return (params["x0"] - 0.3) ** 2 + 2.0 * (params["x1"] + 0.2) ** 2 + 0.3 * np.sin(5.0 * params["x0"])


def mixed_loss(params):
    return (params["x"] - 1.0) ** 2 + {"a": 0.0, "b": 1.0, "c": 2.0}[params["c"]] + 0.1 * params["n"]


def run_bo(space, objective, n_trials, seed=0, direction="minimize", **settings):
    study = Study(space, "bo", seed=seed, direction=direction, optimizer_settings={**FAST, **settings})
    study.run(objective, n_trials=n_trials)
    return study


def unit_grid(n_per_axis, dim):
    axes = np.meshgrid(*[np.linspace(0.0, 1.0, n_per_axis)] * dim, indexing="ij")
    return np.stack([a.ravel() for a in axes], axis=1)


def spy_on_asks(study):
    """Record the raw suggestions (before the study snaps them) that the optimizer hands out."""
    raw = []
    original = study.optimizer.ask

    def ask():
        suggestion = original()
        raw.append(suggestion)
        return suggestion

    study.optimizer.ask = ask
    return raw


@pytest.fixture(scope="module", autouse=True)
def one_torch_thread():
    """Small GPs gain nothing from threads, and oversubscribed threads make torch 5-20x slower
    when anything else runs on the machine (DESIGN.md section 9); restored afterwards."""
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


@pytest.fixture(scope="module")
def plane_study():
    """A 2-D study after 8 trials (5 of them proposed by the GP); read-only for the tests.

    Without the output warp: these tests check the acquisition's and the predictor's algebra in
    the objective's units, which the warp (tested in test_warping.py) maps monotonically."""
    return run_bo(PLANE, bowl, 8, seed=0, output_warp="none")


@pytest.fixture(scope="module")
def mixed_study():
    """A study over a float, a categorical and an int, with the raw suggestions it received."""
    study = Study(MIXED, "bo", seed=0, optimizer_settings=FAST)
    raw = spy_on_asks(study)
    study.run(mixed_loss, n_trials=6)
    return study, raw


# -- 1. analytic EI against Monte Carlo ------------------------------------------------------------
@pytest.mark.parametrize("xi", [0.0, 0.05])
def test_analytic_ei_agrees_with_monte_carlo(plane_study, xi):
    view = plane_study.optimizer.surrogate(acquisition="ei", xi=xi)
    utilities = -view.losses
    threshold = utilities.max() + xi * utilities.std()
    prediction = view.predict(unit_grid(41, 2))
    mean, std = -prediction.mean, prediction.std  # utility units, as BoTorch sees them
    z = (mean - threshold) / std
    # Where improvement is neither certain nor negligible, 10^6 samples pin EI down to ~0.3%.
    candidates = np.flatnonzero((z > -1.0) & (std > 1e-3 * view.hyperparameters.signal_std))
    assert len(candidates) >= 3, f"no informative points (max z = {z.max():.2f})"
    picks = np.unique(candidates[np.linspace(0, len(candidates) - 1, 6).astype(int)])
    normal = np.random.default_rng(0).standard_normal(1_000_000)
    for i in picks:
        improvement = np.maximum(mean[i] + std[i] * normal - threshold, 0.0)
        monte_carlo = improvement.mean()
        assert improvement.std() / np.sqrt(len(normal)) < 0.004 * monte_carlo  # the check has power
        closed = float(acq.closed_form("ei", mean[i:i + 1], std[i:i + 1], best=utilities.max(),
                                       scale=utilities.std(), beta=0.0, xi=xi)[0])
        assert closed == pytest.approx(monte_carlo, rel=0.01)
        log_closed = float(acq.closed_form("logei", mean[i:i + 1], std[i:i + 1], best=utilities.max(),
                                           scale=utilities.std(), beta=0.0, xi=xi)[0])
        assert np.exp(log_closed) == pytest.approx(monte_carlo, rel=0.01)
        # The surface a plot draws is this same number.
        assert prediction.acquisition[i] == pytest.approx(closed, rel=1e-9)


# -- 2. our closed forms (optimized and plotted) against BoTorch's analytic classes ----------------
def botorch_analytic(name, model, settings):
    """BoTorch's own object for ``name``, with our conventions (threshold with xi, beta on the std)."""
    best_f = acq.threshold(settings["best"], settings["xi"], settings["scale"])
    if name == "ucb":
        return UpperConfidenceBound(model, beta=settings["beta"] ** 2)
    return {"logei": LogExpectedImprovement, "ei": ExpectedImprovement, "pi": ProbabilityOfImprovement}[name](
        model, best_f=best_f)


@pytest.mark.parametrize("space", [PLANE, MIXED], ids=["plane", "mixed"])
@pytest.mark.parametrize("name", acq.CLOSED_FORM)
def test_closed_forms_agree_with_botorch_in_value_and_gradient(space, name):
    """The proposal follows our acquisition's gradient: it must be BoTorch's, point by point."""
    rng = np.random.default_rng(3)
    X = np.array([space.snap(x) for x in rng.random((10, space.dim))])
    y = np.sin(6.0 * X[:, 0]) + X[:, 1] ** 2
    cat_dims = [i for i, kind in enumerate(space.kinds) if kind == "categorical"]
    model = fit_gp(X, y, cat_dims, "matern", "learned", None).model
    settings = {"best": float(y.max()), "scale": float(y.std()), "beta": 1.7, "xi": 0.3}
    ours = acq.build_acquisition(name, model, settings, X_train=torch.as_tensor(X))
    theirs = botorch_analytic(name, model, settings)
    assert isinstance(ours, acq.ClosedForm)
    G = np.array([space.snap(x) for x in rng.random((50, space.dim))])
    points = [torch.tensor(G, dtype=DTYPE).unsqueeze(-2).requires_grad_() for _ in range(2)]
    values = [function(p) for function, p in zip((ours, theirs), points, strict=True)]
    for value in values:
        value.sum().backward()
    np.testing.assert_allclose(values[0].detach().numpy(), values[1].detach().numpy(), rtol=1e-5, atol=1e-9)
    numeric = [i for i in range(space.dim) if i not in cat_dims]  # categories are never moved by a gradient
    np.testing.assert_allclose(points[0].grad[..., numeric].numpy(), points[1].grad[..., numeric].numpy(),
                               rtol=1e-5, atol=1e-8)
    # The hand-written gradient the acquisition search follows (bayes.search) is the same one.
    value, gradient = ours.value_and_gradient(G)
    np.testing.assert_allclose(value, values[1].detach().numpy(), rtol=1e-5, atol=1e-9)
    np.testing.assert_allclose(gradient[:, numeric], points[1].grad[:, 0, numeric].numpy(),
                               rtol=1e-5, atol=1e-8)


@pytest.mark.parametrize("name", acq.CLOSED_FORM)
def test_plotted_acquisition_equals_botorch(plane_study, name):
    beta, xi = 1.7, 0.3
    view = plane_study.optimizer.surrogate(acquisition=name, beta=beta, xi=xi)
    assert view.acquisition_name == name
    utilities = -view.losses
    scaled = utilities / view.factor  # BoTorch sees utilities divided by their spread
    settings = {"best": scaled.max(), "scale": scaled.std(), "beta": beta, "xi": xi}
    points = np.random.default_rng(1).random((200, 2))
    expected = acq.in_objective_units(name, acq.evaluate(botorch_analytic(name, view.model, settings), points),
                                      view.factor)
    prediction = view.predict(points)
    np.testing.assert_allclose(prediction.acquisition, expected, rtol=1e-6, atol=1e-6 * utilities.std())
    if name == "ucb":  # our beta multiplies the std (BoTorch was handed beta**2)
        np.testing.assert_allclose(prediction.acquisition, -prediction.mean + beta * prediction.std, rtol=1e-9)


@pytest.mark.parametrize("name", acq.CLOSED_FORM)
def test_proposal_maximizes_the_plotted_acquisition(name):
    """What a plot shows at the proposal is the value the optimizer recorded, and the plot's best."""
    study = run_bo(LINE, quad, 5, seed=1, acquisition=name, num_restarts=4, raw_samples=128)
    view = study.optimizer.surrogate()
    trial = study.ask()
    assert trial.user_attrs["acquisition"] == name
    at_proposal = view.predict(trial.x[None, :]).acquisition[0]
    assert at_proposal == pytest.approx(trial.user_attrs["acquisition_value"], rel=1e-6, abs=1e-9)
    on_grid = view.predict(np.linspace(0, 1, 2001)[:, None]).acquisition
    assert at_proposal >= on_grid.max() - 1e-4 * max(1.0, abs(on_grid.max()))


# -- 3. the fast predictor against GPyTorch --------------------------------------------------------
@pytest.mark.parametrize(("space", "kernel", "noise"), [
    (PLANE, "matern", "learned"),
    (PLANE, "rbf", "learned"),
    (PLANE, "matern", "fixed"),
    (MIXED, "matern", "learned"),
], ids=["matern", "rbf", "fixed-noise", "mixed"])
def test_predictor_agrees_with_the_gpytorch_posterior(space, kernel, noise):
    rng = np.random.default_rng(0)
    X = np.array([space.snap(x) for x in rng.random((12, space.dim))])
    y = np.sin(6.0 * X[:, 0]) + X[:, 1] ** 2 + 0.01 * rng.standard_normal(len(X))
    cat_dims = [i for i, kind in enumerate(space.kinds) if kind == "categorical"]
    model = fit_gp(X, y, cat_dims, kernel, noise, None).model
    assert isinstance(model.covar_module, HammingKernel) == bool(cat_dims)
    G = np.array([space.snap(x) for x in rng.random((60, space.dim))])

    predictor = Predictor(model)
    mean_s, var_s = predictor(G)
    shift = float(model.outcome_transform.means.reshape(-1)[0])
    scale = float(model.outcome_transform.stdvs.reshape(-1)[0])
    with torch.no_grad():  # latent f, then observations y = f + noise
        latent = model.posterior(torch.as_tensor(G, dtype=DTYPE))
        mean, variance = latent.mean.reshape(-1).numpy(), latent.variance.reshape(-1).numpy()
        observed = model.posterior(torch.as_tensor(G, dtype=DTYPE), observation_noise=True)
        observed_variance = observed.variance.reshape(-1).numpy()
    np.testing.assert_allclose(mean_s * scale + shift, mean, rtol=1e-6, atol=1e-7 * scale)
    np.testing.assert_allclose(var_s * scale**2, variance, rtol=1e-5, atol=1e-9 * scale**2)
    if noise == "learned":  # the aleatoric part the view reports is the likelihood's noise
        np.testing.assert_allclose((var_s + predictor.noise) * scale**2, observed_variance, rtol=1e-5)
    chunked = predictor(G, chunk=7)  # chunking is an implementation detail
    np.testing.assert_allclose(chunked[0], mean_s, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(chunked[1], var_s, rtol=1e-12, atol=1e-12)


# -- 4. a noiseless GP interpolates; its uncertainty shrinks at data and returns to the prior --------
def test_noiseless_gp_interpolates_and_its_std_returns_to_the_prior():
    space = SearchSpace([Float("x", 0.0, 1.0)])
    # Unwarped: the prior std is a number in objective units only then (test_warping covers the warp).
    study = Study(space, "bo", seed=0, optimizer_settings={**FAST, "noise": "fixed", "output_warp": "none"})
    for x in np.linspace(0.0, 0.15, 7):  # data clustered in one corner
        study.add_manual({"x": float(x)}, float(np.sin(40.0 * x)))
    view = study.optimizer.surrogate()
    signal = view.hyperparameters.signal_std
    at_data = view.predict(view.X)
    np.testing.assert_allclose(at_data.mean, view.losses, atol=1e-3 * np.ptp(view.losses))
    assert np.all(at_data.std < 0.01 * signal)

    away = view.predict(np.linspace(0.15, 1.0, 60)[:, None]).std
    assert np.all(np.diff(away) >= -1e-9 * signal), "the std should grow with the distance from the data"
    assert away[0] < 0.01 * signal
    assert 0.95 * signal < away[-1] <= signal * (1 + 1e-6)


def test_noise_std_is_tiny_when_fixed_and_learned_otherwise():
    """On a line plus noise of std 0.3: the learned noise finds it, the fixed one ignores it."""
    noisy = np.random.default_rng(2).normal(0.0, 0.3, 40)
    space = SearchSpace([Float("x", 0.0, 1.0)])
    stds = {}
    for noise in ("fixed", "learned"):
        study = Study(space, "bo", seed=0, optimizer_settings={**FAST, "noise": noise})
        for i, x in enumerate(np.linspace(0.0, 1.0, 40)):
            study.add_manual({"x": float(x)}, float(x + noisy[i]))
        view = study.optimizer.surrogate()
        prediction = view.predict(view.X)
        assert np.all(prediction.noise_std == view.hyperparameters.noise_std)
        stds[noise] = view.hyperparameters.noise_std
    assert stds["fixed"] < 0.003
    assert 0.15 < stds["learned"] < 0.6


def test_auto_noise_learns_the_noise_only_when_the_data_support_it():
    """A smooth deterministic function keeps the noise fixed tiny; a line plus noise of std 0.3
    (and Ackley's ripples, in the benchmarks) makes a learned noise worth its parameter."""
    space = SearchSpace([Float("x", 0.0, 1.0)])
    noisy = np.random.default_rng(2).normal(0.0, 0.3, 30)
    for objective, expected in ((lambda i, x: float(np.sin(3 * x)), "fixed"),
                                (lambda i, x: float(x + noisy[i]), "learned")):
        study = Study(space, "bo", seed=0, optimizer_settings={**FAST, "output_warp": "none"})
        for i, x in enumerate(np.linspace(0.0, 1.0, 30)):
            study.add_manual({"x": float(x)}, objective(i, x))
        assert study.ask().user_attrs["gp_noise"] == expected
    assert study.optimizer.surrogate().hyperparameters.noise_std > 0.15


# -- 5. units -----------------------------------------------------------------------------------------
def test_predictions_are_in_loss_and_objective_units():
    """A maximizing study: the view reports losses, in_direction(MAXIMIZE) the user's objective values."""
    def score(params):  # large offset and scale: a standardized mean would be far off
        return 1000.0 - 50.0 * (params["x0"] - 0.2) ** 2 - 80.0 * params["x1"] ** 2

    study = run_bo(PLANE, score, 7, seed=2, direction="maximize", noise="fixed")
    values = np.array([t.value for t in study.trials])
    view = study.optimizer.surrogate()
    np.testing.assert_allclose(view.X, [t.x for t in study.trials])
    np.testing.assert_allclose(view.losses, -values)
    as_losses = view.predict(view.X)
    as_values = view.in_direction(Direction.MAXIMIZE).predict(view.X)
    np.testing.assert_allclose(as_losses.mean, -values, atol=1e-3 * np.ptp(values))
    np.testing.assert_allclose(as_values.mean, values, atol=1e-3 * np.ptp(values))
    np.testing.assert_array_equal(as_values.std, as_losses.std)
    np.testing.assert_array_equal(as_values.acquisition, as_losses.acquisition)
    grid = unit_grid(5, 2)
    np.testing.assert_allclose(view.in_direction(Direction.MAXIMIZE).sample_paths(grid, n_samples=3, seed=4),
                               -view.sample_paths(grid, n_samples=3, seed=4))
    assert view.direction is Direction.MINIMIZE and view.in_direction(Direction.MAXIMIZE).direction == "maximize"
    from_study = study.surrogate()  # the study applies its direction itself
    assert from_study.direction is Direction.MAXIMIZE
    np.testing.assert_array_equal(from_study.predict(view.X).mean, as_values.mean)


def test_scaling_the_objective_scales_the_belief():
    """Mean, std and signal follow the objective's units; the proposal does not depend on them."""
    points = PLANE.sample(6, rng=3)
    views, proposals = [], []
    for a, b in [(1.0, 0.0), (1000.0, 7.0)]:
        study = Study(PLANE, "bo", seed=0, optimizer_settings=FAST)
        for params in points:
            study.add_manual(params, a * bowl(params) + b)
        views.append(study.optimizer.surrogate())
        proposals.append(study.ask().x)
    grid = unit_grid(7, 2)
    small, large = views[0].predict(grid), views[1].predict(grid)
    np.testing.assert_allclose(large.mean, 1000.0 * small.mean + 7.0, rtol=1e-5)
    np.testing.assert_allclose(large.std, 1000.0 * small.std, rtol=1e-4)
    assert views[1].hyperparameters.signal_std == pytest.approx(1000.0 * views[0].hyperparameters.signal_std,
                                                                  rel=1e-5)
    np.testing.assert_allclose(proposals[1], proposals[0], atol=1e-4)


@pytest.mark.parametrize("constrained", [False, True])
def test_log_ei_is_recorded_in_objective_units_with_a_trial_pending_and_for_a_batch(constrained):
    """qLogNEI (a trial pending, or a joint batch) is log-EI too, but it was recorded in the
    model's units while log-EI was recorded in the objective's: a study's recorded acquisition
    jumped by log(factor) whenever a trial was pending. The objective times 1024 (exact in binary:
    the GP sees the same numbers) shifts every recorded log-EI by log(1024)."""
    points = PLANE.sample(6, rng=3)
    recorded = []
    for a in (1.0, 1024.0):
        study = Study(PLANE, "bo", seed=0, optimizer_settings={**FAST, "output_warp": "none"})
        for i, params in enumerate(points):  # constrained: every other trial feasible
            study.add_manual(params, a * bowl(params), constraints=[i % 2 - 0.5] if constrained else None)
        alone = study.ask()  # nothing pending: closed-form log-EI
        trials = [alone, study.ask(), *study.ask_batch(2)]  # `alone` pending, then a batch with both
        recorded.append([(t.user_attrs["acquisition"], t.user_attrs["acquisition_value"], tuple(t.x))
                         for t in trials])
    kind = "qlogncei" if constrained else "qlognei"
    names = ["logcei" if constrained else "logei", f"{kind} (pending points)", f"{kind} (batch)", f"{kind} (batch)"]
    assert [name for name, _, _ in recorded[0]] == [name for name, _, _ in recorded[1]] == names
    assert [x for _, _, x in recorded[0]] == [x for _, _, x in recorded[1]]  # the same proposals
    shifts = [large - small for (_, small, _), (_, large, _) in zip(*recorded, strict=True)]
    np.testing.assert_allclose(shifts, np.log(1024.0), rtol=0, atol=1e-9)


def test_a_tiny_objective_scale_does_not_blind_the_gp():
    points = PLANE.sample(6, rng=3)
    proposals = []
    for a in (1.0, 1e-9):
        study = Study(PLANE, "bo", seed=0, optimizer_settings=FAST)
        for params in points:
            study.add_manual(params, a * bowl(params))
        proposals.append(study.ask().x)
    np.testing.assert_allclose(proposals[1], proposals[0], atol=1e-3)


def test_lengthscales_are_reported_in_parameter_units(mixed_study):
    space = SearchSpace([Float("lr", 1e-4, 1.0, log=True), Float("w", -5.0, 5.0), Int("depth", 1, 8)])

    def loss(params):
        return (np.log10(params["lr"]) + 2.0) ** 2 + 0.1 * params["w"] + 0.05 * params["depth"]

    view = run_bo(space, loss, 6, seed=0).optimizer.surrogate()
    unit = view.model.covar_module.lengthscale.detach().reshape(-1).numpy()  # unit-cube lengthscales
    reported = view.hyperparameters.lengthscales
    assert reported["lr"] == (pytest.approx(unit[0] * 4.0), "decades")  # log10(1 / 1e-4) = 4 decades
    assert reported["w"] == (pytest.approx(unit[1] * 10.0), "units")  # 5 - (-5)
    assert reported["depth"] == (pytest.approx(unit[2] * 8.0), "units")  # the 8 integer bins [1, 9)
    mixed_view = mixed_study[0].optimizer.surrogate()
    assert mixed_view.hyperparameters.lengthscales["c"][1] == "categorical"
    assert mixed_view.hyperparameters.lengthscales["x"][1] == "units"


# -- 6. determinism: same seed, inspection, what-if -------------------------------------------------
def test_same_seed_gives_the_same_proposals():
    first, second = run_bo(PLANE, bowl, 7, seed=4), run_bo(PLANE, bowl, 7, seed=4)  # four from the GP
    assert [t.params for t in first.trials] == [t.params for t in second.trials]
    assert [t.user_attrs.get("gp_state") for t in first.trials] == [t.user_attrs.get("gp_state") for t in second.trials]
    third = run_bo(PLANE, bowl, 5, seed=5)
    assert [t.params for t in third.trials] != [t.params for t in first.trials[:5]]


def test_inspecting_the_surrogate_does_not_change_the_next_proposal():
    watched = Study(PLANE, "bo", seed=6, optimizer_settings=FAST)
    plain = Study(PLANE, "bo", seed=6, optimizer_settings=FAST)
    grid = unit_grid(6, 2)
    views = 0
    for _ in range(6):
        view = watched.optimizer.surrogate()
        if view is not None:
            views += 1
            view.predict(grid)
            view.sample_paths(grid, n_samples=2)
            watched.optimizer.surrogate(acquisition="ucb", beta=3.0).predict(grid)
        watched.step(bowl)
        plain.step(bowl)
    assert views == 4
    assert [t.params for t in watched.trials] == [t.params for t in plain.trials]


def test_propose_is_a_what_if_that_changes_nothing():
    study, twin = run_bo(PLANE, bowl, 6, seed=1), run_bo(PLANE, bowl, 6, seed=1)
    optimizer = study.optimizer
    before = (len(study.trials), optimizer.n_seen, len(optimizer.pending), optimizer.settings())
    what_if = optimizer.propose(acquisition="ucb", beta=4.0)
    as_is = optimizer.propose()
    assert (len(study.trials), optimizer.n_seen, len(optimizer.pending), optimizer.settings()) == before
    assert what_if.info["acquisition"] == "ucb" and as_is.info["acquisition"] == "logei"
    assert np.linalg.norm(what_if.x - as_is.x) > 1e-3, "a very different acquisition should move the point"

    asked, twin_asked = study.ask(), twin.ask()
    np.testing.assert_array_equal(asked.x, twin_asked.x)
    np.testing.assert_array_equal(asked.x, PLANE.snap(as_is.x))  # propose() without overrides is the next ask
    assert asked.user_attrs["gp_state"] == twin_asked.user_attrs["gp_state"]


def test_the_shown_proposal_is_asked_without_optimizing_again(monkeypatch):
    study = run_bo(PLANE, bowl, 5, seed=2)
    calls = []
    original = acq.optimize
    monkeypatch.setattr(acq, "optimize", lambda *a, **k: calls.append(1) or original(*a, **k))
    shown = study.optimizer.propose()
    assert study.optimizer.propose() is shown and len(calls) == 1
    asked = study.ask()
    np.testing.assert_array_equal(asked.x, PLANE.snap(shown.x))
    assert len(calls) == 1  # the ask reused the proposal the app showed
    study.tell(asked, bowl(asked.params))
    study.optimizer.propose()
    assert len(calls) == 2  # new data: a new proposal


def test_what_if_with_pending_points_and_surrogate_overrides():
    study = run_bo(PLANE, bowl, 5, seed=2)
    running = study.ask()
    assert study.optimizer.propose(beta=1.0).info["acquisition"] == "qlognei (pending points)"
    assert study.optimizer.surrogate(acquisition="pi").acquisition_name == "pi"
    assert len(study.optimizer.pending) == 1
    study.tell(running, bowl(running.params))
    assert not study.optimizer.pending


def test_unknown_or_invalid_overrides_raise():
    study = run_bo(LINE, quad, 4, seed=0)
    message = ("`overrides` of GaussianProcessBO.propose must be settings among ['acquisition', 'allow_repeats', "
               "'beta', 'kernel', 'n_initial', 'noise', 'num_restarts', 'output_warp', 'raw_samples', 'seed', "
               "'xi']; got 'betta'.")
    with pytest.raises(InvalidParameterError) as error:
        study.optimizer.propose(betta=4.0)
    assert str(error.value) == message
    with pytest.raises(InvalidParameterError, match="`overrides` of GaussianProcessBO"):
        study.optimizer.surrogate(acqusition="ucb")
    with pytest.raises(InvalidParameterError, match=r"`beta` of GaussianProcessBO must be a finite real number"):
        study.optimizer.propose(beta=-1.0)
    with pytest.raises(InvalidParameterError, match=r"`acquisition` of GaussianProcessBO must be one of"):
        study.optimizer.surrogate(acquisition="foo")


# -- 7. foreign data -----------------------------------------------------------------------------------
def test_manual_trials_are_data_and_failed_trials_are_not():
    study = Study(PLANE, "bo", seed=0, optimizer_settings=FAST)
    manual = [study.add_manual(params, bowl(params)) for params in PLANE.sample(3, rng=5)]
    first = study.ask()
    assert first.user_attrs["phase"] == "bo"  # three manual trials complete the initial design
    study.tell(first, bowl(first.params))
    failed = study.ask()
    study.tell(failed, state="FAILED")
    late = study.add_manual({"x0": 0.3, "x1": -0.2}, bowl({"x0": 0.3, "x1": -0.2}))
    view = study.optimizer.surrogate()
    complete = manual + [study.trials[first.number], late]
    np.testing.assert_array_equal(view.X, [t.x for t in complete])
    np.testing.assert_allclose(view.losses, [t.value for t in complete], rtol=1e-12)  # -(-loss / f) * f


@pytest.mark.parametrize("completed_first", [False, True])
@pytest.mark.parametrize("run_again", [True, False])
def test_a_failure_whose_configuration_also_completed_is_not_fitted(run_again, completed_first):
    """A configuration that failed (its process was killed, say) and completed when run again (a
    resumed HPOSearchCV does; an enqueued repeat of a flaky objective) did not fail by its own
    doing: the GP sees its value only, as if the failure had been cut short. It was fitted below the
    worst loss as well, and steered away; a failure told after the value still was (review a380)."""
    def next_point(error):
        study = Study(PLANE, "bo", seed=0, optimizer_settings=FAST)
        study.run(bowl, n_trials=3)
        trial, other = study.ask(), {"x0": 0.5, "x1": 0.5}  # other: another configuration
        if completed_first:
            study.tell(trial, bowl(trial.params))
            params = trial.params if run_again else other
            study.add_finished(params, state="FAILED", source="notes", user_attrs={"error": error})
        else:
            failed = study.tell(trial, state="FAILED", user_attrs={"error": error})
            params = failed.params if run_again else other
            study.add_manual(params, bowl(params))
        return study.ask().x

    killed, cut_short = next_point("MemoryError"), next_point(USER_INTERRUPT)
    # Not run again, the failure is fitted (the two differ), as a failure should be.
    assert np.array_equal(killed, cut_short) is run_again


def test_a_look_before_a_failure_is_dropped_does_not_keep_the_failure_in_the_fit():
    """Dropping a failure and adding a value keeps the data's count, by which a fit made for a
    look (``propose``) was kept: the next ask reused it, fitted on the failure instead of the
    value, and a look changed the next proposal."""
    def next_point(look):
        study = Study(PLANE, "bo", seed=0, optimizer_settings=FAST)
        study.run(bowl, n_trials=4)
        failed = study.tell(study.ask(), state="FAILED", user_attrs={"error": "MemoryError"})
        if look:
            study.optimizer.propose()
        study.add_manual(failed.params, bowl(failed.params))
        return study.ask().x

    np.testing.assert_array_equal(next_point(look=True), next_point(look=False))


def test_switching_from_sobol_fits_on_the_sobol_trials():
    study = Study(PLANE, "sobol", seed=0, direction="maximize")
    study.run(lambda p: -bowl(p), n_trials=5)
    study.switch_optimizer("bo", **FAST)
    view = study.optimizer.surrogate()
    np.testing.assert_array_equal(view.X, [t.x for t in study.trials])
    np.testing.assert_allclose(view.losses, [-t.value for t in study.trials], rtol=1e-12)
    trial = study.ask()
    assert trial.source == "bo"
    assert trial.user_attrs["phase"] == "bo"  # no initial design: there is enough data
    assert trial.user_attrs["gp_fit"] in ("cold", "warm")


# -- 8. categories and integers --------------------------------------------------------------------------
def test_categoricals_are_modelled_as_unordered_categories(mixed_study):
    study, _ = mixed_study
    view = study.optimizer.surrogate()
    assert isinstance(view.model.covar_module, HammingKernel)
    assert "categorical" in view.hyperparameters.kernel
    # Under an ordered encoding (a, b, c at 1/6, 1/2, 5/6), a would be closer to b than to c.
    base = {"x": 0.5, "n": 3}
    points = torch.as_tensor(np.array([MIXED.to_unit({**base, "c": c}) for c in "abc"]), dtype=DTYPE)
    with torch.no_grad():
        K = view.model.covar_module(points).to_dense().numpy()
    assert K[0, 1] == pytest.approx(K[0, 2], rel=1e-9) == pytest.approx(K[1, 2], rel=1e-9)
    assert K[0, 1] < K[0, 0]


def test_gp_proposals_sit_on_valid_bin_centres(mixed_study):
    study, raw = mixed_study
    assert len(raw) == 6
    for suggestion, trial in zip(raw, study.trials, strict=True):
        params = MIXED.from_unit(suggestion.x)
        assert params["c"] in ("a", "b", "c") and 1 <= params["n"] <= 6
        np.testing.assert_array_equal(trial.x, MIXED.snap(suggestion.x))
        if suggestion.info["phase"] == "bo":  # the GP maximizes over the values really evaluated
            np.testing.assert_array_equal(MIXED.snap(suggestion.x), suggestion.x)


def test_integer_proposals_sit_on_bin_centres():
    space = SearchSpace([Int("units", 1, 20), Int("batch", 1, 1024, log=True)])
    study = Study(space, "bo", seed=0, optimizer_settings=FAST)
    raw = spy_on_asks(study)
    study.run(lambda p: (p["units"] - 7) ** 2 + (np.log2(p["batch"]) - 5) ** 2, n_trials=6)
    bo = [s for s in raw if s.info["phase"] == "bo"]
    assert len(bo) == 3
    for suggestion in bo:
        np.testing.assert_array_equal(space.snap(suggestion.x), suggestion.x)


def test_thompson_sampling_works_with_categoricals():
    study = run_bo(MIXED, mixed_loss, 4, seed=0, acquisition="thompson")
    assert study.trials[-1].user_attrs["phase"] == "bo"


def test_sample_paths_work_with_categoricals(mixed_study):
    view = mixed_study[0].optimizer.surrogate()
    grid = np.array([MIXED.to_unit(p) for p in MIXED.sample(10, rng=0)])
    assert view.sample_paths(grid, n_samples=3).shape == (3, 10)
    # A joint sample at repeated points needs jitter; linear_operator's warning reached notebooks.
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert view.sample_paths(np.repeat(grid[:1], 50, axis=0), n_samples=3).shape == (3, 50)


# -- 9. a failing fit falls back, never crashes ---------------------------------------------------------------
def test_a_failing_fit_falls_back_and_is_reported(monkeypatch):
    def broken(model, options):
        raise RuntimeError("cholesky exploded")

    monkeypatch.setattr(bayes_model, "_fit", broken)
    study = run_bo(LINE, quad, 6, seed=0)
    assert all(t.state is TrialState.COMPLETE for t in study.trials)
    bo = [t for t in study.trials if t.user_attrs["phase"] == "bo"]
    assert len(bo) == 3
    assert bo[0].user_attrs["gp_fit"] == "fallback: prior"
    assert bo[1].user_attrs["gp_fit"] == "fallback: last good hyperparameters"
    for trial in bo:
        assert trial.user_attrs["gp_fit"].startswith("fallback")
        assert "RuntimeError: cholesky exploded" in trial.user_attrs["gp_fit_error"]
        assert -2.0 <= trial.params["x"] <= 2.0
    view = study.optimizer.surrogate()
    assert view.hyperparameters.fit_status.startswith("fallback")
    assert np.all(np.isfinite(view.predict(unit_grid(11, 1)).mean))


def test_warm_fits_get_fewer_iterations_only_above_200_points():
    assert bayes_model.warm_options(200) == bayes_model.WARM_OPTIONS
    assert bayes_model.warm_options(400)["maxiter"] == 12 and bayes_model.warm_options(2000)["maxiter"] == 8


def test_a_failed_warm_start_is_retried_from_defaults(monkeypatch):
    study = run_bo(LINE, quad, 5, seed=0, noise="fixed")  # one noise model: one fit per attempt
    real_fit, calls = bayes_model._fit, []

    def fails_once(model, options):
        calls.append(options)
        if len(calls) == 1:
            raise FloatingPointError("the fit produced non-finite hyperparameters")
        return real_fit(model, options)

    monkeypatch.setattr(bayes_model, "_fit", fails_once)
    trial = study.ask()
    assert calls == [bayes_model.WARM_OPTIONS, bayes_model.COLD_OPTIONS]
    assert trial.user_attrs["gp_fit"] == "cold"
    assert trial.user_attrs["gp_fit_error"].startswith("warm start: FloatingPointError")


# -- 10. replay -----------------------------------------------------------------------------------------------
def test_a_reloaded_study_proposes_the_same_next_point(tmp_path):
    path = tmp_path / "study.jsonl"
    study = Study(PLANE, "sobol", seed=3, storage=path)
    study.run(bowl, n_trials=2)
    study.switch_optimizer("bo", **FAST)
    study.add_manual({"x0": 0.0, "x1": 0.0}, bowl({"x0": 0.0, "x1": 0.0}))
    study.run(bowl, n_trials=4)
    study.tell(study.ask(), state="FAILED")
    study.run(bowl, n_trials=4)
    assert len(study.trials) == 12
    copy = tmp_path / "copy.jsonl"  # each study appends to its own journal
    shutil.copy(path, copy)
    loaded = Study.load(copy)
    assert loaded.trials[-1].user_attrs["gp_state"] == study.trials[-1].user_attrs["gp_state"]
    resumed, original = loaded.ask(), study.ask()
    np.testing.assert_array_equal(resumed.x, original.x)
    assert resumed.user_attrs["gp_state"] == original.user_attrs["gp_state"]


def test_a_reloaded_study_proposes_the_same_next_point_after_a_failed_trial(tmp_path):
    path = tmp_path / "study.jsonl"
    study = Study(PLANE, "bo", seed=3, storage=path, optimizer_settings=FAST)
    study.run(bowl, n_trials=6)
    study.tell(study.ask(), state="FAILED")  # e.g. the objective crashed
    copy = tmp_path / "copy.jsonl"
    shutil.copy(path, copy)
    resumed, original = Study.load(copy).ask(), study.ask()
    np.testing.assert_array_equal(resumed.x, original.x)
    assert resumed.user_attrs["gp_state"] == original.user_attrs["gp_state"]


@pytest.mark.parametrize("completed_first", [False, True])
def test_a_reloaded_study_proposes_the_same_next_point_after_a_configuration_failed_and_completed(
        tmp_path, completed_first):
    """Which failures the GP fits is decided when its data are built, from the trials told: a
    journal replays them in the same order, and proposes as the live run did."""
    def flaky(params):
        raise RuntimeError("flaky")

    path = tmp_path / "study.jsonl"
    study = Study(PLANE, "bo", seed=3, storage=path, optimizer_settings=FAST)
    study.run(bowl, n_trials=4)
    repeat = study.trials[-1].params   # a GP proposal, run twice more
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # the failure's own warning
        for objective in ([bowl, flaky] if completed_first else [flaky, bowl]):
            study.enqueue(repeat)
            study.step(objective)
    study.run(bowl, n_trials=1)
    copy = tmp_path / "copy.jsonl"
    shutil.copy(path, copy)
    resumed, original = Study.load(copy).ask(), study.ask()
    np.testing.assert_array_equal(resumed.x, original.x)
    assert resumed.user_attrs["gp_state"] == original.user_attrs["gp_state"]


def test_past_beliefs_are_rebuilt_exactly_from_the_recorded_state():
    """The step slider: the belief behind trial k, rebuilt without fitting, is the one that proposed it."""
    study = Study(LINE, "bo", seed=0, optimizer_settings=FAST)
    grid = unit_grid(50, 1)
    seen = {}
    for k in range(8):
        view = study.optimizer.surrogate()  # what the optimizer believes as it proposes trial k
        if k >= 3:
            seen[k] = (view, view.predict(grid))
        study.step(quad)
    study.add_manual({"x": 0.0}, quad({"x": 0.0}))
    for k, (view, then) in seen.items():
        now = view.predict(grid)  # a snapshot does not move when the study does
        np.testing.assert_array_equal(now.mean, then.mean)
        np.testing.assert_array_equal(now.std, then.std)
        restored = study.surrogate(step=k)
        assert restored.hyperparameters.fit_status == "restored"
        np.testing.assert_array_equal(restored.proposal, study.trials[k].x)
        np.testing.assert_array_equal(restored.X, view.X)
        again = restored.predict(grid)
        np.testing.assert_allclose(again.mean, then.mean, rtol=1e-9, atol=1e-12)
        np.testing.assert_allclose(again.std, then.std, rtol=1e-7, atol=1e-12)
        np.testing.assert_allclose(again.acquisition, then.acquisition, rtol=1e-7, atol=1e-12)


# -- 11. batches ----------------------------------------------------------------------------------------------
def test_ask_batch_proposes_distinct_pending_points_that_can_be_told():
    study = run_bo(PLANE, bowl, 5, seed=0)
    trials = study.ask_batch(3)
    X = np.array([t.x for t in trials])
    assert X.shape == (3, 2) and np.all((X >= 0) & (X <= 1))
    distances = np.linalg.norm(X[:, None] - X[None], axis=-1)[np.triu_indices(3, 1)]
    assert distances.min() > 1e-3
    assert all(t.state is TrialState.RUNNING and t.source == "bo" for t in trials)
    assert [t.user_attrs["acquisition"] for t in trials] == ["qlognei (batch)"] * 3
    assert len(study.optimizer.pending) == 3
    for trial in reversed(trials):  # in any order
        study.tell(trial, bowl(trial.params))
    assert not study.optimizer.pending
    assert len(study.optimizer.surrogate().X) == 8
    assert study.ask().user_attrs["phase"] == "bo"


def test_initial_batch_and_pending_asks_are_distinct():
    optimizer = GaussianProcessBO(PLANE, seed=0, **FAST)
    initial = np.array([s.x for s in optimizer.ask_batch(3)])
    assert len({tuple(x) for x in initial}) == 3
    study = run_bo(PLANE, bowl, 4, seed=0)
    running = [study.ask() for _ in range(3)]
    X = np.array([t.x for t in running])
    assert np.linalg.norm(X[:, None] - X[None], axis=-1)[np.triu_indices(3, 1)].min() > 1e-3
    assert [t.user_attrs["acquisition"] for t in running[1:]] == ["qlognei (pending points)"] * 2


# -- 12. every acquisition, its surface and posterior samples ---------------------------------------------------
@pytest.mark.parametrize("name", acq.ACQUISITIONS)
def test_every_acquisition_runs_and_draws_a_finite_surface(name):
    study = run_bo(PLANE, bowl, 5, seed=0, acquisition=name)
    assert [t.user_attrs["phase"] for t in study.trials] == ["initial"] * 3 + ["bo"] * 2
    assert all(t.user_attrs["acquisition"] == name for t in study.trials[3:])
    view = study.optimizer.surrogate()
    grid = unit_grid(7, 2)
    prediction = view.predict(grid)
    assert prediction.acquisition_name == name
    for array in (prediction.mean, prediction.std, prediction.noise_std, prediction.acquisition):
        assert array.shape == (49,)
        assert np.all(np.isfinite(array))
    assert np.all(prediction.std >= 0)


def test_thompson_surface_is_reproducible_and_leaves_the_global_rng_alone():
    study = run_bo(LINE, quad, 5, seed=0, acquisition="thompson")
    grid = unit_grid(41, 1)
    surfaces = []
    for global_seed in (1, 2):
        view = study.optimizer.surrogate()
        torch.manual_seed(global_seed)
        state = torch.get_rng_state()
        surfaces.append(view.predict(grid).acquisition)
        assert torch.equal(state, torch.get_rng_state())
    np.testing.assert_array_equal(surfaces[0], surfaces[1])


def test_sample_paths_have_the_right_shape_and_are_seeded(plane_study):
    view = plane_study.optimizer.surrogate()
    grid = unit_grid(5, 2)
    paths = view.sample_paths(grid, n_samples=50, seed=1)
    assert paths.shape == (50, 25) and np.all(np.isfinite(paths))
    np.testing.assert_array_equal(paths, view.sample_paths(grid, n_samples=50, seed=1))
    assert not np.array_equal(paths, view.sample_paths(grid, n_samples=50, seed=2))
    assert view.sample_paths(grid[:3], n_samples=4).shape == (4, 3)
    assert view.sample_paths(grid[0], n_samples=2).shape == (2, 1)


def test_sample_paths_average_to_the_posterior_mean(plane_study):
    view = plane_study.optimizer.surrogate()
    grid = unit_grid(5, 2)
    prediction = view.predict(grid)
    paths = view.sample_paths(grid, n_samples=2000, seed=1)
    error = np.abs(paths.mean(axis=0) - prediction.mean)
    assert np.all(error <= 5.0 * prediction.std / np.sqrt(2000) + 1e-6 * view.hyperparameters.signal_std)
    # Random features approximate the prior, so the spread is only roughly the posterior std.
    np.testing.assert_allclose(paths.std(axis=0), prediction.std, rtol=0.25, atol=0.02 * prediction.std.max())


def test_no_surrogate_before_two_complete_trials():
    study = Study(LINE, "bo", seed=0, optimizer_settings=FAST)
    assert study.optimizer.surrogate() is None
    study.step(quad)
    assert study.optimizer.surrogate() is None
    study.step(quad)
    assert isinstance(study.optimizer.surrogate(), SurrogateView)
    # By default 8 Sobol points up to 7-D, then d + 1 up to 10 (bayes.initial.initial_design_size, measured).
    assert [GaussianProcessBO(SearchSpace([Float(f"x{i}", 0, 1) for i in range(d)]), seed=0).initial_size
            for d in (1, 5, 8, 12)] == [8, 8, 9, 10]


def test_a_view_is_read_only(plane_study):
    view = plane_study.optimizer.surrogate()
    with pytest.raises(ValueError):
        view.X[0, 0] = 0.5
    with pytest.raises(ValueError):
        view.losses[0] = 0.0
    with pytest.raises(AttributeError):
        view.direction = Direction.MAXIMIZE


@pytest.mark.parametrize("cat_dims", [[], [1]], ids=["numeric", "mixed"])
def test_every_lengthscale_has_its_gamma_prior(cat_dims):
    """Numeric coordinates get LENGTHSCALE_PRIOR, categorical ones CATEGORICAL_PRIOR: without a
    prior the categorical lengthscale collapsed and categories stopped sharing what was learnt."""
    X = np.random.default_rng(0).random((6, 3))
    if cat_dims:
        X[:, 1] = np.where(X[:, 1] < 0.5, 0.25, 0.75)
    model = bayes_model.build_gp(X, np.arange(6.0), cat_dims, "matern", "learned")
    prior = model.covar_module.lengthscale_prior
    assert type(prior).__name__ == "GammaPrior"
    expected = [bayes_model.CATEGORICAL_PRIOR if i in cat_dims else bayes_model.LENGTHSCALE_PRIOR for i in range(3)]
    concentration = np.broadcast_to(prior.concentration.numpy(), (3,))
    rate = np.broadcast_to(prior.rate.numpy(), (3,))
    assert list(zip(concentration.tolist(), rate.tolist(), strict=True)) == expected


# -- 14. validation ---------------------------------------------------------------------------------------------------
BAD_SETTINGS = [
    ({"acquisition": "foo"},
     "`acquisition` of GaussianProcessBO must be one of ['logei', 'ei', 'pi', 'ucb', 'thompson', 'mes']; got 'foo'."),
    ({"beta": -1.0}, "`beta` of GaussianProcessBO must be a finite real number in [0.0, inf); got -1.0."),
    ({"beta": float("nan")}, "`beta` of GaussianProcessBO must be a finite real number in [0.0, inf); got nan."),
    ({"beta": True}, "`beta` of GaussianProcessBO must be a finite real number in [0.0, inf); got True."),
    ({"xi": -0.1}, "`xi` of GaussianProcessBO must be a finite real number in [0.0, inf); got -0.1."),
    ({"kernel": "linear"}, "`kernel` of GaussianProcessBO must be one of ['matern', 'rbf']; got 'linear'."),
    ({"noise": "none"}, "`noise` of GaussianProcessBO must be one of ['auto', 'learned', 'fixed']; got 'none'."),
    ({"output_warp": "log"},
     "`output_warp` of GaussianProcessBO must be one of ['rank-log', 'rank', 'none']; got 'log'. Did you mean "
     "'rank-log'?"),
    ({"n_initial": 0}, "`n_initial` of GaussianProcessBO must be an int in [1, inf); got 0."),
    ({"n_initial": 2.5}, "`n_initial` of GaussianProcessBO must be an int in [1, inf); got 2.5."),
    ({"num_restarts": 0}, "`num_restarts` of GaussianProcessBO must be an int in [1, 1000]; got 0."),
    ({"raw_samples": 0}, "`raw_samples` of GaussianProcessBO must be an int in [1, 1000000]; got 0."),
    ({"seed": "a"},
     "`seed` of GaussianProcessBO must be a non-negative int, a numpy.random.Generator or None; got 'a'."),
]


@pytest.mark.parametrize(("settings", "message"), BAD_SETTINGS, ids=[next(iter(s)) + "=" + repr(next(iter(s.values())))
                                                                      for s, _ in BAD_SETTINGS])
def test_bad_settings_raise_the_uniform_message(settings, message):
    with pytest.raises(InvalidParameterError) as error:
        GaussianProcessBO(LINE, **settings)
    assert str(error.value) == message
    with pytest.raises(InvalidParameterError) as from_study:  # the same text through a study
        Study(LINE, "bo", optimizer_settings=settings)
    # A seed among a study's settings is refused by the study itself: the study's `seed=` seeds it.
    assert str(from_study.value) == message if "seed" not in settings else \
        str(from_study.value).startswith("`optimizer_settings` of Study must be settings without 'seed'")


def test_bad_batch_size_and_space_raise():
    with pytest.raises(InvalidParameterError) as error:
        GaussianProcessBO(LINE, seed=0).ask_batch(0)
    assert str(error.value) == "`q` of GaussianProcessBO.ask_batch must be an int in [1, 128]; got 0."
    with pytest.raises(InvalidParameterError) as error:
        GaussianProcessBO("x")
    assert str(error.value) == "`space` of GaussianProcessBO must be a SearchSpace; got 'x'."


def test_auto_noise_compares_both_models_only_periodically_past_a_hundred_points(monkeypatch):
    rng = np.random.default_rng(0)
    X = rng.random((101, 2))
    y = np.sin(3 * X[:, 0]) + X[:, 1]
    first = fit_gp(X[:100], y[:100], [], "matern", "auto", None)
    calls = []
    real = bayes_model._fit_one
    monkeypatch.setattr(bayes_model, "_fit_one", lambda *args: calls.append(args[4]) or real(*args))
    again = fit_gp(X, y, [], "matern", "auto", first.state)  # 101 points: the last choice only
    assert calls == [first.noise] and again.noise == first.noise
    calls.clear()
    fit_gp(X[:100], y[:100], [], "matern", "auto", first.state)  # every tenth count: both again
    assert calls == ["fixed", "learned"]
