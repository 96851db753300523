"""Why did it work: which hyperparameters mattered, read from a surrogate, with how sure it is.

- :mod:`.sobol`: first-order and total Sobol indices (functional ANOVA) over the space's uniform
  distribution, for each of several plausible functions: the spread is the interval.
- :mod:`.surrogates`: those functions: a Gaussian process's posterior sample paths
  (:class:`GPSamples`) or a random forest's trees fitted to any trials (:class:`ForestSurrogate`).
- :mod:`.local`: importance among the best trials (:func:`quantile_importance`, PED-ANOVA-like)
  and the ablation path from a default to the incumbent (:func:`ablation_path`, on losses).
- :mod:`.dependence`: partial dependence in 1-D and 2-D with a band, and ICE curves.
- :mod:`.importance`: the functions and trials of a :class:`~interactive_hpo.Study` (its own GP,
  or a forest on its trials), at any past step, and the Sobol indices read from them;
  :mod:`.study_analyses`: the other analyses read from a study, its values turned into losses by
  its direction where they need losses (:func:`study_ablation`).

Nothing here imports scikit-learn, SciPy or torch until an analysis runs.
"""

from .dependence import PartialDependence, ice_curves, partial_dependence
from .importance import (
    RANK_MIN,
    below_full_budget,
    failed_learnt,
    importance,
    shows_no_effect,
    surrogate_of,
    trial_data,
)
from .local import AblationPath, QuantileImportance, ablation_path, quantile_importance
from .sobol import SobolIndices, saltelli_design, sobol_indices, uniform_points
from .study_analyses import study_ablation, study_partial_dependence, study_quantile_importance
from .surrogates import ForestSurrogate, GPSamples

__all__ = [
    "RANK_MIN",
    "AblationPath",
    "ForestSurrogate",
    "GPSamples",
    "PartialDependence",
    "QuantileImportance",
    "SobolIndices",
    "ablation_path",
    "below_full_budget",
    "failed_learnt",
    "ice_curves",
    "importance",
    "partial_dependence",
    "quantile_importance",
    "saltelli_design",
    "shows_no_effect",
    "sobol_indices",
    "study_ablation",
    "study_partial_dependence",
    "study_quantile_importance",
    "surrogate_of",
    "trial_data",
    "uniform_points",
]
