"""Bayesian optimization with a BoTorch Gaussian process (imports torch and botorch).

- ``optimizer``: :class:`GaussianProcessBO`, the steppable optimizer; ``initial``: what it
  evaluates before its GP (warm-start sources' best points, then Sobol points); ``training``:
  what its GP is fitted on (points, and losses turned into scaled, warped utilities).
- ``view``: the :class:`GPSurrogateView` snapshot it shows (a
  :class:`~interactive_hpo.views.SurrogateView`, the protocol plots and the Lab rely on).
- ``model``: building the GP; ``predictor``: the cached-Cholesky predictions (and gradients)
  the views, plots and closed-form acquisitions use; ``kernel``: its kernel (numeric and
  categorical coordinates in one distance); ``paths``: that kernel's sample paths, drawn
  pathwise; ``fit``: its hyperparameters by maximum a posteriori; ``warping``: the output warp
  it is fitted on; ``warm_fit``: the fit kept until the data change, and the hyperparameters
  the next fit (or a replay) starts from; ``held_fit``: the optimizer's side of it (what a fit
  depends on, what a proposal records of it, what a replayed record gives back).
- ``acquisition``: acquisition functions; ``search``: their maximization (continuous and mixed).
- ``outcomes``: one GP per outcome (objectives, constraints) as a BoTorch ``ModelListGP``.
- ``constrained``: constraint values the trials carry, their GPs, constrained log-EI.
- ``parego``, ``ehvi``: several objectives (random Chebyshev scalarizations; qLogNEHVI).
- ``finite``: spaces small enough to list, where no configuration is proposed twice.
- ``conditional``: conditional spaces: the acquisition searched where each point lands.
- ``transfer``, ``prior_mean``: warm starts: related studies' GPs as the prior mean.
- ``teach``: teaching overlays (exploitation and exploration terms, prior samples, why a point).
"""

from ...views import SurrogateView
from .optimizer import GaussianProcessBO, GPSurrogateView

__all__ = ["GaussianProcessBO", "GPSurrogateView", "SurrogateView"]
