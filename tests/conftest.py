"""Suite-wide pytest hooks.

After each test file, the objects still alive (the libraries its tests imported: torch,
botorch, matplotlib, scikit-learn; session fixtures) are moved out of the garbage collector's
way with ``gc.freeze()``: a full collection walked all of them again, hundreds of times in a
worker's run (56 s of the two workers' 365 s of CPU in ``make test``; 31 s with this). Cycles
still unreachable at a file's end are collected first, so nothing a test leaves behind is kept.
"""

import gc

import pytest


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_teardown(item, nextitem):
    yield  # the file's fixtures are finalized in here, when the next test is in another file
    if nextitem is None or nextitem.path != item.path:
        gc.collect()
        gc.freeze()
