"""Hyperparameter loss landscapes: a grid of configurations, its neighbour graph, and the
topography metrics of the landscape paper (DESIGN.md section 7).

- :func:`build_landscape` evaluates an objective on every configuration of its space's grid
  (averaged over seeds, in parallel, cached on disk; scikit-learn tasks also give training and
  test losses); :class:`LandscapeObjective` replays a landscape as an objective.
- The metrics (:func:`fdc`, :func:`autocorrelation`, ..., :func:`profile`, :func:`null_zscores`)
  measure one landscape; :func:`similarity`, :func:`similarity_matrix` and
  :func:`train_test_agreement` compare landscapes on one grid.
- :func:`paper_landscapes` and :func:`check_findings` re-test the paper's findings on
  scikit-learn's bundled datasets.
"""

from .build import LandscapeObjective, build_landscape, grid_of
from .compare import similarity_matrix, train_test_agreement
from .findings import DATASETS, MODELS, Claim, Findings, check_findings, paper_landscapes, paper_task
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

__all__ = ["DATASETS", "MODELS", "Claim", "Findings", "Landscape", "LandscapeObjective", "build_landscape",
           "check_findings", "grid_of", "assortativity", "autocorrelation", "basins", "correlation_length", "fdc",
           "local_optima", "neutrality", "neutrality_distance_correlation", "null_zscores", "paper_landscapes",
           "paper_task", "profile", "similarity", "similarity_matrix", "train_test_agreement"]
