"""Hyperparameter loss landscapes: a grid of configurations, its neighbour graph, and the
topography metrics of the landscape paper (DESIGN.md section 7).

Here: building a landscape from any objective (cached on disk), replaying it as an objective,
the graph and the metrics. Training and test losses, plots and the paper's findings on
scikit-learn data come with the rest of issue 9.
"""

from .build import LandscapeObjective, build_landscape, grid_of
from .graph import Landscape
from .metrics import (
    assortativity,
    autocorrelation,
    basins,
    correlation_length,
    fdc,
    local_optima,
    neutrality,
    neutrality_distance_correlation,
    null_zscores,
    profile,
    similarity,
)

__all__ = ["Landscape", "LandscapeObjective", "build_landscape", "grid_of", "assortativity", "autocorrelation",
           "basins", "correlation_length", "fdc", "local_optima", "neutrality", "neutrality_distance_correlation",
           "null_zscores", "profile", "similarity"]
