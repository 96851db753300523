"""Figures from plain data: functions take ``interactive_hpo.views`` records and optional Axes."""

from .surrogate import axis_positions, plot_surrogate_1d, plot_surrogate_2d

__all__ = ["axis_positions", "plot_surrogate_1d", "plot_surrogate_2d"]
