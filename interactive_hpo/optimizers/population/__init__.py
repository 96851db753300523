"""Population methods, steppable one individual or one generation at a time.

- ``base``: :class:`PopulationOptimizer` (generations bred, asked, told and replayed); ``records``:
  what its trials record of their generation, and a replay reads back;
  ``individual``: what a generation is made of (individuals, reflection into the cube);
  ``configurations``: the configurations tried, and on a small all-discrete space the nearest new one.
- ``warm``: warm starts from related studies (the first generation bred from their trials too).
- ``evolution``: a genetic algorithm and differential evolution.
- ``cmaes``: CMA-ES through pycma, the reference implementation by its author; ``cma_options``:
  the pycma options it takes from a person, and pycma's failures on them reported as theirs;
  ``cma_state``: pycma's mean and covariance read in the coordinates of the points it returns.
- ``nsga2``: NSGA-II for several objectives (and one), with Deb's constrained domination.
"""

from .base import MAX_POPULATION, PopulationOptimizer
from .individual import Individual, reflect

__all__ = ["Individual", "PopulationOptimizer", "reflect", "MAX_POPULATION"]
