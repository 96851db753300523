"""Suite-wide pytest hooks.

After each test file, the objects still alive (the libraries its tests imported: torch,
botorch, matplotlib, scikit-learn; session fixtures) are moved out of the garbage collector's
way with ``gc.freeze()``: a full collection walked all of them again, hundreds of times in a
worker's run (56 s of the two workers' 365 s of CPU in ``make test``; 31 s with this). It runs
once the file's last test is over and the file's fixtures are let go (session ones live on), and
cycles unreachable by then are collected first: what a test leaves behind is not frozen, and its
finalizers run. pytest calls this hook for every item once this file is loaded, the notebooks'
cells and the package's doctests too: a notebook counts as a file.
"""

import gc

import pytest


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_protocol(item, nextitem):
    yield  # the test ran; its fixtures (and the file's, when the next test is in another) are let go
    if nextitem is None or nextitem.path != item.path:
        gc.collect()
        gc.freeze()
