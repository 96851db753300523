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


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_protocol(item, nextitem):
    yield  # the test ran; its fixtures (and the file's, when the next test is in another) are let go
    if nextitem is None or nextitem.path != item.path:
        gc.collect()
        gc.freeze()
