"""Bayesian optimization with a BoTorch Gaussian process (imports torch and botorch).

- ``optimizer``: :class:`GaussianProcessBO` and the :class:`GPSurrogateView` snapshot it shows
  (a :class:`~interactive_hpo.views.SurrogateView`, the protocol plots and the Lab rely on).
- ``model``: fitting the GP, and the cached-Cholesky predictor the views and plots use.
- ``acquisition``: acquisition functions and their maximization.
- ``teach``: teaching overlays (exploitation and exploration terms, prior samples, why a point).
"""

from ...views import SurrogateView
from .optimizer import GaussianProcessBO, GPSurrogateView

__all__ = ["GaussianProcessBO", "GPSurrogateView", "SurrogateView"]
