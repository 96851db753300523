"""The private third-party names in ``interactive_hpo/_compat.py`` still mean what we rely on.

One test per name. Each checks the behaviour our code needs, not only that the name exists, and
fails with the library, its installed version, the private name and what to do, so an upgrade
that moves or changes one of them breaks here, with a readable message, and not as a figure
that steals ``plt.plot()``, a proposal that differs from its plot, or a PBT run whose explore
step silently does nothing.
"""

from __future__ import annotations

import json
import math
import platform
import subprocess
import sys
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from importlib.metadata import version
from pathlib import Path

import numpy as np
import pytest

from interactive_hpo._compat import (
    CHECKED_AGAINST,
    botorch_ei_helpers,
    canvas_ready,
    executor_closed,
    executor_workers,
    figure_renderer,
    forget_figure,
    legend_placed_best,
    mlp_solver,
    pool_manager_thread,
    redraw_thompson_path,
    set_colorbar_extend,
)

ROOT = Path(__file__).resolve().parents[1]


def changed(library: str, name: str, what: str) -> str:
    """The failure message: which library, which private name, what broke, what to do."""
    installed = platform.python_version() if library == "python" else version(library)
    return (f"{library} {installed} changed the private `{name}` that interactive_hpo relies on (checked against "
            f"{library} {CHECKED_AGAINST[library]}): {what.rstrip('.')}. Find what replaced it in {library}'s "
            "source, update the function in interactive_hpo/_compat.py and CHECKED_AGAINST, then this test.")


def test_importing_compat_imports_no_third_party_library():
    heavy = ["torch", "botorch", "gpytorch", "matplotlib", "sklearn", "dask", "distributed"]
    code = (f"import json, sys\nimport interactive_hpo._compat\n"
            f"print(json.dumps([m for m in {heavy!r} if m in sys.modules]))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    loaded = json.loads(out.stdout)
    assert loaded == [], (f"`import interactive_hpo._compat` imported {loaded}: _compat is in the bottom layer, so "
                          "each function must import its library inside the function")


# -- matplotlib: _pylab_helpers.Gcf.figs and the manager's _cidgcf ---------------------------------------------


def test_forget_figure_takes_a_figure_out_of_pyplot_for_good():
    matplotlib = pytest.importorskip("matplotlib")
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib._pylab_helpers import Gcf
    from matplotlib.backend_bases import MouseEvent

    fig = plt.figure()
    manager = fig.canvas.manager
    try:
        assert Gcf.figs.get(fig.number) is manager, changed(
            "matplotlib", "matplotlib._pylab_helpers.Gcf.figs",
            "it is no longer a dict of pyplot's figure managers keyed by figure number")
        assert isinstance(getattr(manager, "_cidgcf", None), int), changed(
            "matplotlib", "FigureManagerBase._cidgcf",
            "a pyplot figure's manager no longer holds the id of the click handler that makes it current")
        forget_figure(fig)
        assert fig.number not in plt.get_fignums(), changed(
            "matplotlib", "matplotlib._pylab_helpers.Gcf.figs", "removing a figure from it no longer lets pyplot go")
        assert plt.gcf() is not fig
        plt.close(plt.gcf())
        # A click on the canvas must not make it pyplot's current figure again.
        click = MouseEvent("button_press_event", fig.canvas, 10, 10, button=1)
        fig.canvas.callbacks.process("button_press_event", click)
        assert fig.number not in plt.get_fignums(), changed(
            "matplotlib", "FigureManagerBase._cidgcf",
            "after forget_figure a click on the canvas makes the figure pyplot's current one again")
        fig.canvas.draw()  # forgotten by pyplot, still drawable
    finally:
        plt.close(fig)


@pytest.mark.filterwarnings("ignore::DeprecationWarning")  # ipympl's own Toolbar, built by its manager
def test_figure_renderer_is_the_renderer_constrained_layout_measures_with():
    from matplotlib.backends.backend_agg import FigureCanvasAgg, RendererAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(3, 2), dpi=100)
    FigureCanvasAgg(fig)
    renderer = figure_renderer(fig)
    assert isinstance(renderer, RendererAgg) and (renderer.width, renderer.height) == (300, 200), \
        changed("matplotlib", "Figure._get_renderer", "it no longer gives the canvas's Agg renderer")


