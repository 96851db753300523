"""Whether an optimizer is being built from settings a journal recorded, not typed by a person now.

A rule a later version adds to an optimizer's settings refuses what a person types; a journal an
earlier version wrote, which that version accepted, still opens: an optimizer reads
:func:`from_recorded_settings` and warns instead (a scheduler with one rung, refused since
2026-12-07, loaded as "corrupted or edited by hand"). The study's replay builds its optimizers
:func:`recorded` (``study.replay``).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

__all__ = ["from_recorded_settings", "recorded"]

_RECORDED: ContextVar[bool] = ContextVar("interactive_hpo_recorded_settings", default=False)


@contextmanager
def recorded() -> Iterator[None]:
    """Within it, optimizers are built from settings a journal recorded."""
    token = _RECORDED.set(True)
    try:
        yield
    finally:
        _RECORDED.reset(token)


def from_recorded_settings() -> bool:
    """Whether the optimizer being built takes settings a journal recorded (:func:`recorded`)."""
    return _RECORDED.get()
