"""scikit-learn model selection with this package's optimizers.

- ``search_cv``: :class:`HPOSearchCV`, a drop-in for ``GridSearchCV`` that steps any optimizer.
- ``nested``: nested cross-validation (an unbiased estimate of the whole tuning procedure).

Importing this package imports scikit-learn.
"""

from .nested import nested_cv
from .search_cv import HPOSearchCV

__all__ = ["HPOSearchCV", "nested_cv"]