def test_legend_placed_best_reads_whether_a_legend_searches_its_place():
    from matplotlib.figure import Figure

    ax = Figure().subplots()
    ax.plot([0, 1], label="a")
    placed = [legend_placed_best(ax.legend(loc=loc)) for loc in ("best", "upper left", (0.5, 0.5))]
    assert placed == [True, False, False], changed("matplotlib", "Legend._loc", "it no longer holds 0 for 'best'")


def test_canvas_ready_follows_the_browser_views_initialized_message(backend_kept):
    pytest.importorskip("ipympl")
    from ipympl.backend_nbagg import Canvas, FigureManager
    from matplotlib.figure import Figure

    canvas = Canvas(Figure(figsize=(2, 2)))
    FigureManager(canvas, 1)  # the view's messages go through the manager
    assert getattr(canvas, "syncing_data_url", None) is True and not canvas_ready(canvas), changed(
        "ipympl", "Canvas.syncing_data_url", "a new canvas no longer says it is waiting for its browser view")
    canvas._handle_message(canvas, {"type": "initialized"}, [])
    assert canvas_ready(canvas), changed(
        "ipympl", "Canvas.syncing_data_url", "the view's 'initialized' message no longer clears it")


def test_set_colorbar_extend_adds_and_removes_the_arrow_of_an_existing_colour_bar():
    matplotlib = pytest.importorskip("matplotlib")
    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    fig = Figure()
    ax = fig.add_subplot()
    image = ax.pcolormesh(np.arange(4.0).reshape(2, 2))
    colorbar = fig.colorbar(image, ax=ax)
    what = "setting it (with `extend`) on a made colour bar no longer draws or removes the arrows"
    for extend, arrows in (("min", 1), ("both", 2), ("neither", 0)):
        set_colorbar_extend(colorbar, extend)
        image.set_clim(1.0, 3.0)
        colorbar.update_normal(image)
        fig.draw_without_rendering()
        assert len(colorbar._extend_patches) == arrows, changed("matplotlib", "Colorbar._inside", what)
        # The bar still spans the colour limits inside its arrows.
        assert (colorbar.vmin, colorbar.vmax) == (1.0, 3.0), changed("matplotlib", "Colorbar._inside", what)


# -- BoTorch: analytic._ei_helper / _log_ei_helper and PathwiseThompsonSampling.batch_size ---------------------


def reference_log_ei(z: np.ndarray) -> np.ndarray:
    """``log(phi(z) + z Phi(z))`` in closed form via erfcx: no underflow for z down to about -1e3."""
    from scipy.special import erfcx

    return -z**2 / 2 + np.log(1 / math.sqrt(2 * math.pi) + z / 2 * erfcx(-z / math.sqrt(2)))


