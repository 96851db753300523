"""Multi-fidelity schedulers: configurations evaluated at growing budgets, the best promoted.

- ``halving``: successive halving, Hyperband and ASHA (steppable, with a person's overrides).
- ``rungs``: rung budgets, Hyperband brackets and the bookkeeping of jobs.
"""

from .halving import ASHA, HalvingScheduler, Hyperband, SuccessiveHalving
from .rungs import hyperband_brackets, rung_budgets

__all__ = ["ASHA", "HalvingScheduler", "Hyperband", "SuccessiveHalving", "hyperband_brackets", "rung_budgets"]
