"""Other libraries' studies in and out: today, Optuna (the ``optuna`` extra).

- ``optuna_space``: Optuna's distributions and our parameters, both ways; a search space (with
  its conditions) inferred from the trials of an Optuna study, whose space may change from one
  trial to the next; ``optuna_conditions``: those conditions, read off which trials have a parameter.
- ``optuna_study``: :func:`from_optuna` (an Optuna study becomes our :class:`~interactive_hpo.study.Study`,
  so the GP, the plots and the Lab can look inside it); ``optuna_export``: :func:`to_optuna` (ours
  written to any Optuna storage: in memory, SQLite, ...).
  Imported trials enter through ``Study.add_finished`` (states, curves and times kept).
  ``optuna_journal``: an import written whole to a new journal (``storage=``), or nothing written;
  ``optuna_notices``: what an import warns of beyond the trials' fields (names our optimizers
  record, a GP about to fit many trials, attributes ours have no place for).
- ``optuna_sampler``: :class:`IHPOSampler`, any of our optimizers (the GP first) as an Optuna
  sampler.
- ``optuna_constraints``: Optuna's constraints by name as ours, by place (the same names in
  every trial).
- ``optuna_adapter``: :func:`optuna_objective`, an Optuna objective ``f(trial)`` as ours
  ``f(params)``, so a Lab can step an imported study.

Importing this room imports neither Optuna nor pandas: each function imports Optuna when called,
and :class:`IHPOSampler` (a subclass of Optuna's ``BaseSampler``) is loaded on first use.
:func:`is_optuna_study` tells an Optuna study apart without importing Optuna.
"""

from __future__ import annotations

from typing import Any

from .optuna_export import to_optuna
from .optuna_study import from_optuna, is_optuna_study

__all__ = ["IHPOSampler", "from_optuna", "is_optuna_study", "optuna_objective", "to_optuna"]

#: Names whose modules import Optuna at their top: loaded when first used.
_LAZY = {"IHPOSampler": "optuna_sampler", "optuna_objective": "optuna_adapter"}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(f"{__name__}.{_LAZY[name]}"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
