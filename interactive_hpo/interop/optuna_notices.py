"""What :func:`~.optuna_study.from_optuna` warns of beyond a trial's fields: user attributes under
names our optimizers record, a Gaussian process about to fit many imported trials, and the
attributes Optuna keeps that ours have no place for (left out, and said).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from .._validation import warn_user
from ..outcome import MOVED_PREFIX
from ..trial import TrialState

if TYPE_CHECKING:
    from ..study.core import Study

__all__ = ["MANY_FOR_A_GP", "PROPOSAL_KEY", "RECORDED", "listed", "unread_attrs", "warn_recorded_names",
           "warn_slow_fit"]


#: The system attribute of an Optuna trial where IHPOSampler writes its proposal for it (the
#: sampler's repr, the params, what the optimizer recorded with them): other processes' samplers
#: read it there.
PROPOSAL_KEY = "ihpo:proposal"

#: System attributes of Optuna's trials that from_optuna reads (constraints; "fixed_params": the
#: params of an enqueued trial) or that are its samplers' and pruners' own records (TPE's and the
#: GP's relative params, CMA-ES's and the genetic samplers' state, the grid's cells, the successive
#: halving rungs), by Optuna 5.1.0's keys, and IHPOSampler's (PROPOSAL_KEY). Any other (artifacts,
#: a terminator's cross-validation scores, a key set by hand) is left out with a warning.
_READ_OR_OWN = re.compile(r"constraints(:.*)?|fixed_params|(tpe|gp|cma):.*|\w+Sampler:(generation|parent:.*)|x_for_tell"
                          rf"|grid_id|search_space|completed_rung_\d+|{re.escape(PROPOSAL_KEY)}")


#: The names each built-in optimizer records in the user_attrs of the trials it proposes (what a
#: resumed study replays; tests/interop/test_optuna_continue.py checks them against a run of
#: each). An Optuna objective continued with optuna_objective that sets one has it moved aside
#: (outcome.keep_record): from_optuna says so when the imported trials show it does.
_BO = ("phase", "sobol_position", "source_start", "acquisition", "acquisition_seed", "acquisition_value", "gp_fit",
       "gp_fit_error", "gp_state", "gp_noise", "gp_data", "gp_settings", "constraint_gp_state", "constraint_gp_data",
       "constraint_gp_fit")
_POPULATION = ("generation", "id", "member", "parents", "parents_from_trials", "pool", "run")
_RUNGS = ("bracket", "config", "rung")
RECORDED = {"grid": ("grid_index",), "random": (), "sobol": ("sobol_index",), "bo": _BO,
            "parego": (*_BO, "parego_weights"), "ehvi": (*_BO, "hv_reference"), "ga": _POPULATION, "de": _POPULATION,
            "cmaes": (*_POPULATION, "restart"), "nsga2": _POPULATION, "halving": _RUNGS, "hyperband": _RUNGS,
            "asha": _RUNGS, "hypergradient": ("descent_step",)}


def warn_recorded_names(optimizer: str, trials: list[Any], source_key: str) -> None:
    """Warn when the imported ``trials`` carry user attributes under names ``optimizer`` (its
    registered name) records for the trials it proposes; not of a trial it proposed itself
    (``source_key``, :func:`~.optuna_export.to_optuna`'s ``ihpo_source``, names it): those are
    its own records."""
    names = set(RECORDED.get(optimizer, ()))
    taken: dict[str, None] = {}
    numbers = []
    for trial in trials:
        keys = [key for key in trial.user_attrs if key in names and trial.user_attrs.get(source_key) != optimizer]
        if keys:
            taken.update(dict.fromkeys(keys))
            numbers.append(trial.number)
    if taken:
        warn_user(f"from_optuna: Optuna trials {listed(numbers)} have user attributes {list(taken)}, names "
                  f"{optimizer!r} records for the trials it proposes. The imported trials keep them; a new trial's "
                  f"objective that sets them (optuna_objective) has them kept as '{MOVED_PREFIX}<name>', the "
                  "optimizer's record keeping the name.", UserWarning)


#: From this many COMPLETE trials on, from_optuna says how slow a GP's first proposal will be.
MANY_FOR_A_GP = 500


def warn_slow_fit(study: Study, owner: str) -> None:
    """Warn when ``study``'s optimizer is a Gaussian process that will fit many imported trials
    before its first proposal: 2000 of them stalled the first ``ask()`` for minutes, unannounced."""
    count = sum(t.state is TrialState.COMPLETE for t in study.trials)
    if count < MANY_FOR_A_GP:
        return
    from ..optimizers.bayes import GaussianProcessBO  # loaded already if the study's is one; heavy otherwise

    if not isinstance(study.optimizer, GaussianProcessBO):
        return
    warn_user(f"{owner}: {study.optimizer.name!r} fits a Gaussian process to all {count} COMPLETE trials before each "
              "proposal, at a cost that grows with the cube of their number (measured on one core: 1 s at 300, "
              "5 s at 600, 20 s at 1000, minutes at 2000), so the first ask() or run() may stall. To continue "
              "faster, import with optimizer='random', 'sobol' or 'cmaes', or import the latest (or best) few "
              "hundred: small = optuna.create_study(directions=theirs.directions); "
              "small.add_trials(theirs.trials[-300:]); from_optuna(small, ...).", UserWarning)


def unread_attrs(optuna_study: Any, trials: list[Any], left_out: dict[str, list[int]], read: tuple[str, ...]) -> None:
    """Add to ``left_out`` what ``optuna_study`` and its imported ``trials`` keep that ours has no place for
    (the study's user attributes but those ``read``, which from_optuna reads)."""
    attrs = sorted(key for key in optuna_study.user_attrs if key not in read)
    if attrs:
        left_out[f"the study's user attributes {attrs} (our studies have none)"] = []
    unread: dict[str, None] = {}  # keys in the order first met
    numbers = []
    for trial in trials:
        keys = [key for key in trial.system_attrs if not _READ_OR_OWN.fullmatch(key)]
        if keys:
            unread.update(dict.fromkeys(keys))
            numbers.append(trial.number)
    if unread:
        left_out[f"system attributes {listed(list(unread))} (our trials keep user attributes only)"] = numbers


def listed(items: list[Any], limit: int = 20) -> str:
    """``items`` for a warning: the first ``limit`` and how many in all (a study may have 10^4 trials)."""
    return str(items) if len(items) <= limit else f"{str(items[:limit])[:-1]}, ...] ({len(items)} in all)"