def test_botorch_ei_helpers_are_the_standard_normal_ei_and_its_stable_log():
    torch = pytest.importorskip("torch")
    pytest.importorskip("botorch")
    from scipy.stats import norm

    ei_helper, log_ei_helper = botorch_ei_helpers()
    z = np.array([-8.0, -2.0, -0.5, 0.0, 0.5, 2.0, 8.0])
    expected = norm.pdf(z) + z * norm.cdf(z)
    got = ei_helper(torch.as_tensor(z, dtype=torch.float64)).numpy()
    assert np.allclose(got, expected, rtol=1e-9, atol=0), changed(
        "botorch", "botorch.acquisition.analytic._ei_helper", f"it no longer computes phi(z) + z Phi(z): {got}")

    tail = np.array([-30.0, -8.0, -2.0, -0.5, 0.0, 0.5, 2.0, 8.0])
    u = torch.as_tensor(tail, dtype=torch.float64).requires_grad_(True)
    log_ei = log_ei_helper(u)
    (gradient,) = torch.autograd.grad(log_ei.sum(), u)
    assert np.allclose(log_ei.detach().numpy(), reference_log_ei(tail), rtol=1e-9, atol=0), changed(
        "botorch", "botorch.acquisition.analytic._log_ei_helper",
        f"it no longer computes log(phi(z) + z Phi(z)) into the lower tail: {log_ei.detach().numpy()}")
    # d/dz log EI(z) = Phi(z) / EI(z): the gradients the acquisition's optimizer follows in the far tail.
    slope = norm.cdf(tail) / np.exp(reference_log_ei(tail))
    assert np.allclose(gradient.numpy(), slope, rtol=1e-6, atol=0), changed(
        "botorch", "botorch.acquisition.analytic._log_ei_helper", f"its gradient is not Phi(z) / EI(z): {gradient}")


def test_redraw_thompson_path_draws_one_seeded_path_that_later_forwards_evaluate():
    torch = pytest.importorskip("torch")
    pytest.importorskip("botorch")
    from botorch.acquisition.thompson_sampling import PathwiseThompsonSampling
    from botorch.models import SingleTaskGP

    generator = torch.Generator().manual_seed(0)
    X = torch.rand(6, 2, generator=generator, dtype=torch.float64)
    model = SingleTaskGP(X, (X**2).sum(-1, keepdim=True)).eval()
    grid = torch.rand(7, 1, 2, generator=generator, dtype=torch.float64)  # 7 batches of one point (q = 1)

    def drawn(seed: int):
        thompson = PathwiseThompsonSampling(model)
        torch.manual_seed(seed)
        redraw_thompson_path(thompson)
        return thompson

    name = "PathwiseThompsonSampling.batch_size"
    first = drawn(0)
    assert first.samples is not None and first.samples(X).shape[0] == 1, changed(
        "botorch", "PathwiseThompsonSampling.redraw", "redraw(batch_size=1) no longer draws one sample path")
    try:
        values = first(grid)
    except ValueError as error:  # BoTorch compares each forward pass with the batch size it drew for
        raise AssertionError(changed("botorch", name, f"setting it before redraw no longer satisfies forward: {error}")
                             ) from error
    assert values.shape == (7,)
    assert torch.equal(first(grid), values), changed(
        "botorch", name, "a forward pass no longer evaluates the path drawn by redraw (it drew another)")
    assert torch.equal(drawn(0)(grid), values), changed(
        "botorch", "PathwiseThompsonSampling.redraw", "the path is no longer drawn from torch's global seeded RNG")
    assert not torch.equal(drawn(1)(grid), values)


# -- Python: concurrent.futures executors' _max_workers ----------------------------------------------------------


def test_executor_workers_reads_the_size_of_standard_executors():
    with ThreadPoolExecutor(max_workers=3) as threads, ProcessPoolExecutor(max_workers=2) as processes:
        for executor, size in ((threads, 3), (processes, 2)):
            assert executor_workers(executor) == size, changed(
                "python", f"{type(executor).__name__}._max_workers",
                f"it no longer holds max_workers={size}: {executor_workers(executor)!r}")
    assert executor_workers(object()) is None  # an executor that does not say: the caller decides


