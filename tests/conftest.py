"""Suite-wide pytest hooks.

After each test file, the objects still alive (the libraries its tests imported: torch,
botorch, matplotlib, scikit-learn; session fixtures) are moved out of the garbage collector's
way with ``gc.freeze()``: a full collection walked all of them again, hundreds of times in a
worker's run (56 s of the two workers' 365 s of CPU in ``make test``; 31 s with this). It runs
once the file's last test is over and the file's fixtures are let go (session ones live on), and
cycles unreachable by then are collected first: what a test leaves behind is not frozen, and its
finalizers run. pytest calls this hook for every item once this file is loaded, the notebooks'
cells and the package's doctests too: a notebook counts as a file.

Each test leaves Ctrl-C (SIGINT) as it found it, its handler and the main thread's signal mask:
one that did not made every later Ctrl-C test of its worker fail far away ("DID NOT RAISE
KeyboardInterrupt", seen once in a run of both workers), with no clue of which test it was.
Tests that switch matplotlib's backend keep it with ``backend_kept``.
"""

import gc
import signal

import numpy as np
import pytest


@pytest.fixture(autouse=True)
def _ctrl_c_left_as_found():
    handler, blocked = signal.getsignal(signal.SIGINT), signal.SIGINT in signal.pthread_sigmask(signal.SIG_BLOCK, [])
    yield
    now = signal.getsignal(signal.SIGINT), signal.SIGINT in signal.pthread_sigmask(signal.SIG_BLOCK, [])
    assert now == (handler, blocked), f"this test left SIGINT's (handler, blocked) at {now}, not {(handler, blocked)}"


@pytest.fixture
def backend_kept():
    """Puts matplotlib's backend back after the test. Importing ipympl makes it the process's
    backend, so the backend must be read before the test imports it: a test that read it after
    ``pytest.importorskip("ipympl")`` "restored" ipympl, every Lab a later test of the same worker
    built got ipympl canvases, and a test of the Lab's clicks failed in CI, depending on which test
    files pytest-xdist put together."""
    import matplotlib

    before = matplotlib.get_backend()
    yield
    import matplotlib.pyplot as plt

    plt.close("all")
    plt.switch_backend(before)


@pytest.fixture
def home(tmp_path, monkeypatch):
    """A HOME of the test's own, ``tmp_path / "home"`` (returned), and the working folder
    ``tmp_path / "work"`` beside it: a path typed with ``~`` must land in the one, and make no
    folder named ``~`` in the other."""
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    (tmp_path / "home").mkdir()
    (tmp_path / "work").mkdir()
    monkeypatch.chdir(tmp_path / "work")
    return tmp_path / "home"


@pytest.fixture(scope="session")
def warped_gp_study():
    """A maximized study on the unit square of 10 manual scores near 0.97, one of them 0.19 (an
    outlier the output warp squeezes), whose "bo" GP (the default rank-log warp) is fitted by
    ``study.surrogate()``: the surrogate view's and the Model tab's tests share it; read-only."""
    pytest.importorskip("botorch")
    from interactive_hpo import Float, SearchSpace, Study

    study = Study(SearchSpace([Float("x", 0.0, 1.0), Float("y", 0.0, 1.0)]), "bo", seed=0, direction="maximize")
    for i, (x, y) in enumerate(np.random.default_rng(0).random((10, 2))):
        score = 0.19 if i == 3 else 0.97 - 0.04 * ((x - 0.3) ** 2 + (y - 0.6) ** 2)
        study.add_manual({"x": float(x), "y": float(y)}, float(score))
    return study


class CountingPredictor:
    """A surrogate view's posterior predictor that counts its evaluations (any other attribute
    is the wrapped predictor's)."""

    def __init__(self, predictor):
        self.predictor, self.calls = predictor, 0

    def __call__(self, points):
        self.calls += 1
        return self.predictor(points)

    def __getattr__(self, name):
        return getattr(self.predictor, name)


@pytest.fixture
def counted_warped_view(warped_gp_study):
    """``warped_gp_study``'s surrogate view, its predictor a :class:`CountingPredictor`
    (``view._predictor.calls``), counting from 0."""
    from dataclasses import replace

    view = warped_gp_study.surrogate()
    assert view.warp.kind == "rank-log"
    return replace(view, _predictor=CountingPredictor(view._predictor))


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_protocol(item, nextitem):
    yield  # the test ran; its fixtures (and the file's, when the next test is in another) are let go
    if nextitem is None or nextitem.path != item.path:
        gc.collect()
        gc.freeze()
