"""An objective that a Ctrl-C cuts short, shared by the tests of what an interrupt keeps."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


class Interrupting:
    """``objective``, but its ``at``-th call (counting from 1) raises KeyboardInterrupt, as Ctrl-C does."""

    def __init__(self, objective: Callable[[dict[str, Any]], Any], at: int):
        self.objective, self.at, self.calls = objective, at, 0

    def __call__(self, params: dict[str, Any]) -> Any:
        self.calls += 1
        if self.calls == self.at:
            raise KeyboardInterrupt
        return self.objective(params)
