"""Bayesian optimization with a BoTorch Gaussian process (imports torch and botorch).

- ``optimizer``: :class:`GaussianProcessBO` and the :class:`SurrogateView` snapshot it shows.
- ``model``: fitting the GP, and the cached-Cholesky predictor the views and plots use.
- ``acquisition``: acquisition functions and their maximization.
- ``teach``: teaching overlays (exploitation and exploration terms, prior samples, why a point).
"""

from .optimizer import GaussianProcessBO, SurrogateView

__all__ = ["GaussianProcessBO", "SurrogateView"]
