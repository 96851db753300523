"""scikit-learn model selection with this package's optimizers.

- ``search_cv``: :class:`HPOSearchCV`, a drop-in for ``GridSearchCV`` that steps any optimizer.
- ``nested``: nested cross-validation (an unbiased estimate of the whole tuning procedure).
- What both share: ``checks`` (the model and the optimizer, refused before the first trial),
  ``scoring`` (one scorer or several, and ``cv_results_``), ``journaled`` (a search's journal,
  to resume after a crash).

Importing this package imports scikit-learn.
"""

from .nested import nested_cv
from .search_cv import HPOSearchCV

__all__ = ["HPOSearchCV", "nested_cv"]
