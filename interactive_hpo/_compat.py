"""Every private third-party name this package relies on, in one place.

Each function below reaches one name that its library does not promise to keep (a leading
underscore, or an attribute its own code pokes), says why we need it, and gives the version it
was checked against (:data:`CHECKED_AGAINST`). Each has a test in ``tests/test_compat.py`` that
fails with the library's name, the private name and what to do when an upgrade removes or
changes it, so an upgrade breaks one test here instead of a figure, a proposal or a PBT run.

This module sits in the bottom layer: importing it imports no third-party package. Every
function imports its library when it is called, and only callers that already use that library
call it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

__all__ = ["CHECKED_AGAINST", "botorch_ei_helpers", "canvas_ready", "executor_closed", "executor_workers",
           "figure_renderer", "forget_figure", "legend_placed_best", "mlp_solver", "pool_manager_thread",
           "redraw_thompson_path", "set_colorbar_extend", "without_fused_ehvi_kernel"]

#: The versions the private names below were last checked against (``tests/test_compat.py``).
CHECKED_AGAINST = {"matplotlib": "3.11.2", "botorch": "0.18.1", "scikit-learn": "1.9.1", "python": "3.11.7",
                   "ipympl": "0.10.0"}


def forget_figure(figure: Any) -> None:
    """Take a pyplot figure out of pyplot's registry, so pyplot never makes it current again.

    Reaches ``matplotlib._pylab_helpers.Gcf.figs`` (pyplot's figures by number) and the figure
    manager's ``_cidgcf`` (the click handler that makes a figure current). Checked with
    matplotlib 3.11.2. pyplot has no public way to let go of a figure without closing it, and
    closing the ipympl canvas would take it off the page; ipympl's own non-interactive
    ``show()`` does the same two steps.

    Parameters
    ----------
    figure : matplotlib.figure.Figure
        A figure made by ``plt.figure()``, so with a manager; it stays drawable and on screen.
    """
    from matplotlib._pylab_helpers import Gcf

    manager = figure.canvas.manager
    if hasattr(manager, "_cidgcf"):  # clicking the canvas would make it current again
        figure.canvas.mpl_disconnect(manager._cidgcf)
    Gcf.figs.pop(manager.num, None)


def figure_renderer(figure: Any) -> Any:
    """The renderer a draw of ``figure`` measures text and legends with.

    Reaches ``Figure._get_renderer``, which ``ConstrainedLayoutEngine.execute`` itself calls to
    measure; checked with matplotlib 3.11.2. The layout cache (``plots.layout``) measures how far
    a legend or a title reaches past its Axes before deciding whether to lay out again, and must
    measure as the layout would (a canvas's public ``get_renderer`` exists on Agg canvases only).

    Parameters
    ----------
    figure : matplotlib.figure.Figure
    """
    return figure._get_renderer()


def legend_placed_best(legend: Any) -> bool:
    """Whether ``legend`` is placed by ``loc="best"`` (searched for at each draw).

    Reads the private ``Legend._loc`` (0 for "best"; a code or a position otherwise), checked
    with matplotlib 3.11.2: matplotlib has ``set_loc`` but no public getter. Without the
    attribute (a future matplotlib), every legend counts as "best", the layout cache's safe side
    (it then keys such a legend by its number of entries).

    Parameters
    ----------
    legend : matplotlib.legend.Legend
    """
    return getattr(legend, "_loc", 0) == 0


def set_colorbar_extend(colorbar: Any, extend: str) -> None:
    """Give an existing colour bar an arrow at its low end, its high end, both or neither.

    Sets the colour bar's ``extend`` and the private ``_inside`` (which of its boundaries lie
    inside the bar; the arrows take the others), as ``Colorbar.__init__`` does; checked with
    matplotlib 3.11.2. matplotlib takes ``extend`` only when a colour bar is made, and the
    acquisition map's bar, made once and updated in place, needs an arrow for a log-scale
    acquisition (its lowest values clipped) and none for the others. The caller then calls
    ``colorbar.update_normal``, which redraws the bar with its arrows.

    Parameters
    ----------
    colorbar : matplotlib.colorbar.Colorbar
    extend : {"neither", "min", "max", "both"}
    """
    colorbar.extend = extend
    colorbar._inside = {"neither": slice(0, None), "both": slice(1, -1), "min": slice(1, None),
                        "max": slice(0, -1)}[extend]


def botorch_ei_helpers() -> tuple[Callable[[Any], Any], Callable[[Any], Any]]:
    """BoTorch's ``_ei_helper`` and ``_log_ei_helper``: EI and log-EI of a standard normal.

    ``_ei_helper(z)`` is ``phi(z) + z Phi(z)`` and ``_log_ei_helper(z)`` its logarithm,
    computed stably (with usable gradients) far into the lower tail (Ament et al., 2023); both
    from ``botorch.acquisition.analytic``, checked with BoTorch 0.18.1. The closed-form
    acquisitions use them so that what a plot draws is exactly what BoTorch's
    ``ExpectedImprovement``/``LogExpectedImprovement`` compute, without those classes' posterior
    call (see ``optimizers/bayes/acquisition.py``).

    Returns
    -------
    ei_helper, log_ei_helper : callable
        Functions of a float64 or float32 tensor ``z``, elementwise.
    """
    from botorch.acquisition.analytic import _ei_helper, _log_ei_helper

    return _ei_helper, _log_ei_helper


def redraw_thompson_path(thompson: Any) -> None:
    """Draw the one posterior sample path a ``PathwiseThompsonSampling`` will evaluate, now.

    Sets its ``batch_size`` attribute to 1 before calling ``redraw(batch_size=1)``: BoTorch
    records the batch size only when its first forward pass draws the path, and checks every
    later forward pass against it, so a path drawn by ``redraw`` alone is refused ("was None,
    now 1"). Drawing here rather than at the first forward pass puts the draw under the caller's
    seeded RNG, so a plot shows the very path the proposal optimized. Checked with BoTorch 0.18.1.

    Parameters
    ----------
    thompson : botorch.acquisition.thompson_sampling.PathwiseThompsonSampling
        Freshly built; its forward passes then take one point per batch (``q = 1``).
    """
    thompson.batch_size = 1
    thompson.redraw(batch_size=1)


def without_fused_ehvi_kernel() -> None:
    """Keep BoTorch's log-EHVI acquisitions on their pure-torch path: never compile the fused kernel.

    BoTorch 0.18 compiles a C++ extension (``csrc/logei_fused.cpp``, with ``-march=native``) the
    first time a ``qLogExpectedHypervolumeImprovement`` or ``qLogNoisyExpectedHypervolumeImprovement``
    is built (``botorch.acquisition.multi_objective.logei._try_load_fused_kernel``): the first
    proposal of "ehvi" took 58 s here, it needs a C++ compiler, and a kernel built for one CPU may
    round differently from another's, so a journal replayed on another machine could propose
    other points. Marking the load as attempted (the module's ``_load_attempted``) while no
    kernel is loaded (``_C`` is None) leaves BoTorch on the torch code that computes the same
    quantity. Checked with BoTorch 0.18.1; a kernel the user loaded before is left in use.
    """
    from botorch.acquisition.multi_objective import logei

    if logei._C is None:
        logei._load_attempted = True


def canvas_ready(canvas: Any) -> bool:
    """Whether an ipympl canvas's view in the browser has started (sized itself), so that an
    image the kernel sends now is painted.

    Reads ipympl's ``Canvas.syncing_data_url``: True from creation until the browser's view
    sends its ``initialized`` message, then False (checked with ipympl 0.10.0). An image sent
    before then reaches the browser's model but not the view, which never sizes itself and stays
    blank; so until then a figure is redrawn on the browser's own request (``draw_idle``).

    Parameters
    ----------
    canvas : ipympl.backend_nbagg.Canvas
    """
    return getattr(canvas, "syncing_data_url", True) is False


def executor_workers(executor: Any) -> int | None:
    """How many tasks a ``concurrent.futures``-style executor runs at once, or None if unknown.

    Reads the executor's ``_max_workers``, which ``ThreadPoolExecutor`` and
    ``ProcessPoolExecutor`` set from their ``max_workers`` (their default when it was None) and
    do not expose otherwise (checked with Python 3.11.7). A parallel run uses it to keep that
    many trials in flight; executors without it (None) are sized by the caller's ``n_workers``.

    Parameters
    ----------
    executor : concurrent.futures.Executor or any object with ``submit``
    """
    return getattr(executor, "_max_workers", None)


def executor_closed(executor: Any) -> str | None:
    """Why a ``concurrent.futures`` thread or process pool takes no more tasks ("shut down", or
    "broken (...)" with the reason), or None when it takes them or is another kind of executor.

    Reads what their ``submit`` reads before it refuses a task: ``_broken`` (False, or why a
    worker's failure broke the pool) and ``_shutdown`` (``ThreadPoolExecutor``) or
    ``_shutdown_thread`` (``ProcessPoolExecutor``), which ``shutdown()`` sets; checked with
    Python 3.11.7. concurrent.futures has no public way to ask, and a parallel run must know
    before it asks its first trial: ``submit`` raised only after that trial was journaled FAILED.

    Parameters
    ----------
    executor : concurrent.futures.Executor or any object with ``submit``
    """
    import concurrent.futures as cf

    if isinstance(executor, cf.ThreadPoolExecutor):
        shut = executor._shutdown
    elif isinstance(executor, cf.ProcessPoolExecutor):
        shut = executor._shutdown_thread
    else:
        return None
    if executor._broken:
        return f"broken ({executor._broken})"
    return "shut down" if shut else None


def pool_manager_thread(executor: Any) -> Any:
    """The thread that winds a ``ProcessPoolExecutor`` down after ``shutdown(wait=False)``, or
    None for another executor (or one that never started a worker).

    Reads ``_executor_manager_thread``, checked with Python 3.11.7. Python 3.11's exit handler
    wakes each pool's manager thread without the lock that thread's closing takes, so a script
    that exits while one is still closing could print "Exception ignored in threading._shutdown
    ... Bad file descriptor" (once in seven runs of the suite's Ctrl-C test): a run that lets its
    pool go joins this thread briefly.

    Parameters
    ----------
    executor : concurrent.futures.Executor or any object with ``submit``
    """
    return getattr(executor, "_executor_manager_thread", None)


def mlp_solver(model: Any) -> Any:
    """The solver a scikit-learn ``MLPClassifier``/``MLPRegressor`` keeps between ``partial_fit`` calls.

    Reads the estimator's ``_optimizer``: an ``SGDOptimizer`` (with ``learning_rate_init``,
    ``learning_rate`` and ``momentum``) or an ``AdamOptimizer`` (``learning_rate_init``,
    ``learning_rate``) from ``sklearn.neural_network._stochastic_optimizers``, built at the first
    ``partial_fit`` and reused by later ones, which never read ``set_params`` changes to those
    settings (checked with scikit-learn 1.9.1). PBT writes a new learning rate or momentum into
    it (``objectives/incremental.py``).

    Parameters
    ----------
    model : estimator
        Any estimator; only a fitted scikit-learn MLP has a solver.

    Returns
    -------
    solver or None
        None before the first fit, and for estimators that keep no solver.
    """
    return getattr(model, "_optimizer", None)
