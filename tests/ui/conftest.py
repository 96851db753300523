"""Fixtures the Lab's tests share."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="module")
def one_torch_thread():
    """Small GPs gain nothing from threads, and oversubscribed threads make torch 5-20x slower
    when anything else runs on the machine (DESIGN.md section 9); restored afterwards. Modules
    that fit GPs use it with ``pytestmark = pytest.mark.usefixtures("one_torch_thread")``."""
    torch = pytest.importorskip("torch")
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)
