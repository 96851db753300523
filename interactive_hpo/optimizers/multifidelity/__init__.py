"""Multi-fidelity schedulers: configurations evaluated at growing budgets, the best promoted.

- ``halving``: what successive halving, Hyperband and ASHA share (steppable, with a person's
  overrides); ``schedulers``: the three, each with its brackets.
- ``ladder``: rung budgets and Hyperband brackets (the settings' arithmetic).
- ``rungs``: the bookkeeping of jobs in rungs and brackets.
- ``overrides``: a person's promotions and stops, beside the scheduler's rule.
- ``sampling``: ``sampler="bo"``'s proposals and random draws, none of the configurations started.
"""

from .halving import HalvingScheduler
from .ladder import hyperband_brackets, rung_budgets
from .schedulers import ASHA, Hyperband, SuccessiveHalving

__all__ = ["ASHA", "HalvingScheduler", "Hyperband", "SuccessiveHalving", "hyperband_brackets", "rung_budgets"]
