"""Population-based training: a population of models trained together, the worst copying the
best and perturbing their hyperparameters (Jaderberg et al., 2017).

Not an optimizer of the ask/tell kind: PBT trains models round by round, so it drives an
:class:`~interactive_hpo.objectives.incremental.IncrementalTask` itself.

- ``training``: :class:`PopulationBasedTraining`, one round at a time.
- ``baselines``: the same population with fixed hyperparameters (:func:`train_fixed`), and a
  PBT run paired with one (:func:`compare_with_fixed`).
- ``explore``: the exploit and explore steps.
- ``result``: :class:`PBTResult`, its rounds and its JSON-lines file.
- ``checks``: what PBT accepts (a task, a space the task takes, a population size), shared by
  the run and the baselines.
"""

from .baselines import compare_with_fixed, train_fixed
from .result import PBTComparison, PBTResult, PBTRound
from .training import PopulationBasedTraining

__all__ = ["PBTComparison", "PBTResult", "PBTRound", "PopulationBasedTraining", "compare_with_fixed", "train_fixed"]
