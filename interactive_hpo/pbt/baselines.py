"""Baselines for a PBT run: the same population trained with fixed hyperparameters.

:func:`train_fixed` trains members that never exploit or explore; :func:`compare_with_fixed`
spends a finished PBT run's compute that way, with its seed (the same initial weights and data
orders), and pairs the two runs, so any difference comes from exploit and explore.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from .._validation import check_int, fail, is_real, seed_to_int, warn_user
from ..objectives.incremental import IncrementalTask
from ..space import SearchSpace
from .checks import check_members, check_rounds, check_space, check_task
from .result import PBTComparison, PBTResult, diverged_since
from .training import MAX_TRAIN_STEPS, PopulationBasedTraining

__all__ = ["compare_with_fixed", "train_fixed"]


class _FixedRun(PopulationBasedTraining):
    """A run that never exploits, built by ``owner`` (train_fixed or compare_with_fixed) from
    arguments it checked: what the task's methods return is refused under that name."""

    def __init__(self, owner: str, *args: Any, **kwargs: Any):
        self._owner = owner
        super().__init__(*args, **kwargs)


def _fixed_runner(task: Any, params: Any, n_rounds: Any, n_members: Any, steps_per_round: Any, seed: Any,
                  owner: str, name: str) -> _FixedRun:
    """A population that never exploits, after ``n_rounds`` rounds (its models kept); errors name
    argument ``name`` (the params) of ``owner``, the function the user called."""
    check_task(task, owner)
    n_members = check_members(params, n_members, name, owner)
    population = ([task.space.validate(params, name=name, owner=owner)] * n_members if isinstance(params, Mapping)
                  else [task.space.validate(p, name=f"{name}[{i}]", owner=owner) for i, p in enumerate(params)])
    n_rounds = check_rounds(n_rounds, n_members, 0, owner)
    # The seed as PopulationBasedTraining would take it (the same int from a Generator), checked here.
    runner = _FixedRun(owner, task.space, task, n_members=n_members, ready_every=None, initial=population,
                       steps_per_round=check_int(steps_per_round, "steps_per_round", owner, 1, MAX_TRAIN_STEPS),
                       seed=seed_to_int(seed, owner))
    runner.run(n_rounds)
    return runner


def train_fixed(task: IncrementalTask, params: Mapping[str, Any] | Sequence[Mapping[str, Any]], n_rounds: int, *,
                n_members: int | None = None, steps_per_round: int = 1,
                seed: int | np.random.Generator | None = None) -> PBTResult:
    """Train members with fixed hyperparameters (no exploit, no explore) for ``n_rounds`` rounds.

    Parameters
    ----------
    task : IncrementalTask
    params : dict or list of dict
        One configuration for every member, or one per member.
    n_rounds : int
    n_members : int, optional
        Needed with a single dict (default 8); with a list, its length.
    steps_per_round : int, default=1
    seed : int, numpy.random.Generator or None
        With the seed of a PBT run, the same initial weights and data orders.
    """
    return _fixed_runner(task, params, n_rounds, n_members, steps_per_round, seed, "train_fixed", "params").result


def _fixed_label(fixed: Mapping[str, Any] | Sequence[Mapping[str, Any]] | None, space: SearchSpace) -> str:
    """What a fixed run was, in a few words: PBT's own start, one configuration (its values as
    ``space`` holds them: a Fraction has no "g" format), or one per member."""
    if fixed is None:
        return "same start, never exploited"
    if isinstance(fixed, Mapping):
        values = space.validate(fixed)
        return "fixed " + ", ".join(f"{name}={values[name]:g}" if is_real(values[name]) else f"{name}={values[name]}"
                                    for name in fixed)
    return "fixed, one configuration per member"


def compare_with_fixed(result: PBTResult, task: IncrementalTask,
                       fixed: Mapping[str, Any] | Sequence[Mapping[str, Any]] | None = None, *,
                       label: str | None = None) -> PBTComparison:
    """Spend the compute of a PBT run on fixed hyperparameters, and pair the two runs.

    The fixed run has as many members, rounds and steps per round as ``result`` and its seed
    (the same initial weights and data orders), so any difference comes from exploit and explore.

    Parameters
    ----------
    result : PBTResult
        A finished PBT run on ``task``.
    task : IncrementalTask
    fixed : dict, list of dict or None
        None: PBT's own initial population, never exploited (the ablation of the paper). A dict:
        that configuration for every member (e.g. a known bad learning rate). A list: one per member.
    label : str, optional
        The fixed run's name in ``table()`` and ``curves()``. By default it says what ``fixed``
        was: "same start, never exploited", "fixed eta0=1e-05, alpha=0.0001", or "fixed, one
        configuration per member".

    Returns
    -------
    PBTComparison
        ``table()`` and ``curves()`` give plain data for a side-by-side table or plot;
        ``fixed_model`` is the fixed run's best model, for its sealed test score (None, with a
        ``RuntimeWarning``, when every fixed member's score in the last round is NaN: diverged).

    Examples
    --------
    >>> from interactive_hpo import PopulationBasedTraining
    >>> from interactive_hpo.objectives.incremental import sgd_digits
    >>> task = sgd_digits(seed=0)
    >>> result = PopulationBasedTraining(task.space, task, n_members=4, seed=0).run(4)
    >>> rows = compare_with_fixed(result, task, {"eta0": 1e-5, "alpha": 1e-4}).table()
    >>> [(row["method"], row["training steps"]) for row in rows]
    [('PBT', 16), ('fixed eta0=1e-05, alpha=0.0001', 16)]
    >>> rows[0]["best final score"] > rows[1]["best final score"]
    True
    """
    if not isinstance(result, PBTResult) or not result.rounds:
        raise fail("result", "compare_with_fixed", "a PBTResult with at least one round", result)
    if label is not None and (not isinstance(label, str) or not label.strip()):
        raise fail("label", "compare_with_fixed", "a non-empty str or None", label)
    check_space(result.space, check_task(task, "compare_with_fixed").space, "compare_with_fixed", "result.space")
    runner = _fixed_runner(task, list(result.rounds[0].params) if fixed is None else fixed, result.n_rounds,
                           result.n_members, result.settings["steps_per_round"], result.settings["seed"],
                           "compare_with_fixed", "fixed")
    fixed_run = runner.result
    if fixed_run.best_member < 0:  # the table says so with NaN; a model to score there is none
        warn_user(f"compare_with_fixed: in the fixed run {diverged_since(fixed_run.scores)}, so its `fixed_model` "
                  "is None.", RuntimeWarning)
    return PBTComparison(pbt=result, fixed=fixed_run, label=label or _fixed_label(fixed, task.space),
                         fixed_model=None if fixed_run.best_member < 0 else runner.best_model())
