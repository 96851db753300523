"""A study's trials as a pandas DataFrame with Optuna's column names, so that analysis code
written for ``optuna_study.trials_dataframe()`` runs on our studies unchanged.

The columns, in this order: ``number``; ``value`` (one objective) or ``values_0``,
``values_1``, ... (several; ``values_<name>`` when the objectives are named, as after Optuna's
``set_metric_names``; one named objective gives ``value_<name>``); ``datetime_start``,
``datetime_complete`` (naive local datetimes, as Optuna's) and ``duration`` (a timedelta);
``params_<name>`` (NaN where a parameter is inactive); ``user_attrs_<name>``; ``state``, with
Optuna's names (COMPLETE, PRUNED, FAIL, RUNNING: our FAILED is written FAIL, so ``df.state ==
"FAIL"`` works); then ours, ``source`` (who proposed the trial) and ``budget`` (only when some
trial has one). Of Optuna's system attributes our trials have only constraints: a study with
constraints has ``system_attrs_constraints:0``, ``system_attrs_constraints:1``, ... as Optuna's
``trial.set_constraint("0", ...)`` gives them (``to_optuna`` writes them under those names).
Asked for, as Optuna's ``attrs`` take them: ``values`` (``values_0`` for one objective too) and
``intermediate_values`` (``intermediate_values_<step>``, the learning curve).

pandas is imported when the function is called (it comes with the ``optuna`` extra).
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from .._validation import check_bool, fail, import_optional
from ..goals import Goals
from ..trial import Trial, TrialState

if TYPE_CHECKING:
    from .core import Study

__all__ = ["trials_dataframe", "ATTRS"]

#: The column groups, in their order: Optuna's ``trials_dataframe`` attributes, then ours.
ATTRS = ("number", "value", "datetime_start", "datetime_complete", "duration", "params", "user_attrs",
         "system_attrs", "state", "source", "budget")

#: Column groups Optuna's ``trials_dataframe`` takes besides its defaults: ``values`` (``values_0``
#: for one objective too) and ``intermediate_values`` (``intermediate_values_<step>``).
_ALSO = ("values", "intermediate_values")

#: Our states by Optuna's names.
_STATE_NAMES = {TrialState.COMPLETE: "COMPLETE", TrialState.PRUNED: "PRUNED", TrialState.FAILED: "FAIL",
                TrialState.RUNNING: "RUNNING"}


def trials_dataframe(study: Study, attrs: Sequence[str] = ATTRS, multi_index: bool = False) -> Any:
    """The study's trials, one row each, with Optuna's columns (see the module docstring).

    Parameters
    ----------
    study : Study
    attrs : sequence of str
        Which column groups, as Optuna's ``attrs`` (``"value"`` stands for ``"values"`` in a
        study of several objectives; ``"values"`` and ``"intermediate_values"`` as Optuna takes
        them), plus ours: ``"source"`` and ``"budget"``.
    multi_index : bool
        Two-level column names ``("params", "C")`` instead of ``"params_C"``, as Optuna's.

    Returns
    -------
    pandas.DataFrame
        Empty (no columns) for a study without trials, as Optuna's.

    Examples
    --------
    >>> from interactive_hpo import Float, SearchSpace, Study
    >>> study = Study(SearchSpace([Float("x", -2, 2)]), "sobol", seed=0)
    >>> _ = study.run(lambda p: (p["x"] - 1) ** 2, n_trials=3)
    >>> df = trials_dataframe(study)
    >>> [column for column in df.columns if not column.startswith("user_attrs_")]   # the optimizer's notes aside
    ['number', 'value', 'datetime_start', 'datetime_complete', 'duration', 'params_x', 'state', 'source']
    >>> df.state.tolist(), df.source.tolist()
    (['COMPLETE', 'COMPLETE', 'COMPLETE'], ['sobol', 'sobol', 'sobol'])
    """
    pd = import_optional("pandas", "optuna", "Study.trials_dataframe")
    owner = "Study.trials_dataframe"
    # None of them was pandas' "Cannot infer number of levels from empty list" (Optuna's gives that too).
    if isinstance(attrs, str) or not isinstance(attrs, Sequence) or not attrs \
            or any(not isinstance(a, str) or a not in ATTRS + _ALSO for a in attrs):
        raise fail("attrs", owner, f"a tuple of names among {list(ATTRS + _ALSO)}", attrs,
                   hint="Name at least one." if isinstance(attrs, Sequence) and not attrs else None)
    multi_index = check_bool(multi_index, "multi_index", owner)  # an array's truth value was numpy's error
    trials = study.trials
    if not trials:
        return pd.DataFrame()
    goals = study.goals
    attrs = tuple("values" if a == "value" and goals.multi else a for a in attrs)
    with_budget = any(t.budget is not None for t in trials)
    columns: dict[str, set[tuple[str, Any]]] = {a: set() for a in attrs}
    records = []
    for trial in trials:
        record: dict[tuple[str, Any], Any] = {}
        for attr in attrs:
            if attr == "budget" and not with_budget:
                continue
            for key, value in _cells(attr, trial, goals):
                record[(attr, key)] = value
                columns[attr].add((attr, key))
        records.append(record)
    order: list[tuple[str, Any]] = []
    for attr in attrs:
        if attr in ("values", "value") and _named(goals):
            order += [(attr, name) for name in goals.names if (attr, name) in columns[attr]]
        else:
            order += sorted(columns[attr], key=lambda column: column[1])
    frame = pd.DataFrame(records, columns=pd.MultiIndex.from_tuples(order))
    if not multi_index:
        frame.columns = ["_".join(str(part) for part in column if part != "") for column in order]
    return frame


def _named(goals: Goals) -> bool:
    """Whether the objectives have names of the user's (Optuna's metric names), not the defaults."""
    return goals.names != Goals.parse(directions=list(goals.directions)).names


def _cells(attr: str, trial: Trial, goals: Goals) -> list[tuple[Any, Any]]:
    """The (second-level name, value) pairs of one column group for one trial."""
    if attr in ("number", "source", "budget"):
        return [("", getattr(trial, attr))]
    if attr == "state":
        return [("", _STATE_NAMES[trial.state])]
    if attr == "value":
        return [(goals.names[0] if _named(goals) else "", trial.value)]
    if attr == "values":  # one objective's value too, as Optuna's trial.values holds it
        values = (trial.values if goals.multi else (trial.value,)) or (None,) * goals.n
        keys = goals.names if _named(goals) else range(goals.n)
        return list(zip(keys, values, strict=True))
    if attr in ("datetime_start", "datetime_complete"):
        return [("", _moment(getattr(trial, attr)))]
    if attr == "duration":
        start, end = _moment(trial.datetime_start), _moment(trial.datetime_complete)
        return [("", None if start is None or end is None else end - start)]
    if attr == "params":
        return list(trial.params.items())
    if attr == "user_attrs":
        return list(trial.user_attrs.items())
    if attr == "intermediate_values":
        return list(trial.intermediate_values.items())
    # system_attrs: only constraints, as Optuna names them; without them feasibility was invisible
    return [] if trial.constraints is None else [(f"constraints:{i}", c) for i, c in enumerate(trial.constraints)]


def _moment(timestamp: float | None) -> datetime.datetime | None:
    """A Unix timestamp as the naive local datetime Optuna records."""
    return None if timestamp is None else datetime.datetime.fromtimestamp(timestamp)
