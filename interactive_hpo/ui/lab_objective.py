"""The person's objective as the Lab's studies call it (:class:`PlainCall`)."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any

from .._validation import accepts_keyword

__all__ = ["PlainCall"]


class PlainCall:
    """``objective`` as the Lab's studies call it: without the ``space`` or ``direction`` it may
    declare, so that a study over an edited space still accepts an objective object declaring
    the original one; with its signature, so that the study's checks (a callable
    objective(params), a ``budget`` keyword where the optimizer schedules budgets) read it."""

    def __init__(self, objective: Callable[..., Any]):
        self.objective = objective
        try:
            self.__signature__: inspect.Signature | None = inspect.signature(objective)
        except (TypeError, ValueError):  # a builtin without one: this wrapper's own, which any call fits
            self.__signature__ = None

    def __call__(self, params: dict[str, Any], *, budget: float | None = None, report: Any = None) -> Any:
        kwargs: dict[str, Any] = {} if budget is None else {"budget": budget}
        if report is not None and accepts_keyword(self.objective, "report"):
            kwargs["report"] = report
        return self.objective(params, **kwargs)
