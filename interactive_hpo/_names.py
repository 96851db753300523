"""Which name a person meant: the "did you mean 'bo'?" hints of a refusal of a name they typed.

A name is matched but for case and separators ('CMA-ES', 'cma_es' and 'cmaes' are one), through
aliases (words people type for a name) and by the closest spelling. The hint only tells the name:
nothing is matched loosely on the person's behalf (:func:`close_name`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from difflib import get_close_matches
from typing import Any


def _folded(name: str) -> str:
    """``name`` without case or separators: 'CMA-ES', 'cma_es' and 'cmaes' are one."""
    return re.sub(r"[\s_-]", "", name).casefold()


def close_name(typed: Any, names: Iterable[Any], aliases: Mapping[str, str] | None = None) -> str | None:
    """The name among ``names`` (str) that ``typed`` most likely meant, or None: the one it is
    but for case and separators ('BO' is 'bo', 'cma-es' 'cmaes'), else the one an alias names
    (``aliases`` maps words people type to names: "bayesian" to "bo"), else the closest spelling
    of either (difflib's ratio of at least 0.6: 'baysian' is 'bayesian'). Names are not
    matched loosely for the caller: the person is told the name, and types it."""
    if not isinstance(typed, str) or not typed:
        return None
    by_fold = {_folded(name): name for name in names if isinstance(name, str)}
    by_fold.update({_folded(word): name for word, name in (aliases or {}).items()
                    if _folded(word) not in by_fold and name in by_fold.values()})
    close = get_close_matches(_folded(typed), list(by_fold), n=1)
    return by_fold[close[0]] if close else None


def did_you_mean(typed: Any, names: Iterable[Any], aliases: Mapping[str, str] | None = None) -> str | None:
    """"Did you mean 'bo'?" when ``typed`` is close to one of ``names`` (:func:`close_name`), else None:
    the hint of an unknown name's refusal."""
    close = close_name(typed, names, aliases)
    return None if close is None else f"Did you mean {close!r}?"


def unknown_names(unknown: Iterable[Any], names: Iterable[Any]) -> str:
    """The ``unknown`` names of a refusal, each with the one of ``names`` it likely meant:
    "'x_0' (did you mean 'x0'?), 'z'"."""
    names = list(names)
    return ", ".join(f"{name!r} (did you mean {close!r}?)" if (close := close_name(name, names)) else repr(name)
                     for name in unknown)
