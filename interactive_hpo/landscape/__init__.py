"""Hyperparameter loss landscapes: a grid of configurations, its neighbour graph, and the
topography metrics of the landscape paper (DESIGN.md section 7).

Building landscapes from scikit-learn tasks, plots, replay as an objective and the paper's
findings come with the rest of issue 9; the graph and the metrics are here.
"""

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

__all__ = ["Landscape", "assortativity", "autocorrelation", "basins", "correlation_length", "fdc", "local_optima",
           "neutrality", "neutrality_distance_correlation", "null_zscores", "profile", "similarity"]
