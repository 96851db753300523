"""Hyperparameter loss landscapes: a grid of configurations, its neighbour graph, and the
topography metrics of the landscape paper (Huang and Li, KDD 2023, arXiv:2311.14014).

- :func:`build_landscape` evaluates an objective on every configuration of its space's grid
  (averaged over seeds, in parallel; scikit-learn tasks also give training and test losses;
  its failures summarized per distinct message in bounded memory, ``failures``), kept on disk
  as JSON under a key hashed from the objective's ``fingerprint`` (``cache``);
  :class:`LandscapeObjective` replays a landscape as an objective.
- The metrics (:func:`fdc`, :func:`autocorrelation`, ..., :func:`profile`, :func:`null_zscores`)
  measure one landscape; :func:`similarity`, :func:`similarity_matrix`, :func:`top_overlap_null` (do
  their top sets overlap less than their overall agreement implies?) and
  :func:`train_test_agreement` compare landscapes on one grid.
- :func:`graph_layout` places the neighbour graph in 2-D (``plots.plot_landscape_graph`` draws it).
- :func:`paper_landscapes` and :func:`check_findings` re-test the paper's findings on
  scikit-learn's bundled datasets.
"""

from .build import LandscapeObjective, build_landscape, grid_of
from .compare import best_trained, similarity, similarity_matrix, top_overlap_null, train_test_agreement
from .embedding import graph_layout
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
    spearman,
)

__all__ = [
    "Claim",
    "DATASETS",
    "Findings",
    "Landscape",
    "LandscapeObjective",
    "MODELS",
    "assortativity",
    "autocorrelation",
    "basins",
    "best_trained",
    "build_landscape",
    "check_findings",
    "correlation_length",
    "fdc",
    "graph_layout",
    "grid_of",
    "local_optima",
    "neutrality",
    "neutrality_distance_correlation",
    "null_zscores",
    "paper_landscapes",
    "paper_task",
    "profile",
    "similarity",
    "similarity_matrix",
    "spearman",
    "top_overlap_null",
    "train_test_agreement",
]
