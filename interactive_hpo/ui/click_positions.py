"""Where a click on a plot of the search space lands, checked before it becomes a trial.

A position given from code (``PopulationPanel.click``, ``SurrogatePanel.params_at``) beyond a
parameter's range is refused, as ``Lab.evaluate`` refuses such a value: it used to be moved to
the nearest bound silently and recorded there as a manual trial (x0=20 on Branin's [-5, 10]
became 10). Only a mouse press keeps to the range (``clamp=True``): the axes draw a margin past
the last level (half a heatmap cell, matplotlib's padding around a population), and a press
there means the edge.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .._validation import check_real, fail
from ..plots.search_axes import axis_span as span_on_plot
from ..space import SearchSpace

__all__ = ["axis_span", "checked_positions"]


def axis_span(space: SearchSpace, name: str) -> tuple[float, float]:
    """The positions on parameter ``name``'s plot axis that stand for one of its values: its
    range for a float; for an int its values, each the centre of a bin one wide; for a
    categorical its choices' indices, likewise (the axis draws choice ``i`` at ``i``). The span
    the plots show (:func:`~interactive_hpo.plots.search_axes.axis_span`), so that a press
    anywhere on a plot is a position taken.

    >>> from interactive_hpo import Categorical, Int, SearchSpace
    >>> space = SearchSpace([Int("n", 1, 5), Categorical("k", ["a", "b", "c"])])
    >>> axis_span(space, "n"), axis_span(space, "k")
    ((0.5, 5.5), (-0.5, 2.5))
    """
    return span_on_plot(space.axis(name, resolution=2))  # the ends are all it reads (and every choice)


def checked_positions(space: SearchSpace, positions: Mapping[str, Any], owner: str, *,
                      clamp: bool = False) -> dict[str, float]:
    """``positions`` (parameter name to a position on its plot axis; names already checked to be
    ``space``'s) as floats within :func:`axis_span`; a position outside is refused naming the
    parameter, its span and the value, or with ``clamp`` (a mouse press in the margin) taken to
    the nearest end.

    >>> from interactive_hpo import Float, SearchSpace
    >>> space = SearchSpace([Float("x", -5.0, 10.0)])
    >>> checked_positions(space, {"x": 10.4}, "press", clamp=True)
    {'x': 10.0}
    >>> checked_positions(space, {"x": 20.0}, "click")  # doctest: +IGNORE_EXCEPTION_DETAIL
    Traceback (most recent call last):
    ...
    InvalidParameterError: `positions['x']` of click must be a position on x's axis in [-5, 10] (x's range); got 20.0.
    """
    out = {}
    for name, position in positions.items():
        argument = f"positions[{name!r}]"
        value = check_real(position, argument, owner)
        low, high = axis_span(space, name)
        if clamp:
            value = min(max(value, low), high)
        elif not low <= value <= high:
            param: Any = space[name]
            meaning = f"{name}'s range" if param.kind == "float" else \
                f"{name}'s values {param.low} to {param.high}, half a step either side" if param.kind == "int" else \
                f"the indices 0 to {len(param.choices) - 1} of {name}'s choices, half a step either side"
            raise fail(argument, owner, f"a position on {name}'s axis in [{low:g}, {high:g}] ({meaning})", position)
        out[name] = value
    return out
