"""What :class:`~interactive_hpo.model_selection.search_cv.HPOSearchCV` hands to its refit best
estimator, as scikit-learn's searches do: each method exists only where ``best_estimator_`` (before
fit: ``estimator``) has it, and needs ``refit=True``."""

from __future__ import annotations

from typing import Any

import numpy as np
from sklearn.utils.metaestimators import available_if
from sklearn.utils.validation import check_is_fitted

from .fit_options import delegates

__all__ = ["DelegatesToBest"]


class DelegatesToBest:
    """Mixin of HPOSearchCV: ``predict`` and the like call ``best_estimator_``'s."""

    best_estimator_: Any

    @available_if(delegates("predict"))
    def predict(self, X: Any) -> Any:
        """``best_estimator_.predict(X)``; X of shape (n_samples, n_features), returns shape (n_samples,)."""
        check_is_fitted(self, "best_estimator_")
        return self.best_estimator_.predict(X)

    @available_if(delegates("predict_proba"))
    def predict_proba(self, X: Any) -> Any:
        """``best_estimator_.predict_proba(X)``; returns shape (n_samples, n_classes)."""
        check_is_fitted(self, "best_estimator_")
        return self.best_estimator_.predict_proba(X)

    @available_if(delegates("predict_log_proba"))
    def predict_log_proba(self, X: Any) -> Any:
        """``best_estimator_.predict_log_proba(X)``; returns shape (n_samples, n_classes)."""
        check_is_fitted(self, "best_estimator_")
        return self.best_estimator_.predict_log_proba(X)

    @available_if(delegates("decision_function"))
    def decision_function(self, X: Any) -> Any:
        """``best_estimator_.decision_function(X)``; shape (n_samples,) or (n_samples, n_classes)."""
        check_is_fitted(self, "best_estimator_")
        return self.best_estimator_.decision_function(X)

    @available_if(delegates("score_samples"))
    def score_samples(self, X: Any) -> Any:
        """``best_estimator_.score_samples(X)``; X of shape (n_samples, n_features), returns shape (n_samples,)."""
        check_is_fitted(self, "best_estimator_")
        return self.best_estimator_.score_samples(X)

    @available_if(delegates("transform"))
    def transform(self, X: Any) -> Any:
        """``best_estimator_.transform(X)``; X of shape (n_samples, n_features), returns shape
        (n_samples, n_features_out) (that of the best estimator's output)."""
        check_is_fitted(self, "best_estimator_")
        return self.best_estimator_.transform(X)

    @available_if(delegates("inverse_transform"))
    def inverse_transform(self, X: Any) -> Any:
        """``best_estimator_.inverse_transform(X)``; X of shape (n_samples, n_features_out), returns shape
        (n_samples, n_features)."""
        check_is_fitted(self, "best_estimator_")
        return self.best_estimator_.inverse_transform(X)

    @property
    def classes_(self) -> np.ndarray:
        """Class labels of the refit best estimator, shape (n_classes,) (classifiers with refit=True)."""
        delegates("classes_")(self)
        return self.best_estimator_.classes_
