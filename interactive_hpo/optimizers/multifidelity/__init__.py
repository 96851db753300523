"""Multi-fidelity schedulers: configurations evaluated at growing budgets, the best promoted.

- ``halving``: successive halving, Hyperband and ASHA (steppable, with a person's overrides).
- ``ladder``: rung budgets and Hyperband brackets (the settings' arithmetic).
- ``rungs``: the bookkeeping of jobs in rungs and brackets.
- ``overrides``: a person's promotions and stops, beside the scheduler's rule.
- ``sampling``: ``sampler="bo"``'s proposals and random draws, none of the configurations started.
"""

from .halving import ASHA, HalvingScheduler, Hyperband, SuccessiveHalving
from .ladder import hyperband_brackets, rung_budgets

__all__ = ["ASHA", "HalvingScheduler", "Hyperband", "SuccessiveHalving", "hyperband_brackets", "rung_budgets"]