def test_executor_closed_tells_a_shut_down_or_broken_standard_pool():
    import os

    for pool in (ThreadPoolExecutor(1), ProcessPoolExecutor(1)):
        name = f"{type(pool).__name__}._shutdown{'_thread' if isinstance(pool, ProcessPoolExecutor) else ''}"
        assert executor_closed(pool) is None, changed("python", name, "an open pool reads as closed")
        pool.shutdown()
        assert executor_closed(pool) == "shut down", changed(
            "python", name, f"shutdown() no longer sets it: {executor_closed(pool)!r}")
    broken = ProcessPoolExecutor(1)
    try:
        broken.submit(os._exit, 1).exception()  # its worker dies: the pool breaks
        assert (executor_closed(broken) or "").startswith("broken ("), changed(
            "python", "ProcessPoolExecutor._broken", f"a dead worker no longer sets it: {executor_closed(broken)!r}")
    finally:
        broken.shutdown()
    assert executor_closed(object()) is None  # an executor that cannot be asked: its submit tells


# -- scikit-learn: the MLP's cached _optimizer ------------------------------------------------------------------


@pytest.mark.parametrize(("solver", "settings"), [("sgd", ("learning_rate_init", "learning_rate", "momentum")),
                                                  ("adam", ("learning_rate_init", "learning_rate"))])
def test_mlp_solver_is_the_cached_solver_whose_learning_rate_partial_fit_reads(solver, settings):
    pytest.importorskip("sklearn")
    from sklearn.neural_network import MLPClassifier

    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(20, 3)), np.arange(20) % 2
    model = MLPClassifier(hidden_layer_sizes=(4,), solver=solver, learning_rate_init=0.01, random_state=0)
    assert mlp_solver(model) is None  # nothing to sync before the first fit
    model.partial_fit(X, y, classes=[0, 1])
    cached = mlp_solver(model)
    name = "MLPClassifier._optimizer"
    missing = [s for s in settings if not hasattr(cached, s)]
    assert cached is not None and not missing, changed(
        "scikit-learn", name, f"after partial_fit it is {cached!r}, without {missing}")
    assert cached.learning_rate_init == 0.01
    model.partial_fit(X, y)
    assert mlp_solver(model) is cached, changed(
        "scikit-learn", name, "partial_fit no longer keeps the solver it built; the sync may be unneeded")
    # A step size written into the cached solver is the one the next partial_fit takes: zero, no change.
    for setting in settings:
        setattr(cached, setting, 0.0)
    weights = [w.copy() for w in model.coefs_]
    model.partial_fit(X, y)
    assert all(np.array_equal(w, v) for w, v in zip(weights, model.coefs_, strict=True)), changed(
        "scikit-learn", name, f"partial_fit no longer reads {settings} from it")


def test_the_fused_ehvi_kernel_is_not_compiled():
    """BoTorch's ``multi_objective.logei`` keeps ``_C`` and ``_load_attempted`` (checked with 0.18.1):
    if this fails, find how BoTorch now loads its fused log-EHVI kernel and keep "ehvi" off the
    compile (a minute at the first proposal, and machine-specific bits)."""
    pytest.importorskip("botorch")
    from botorch.acquisition.multi_objective import logei

    from interactive_hpo._compat import without_fused_ehvi_kernel

    assert hasattr(logei, "_C") and hasattr(logei, "_load_attempted"), "botorch.acquisition.multi_objective.logei"
    without_fused_ehvi_kernel()
    assert logei._load_attempted or logei._C is not None


def test_pool_manager_thread_is_the_thread_that_winds_a_process_pool_down():
    import threading

    pool = ProcessPoolExecutor(1)
    try:
        pool.submit(int, 1).result()  # the manager thread starts with the first task
        manager = pool_manager_thread(pool)
        assert isinstance(manager, threading.Thread) and manager.is_alive(), changed(
            "python", "ProcessPoolExecutor._executor_manager_thread", f"not the pool's live thread: {manager!r}")
    finally:
        pool.shutdown(wait=False)
    manager.join(timeout=10)
    assert not manager.is_alive(), changed("python", "ProcessPoolExecutor._executor_manager_thread",
                                           "it does not end once the pool is shut down")
    assert pool_manager_thread(ThreadPoolExecutor(1)) is None
