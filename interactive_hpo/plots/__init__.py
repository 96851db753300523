"""Figures from plain data: functions take ``interactive_hpo.views`` records and optional Axes.

The one exception is the export (``export`` and ``export_frames``), which renders a whole
:class:`~interactive_hpo.study.Study` and so imports the study room (an exception written down
with its reason in tests/test_layers.py).

The classes (``SurrogateCurve``, ``SurrogateMaps``, ``BestSoFarPlot``, ``LineagePlot``,
``ParallelCoordinatesPlot``, ``PopulationPlot``) build their artists once and ``update`` them in place, which is
how the Lab redraws live; the ``plot_*`` functions draw one figure and return its Axes.

For figures of your own (and the Lab's panels, which may not reach into this room's underscore
modules: DESIGN.md section 1): ``integer_ticks`` ticks an axis that counts (trials, rounds) at
whole numbers only, ``wipe`` removes what was plotted on an Axes and keeps its set-up, and
:mod:`.layout` lays a figure out once for many draws (``CachedConstrainedLayout``) and draws it
once into a PNG (``drawn_png``).
"""

from . import _extra  # noqa: F401  (first: a missing extra is named)
from ._axes import integer_ticks, wipe
from .brackets import BracketsInfo, brackets_info, plot_brackets
from .curves import BudgetTraceInfo, CurvesInfo, budget_trace_info, curves_info, plot_budget_trace, plot_learning_curves
from .fidelity import RungsInfo, plot_rungs, rungs_info, stopped_configs
from .gradient import (
    TangentsInfo,
    plot_approximation_error,
    plot_hypergradient_tangents,
    plot_hyperparameter_path,
    plot_mode_costs,
    plot_online_learning_rate,
    tangents_info,
)
from .history import (
    BestSoFarPlot,
    ParallelCoordinatesPlot,
    best_so_far_info,
    parallel_coordinates_info,
    plot_best_so_far,
    plot_parallel_coordinates,
)
from .importance import plot_ablation, plot_importance, plot_quantile_importance
from .landscape import HeatmapInfo, heatmap_info, plot_landscape, plot_landscape_graph
from .landscape_compare import TrainTestInfo, plot_similarity, plot_train_test, train_test_info
from .landscape_trajectory import plot_trajectory, trajectory_info
from .lineage import LineagePlot, plot_lineage
from .pareto import ParetoInfo, pareto_info
from .pareto_plots import plot_hypervolume, plot_pareto_front
from .partial_dependence import plot_partial_dependence, plot_partial_dependence_2d
from .pbt import plot_pbt, plot_pbt_lineage, plot_pbt_schedule
from .pbt_scores import plot_pbt_scores
from .population import PopulationPlot, plot_population
from .search_axes import axis_positions, axis_to_unit
from .style import PROJECTOR, projector_style, use_projector_style
from .surrogate import SurrogateCurve, SurrogateMaps, plot_surrogate_1d, plot_surrogate_2d
from .workers import GanttInfo, compare_gantt, gantt_info, plot_gantt

__all__ = [
    "PROJECTOR",
    "BestSoFarPlot",
    "BracketsInfo",
    "BudgetTraceInfo",
    "CurvesInfo",
    "GanttInfo",
    "HeatmapInfo",
    "LineagePlot",
    "ParallelCoordinatesPlot",
    "ParetoInfo",
    "PopulationPlot",
    "RungsInfo",
    "SurrogateCurve",
    "SurrogateMaps",
    "TangentsInfo",
    "TrainTestInfo",
    "axis_positions",
    "axis_to_unit",
    "best_so_far_info",
    "brackets_info",
    "budget_trace_info",
    "compare_gantt",
    "curves_info",
    "gantt_info",
    "heatmap_info",
    "integer_ticks",
    "parallel_coordinates_info",
    "pareto_info",
    "plot_ablation",
    "plot_approximation_error",
    "plot_best_so_far",
    "plot_brackets",
    "plot_budget_trace",
    "plot_gantt",
    "plot_hypergradient_tangents",
    "plot_hyperparameter_path",
    "plot_hypervolume",
    "plot_importance",
    "plot_landscape",
    "plot_landscape_graph",
    "plot_learning_curves",
    "plot_lineage",
    "plot_mode_costs",
    "plot_online_learning_rate",
    "plot_parallel_coordinates",
    "plot_pareto_front",
    "plot_partial_dependence",
    "plot_partial_dependence_2d",
    "plot_pbt",
    "plot_pbt_lineage",
    "plot_pbt_schedule",
    "plot_pbt_scores",
    "plot_population",
    "plot_quantile_importance",
    "plot_rungs",
    "plot_similarity",
    "plot_surrogate_1d",
    "plot_surrogate_2d",
    "plot_train_test",
    "plot_trajectory",
    "projector_style",
    "rungs_info",
    "stopped_configs",
    "tangents_info",
    "train_test_info",
    "trajectory_info",
    "use_projector_style",
    "wipe",
]
