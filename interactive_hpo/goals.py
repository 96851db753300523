"""What a study optimizes: one objective or several, each with its :class:`Direction`.

A study of one objective reads a number from the objective and keeps it as ``trial.value``; a
study of several (``Study(..., directions=["maximize", "minimize"])``) reads a tuple, a list or
a mapping by name and keeps ``trial.values``. :class:`Goals` is the one place that reads those
results and turns them into the losses optimizers minimize, so a study, its journal, its replay
and its Pareto set cannot disagree about which number is which.

Constraints (values at most 0 are feasible) ride on :class:`~interactive_hpo.trial.Trial` as
``trial.constraints``; they are the same for one objective or several. Which trials a study
counts as feasible (:func:`counts_as_feasible`, :func:`feasible_mask`) depends on its other
trials too: once any trial carries constraints, one without them is of unknown feasibility.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from ._names import unknown_names
from ._validation import as_finite, as_list, as_scalar, fail, is_real, shown
from .direction import Direction

if TYPE_CHECKING:
    from .trial import Trial

__all__ = ["Goals", "any_constraints", "counts_as_feasible", "feasible_mask", "read_constraints",
           "unknown_feasibility_mask"]


@dataclass(frozen=True)
class Goals:
    """The objectives of a study: their directions and names.

    Attributes
    ----------
    directions : tuple of Direction
        One per objective, in the order an objective returns its values.
    names : tuple of str
        One per objective: the keys of a mapping an objective may return, and the labels of
        plots ("objective 0", "objective 1", ... unless named).
    given : str
        How one objective's direction was given: "direction" (``direction=``, or none), "list"
        (``directions=["maximize"]``) or "dict" (``directions={"accuracy": "maximize"}``). Its
        objective may return its value in that form too (a list of one; a dict of its one name),
        as the docs of ``directions`` say. Not compared: the goals are the same.

    Examples
    --------
    >>> from interactive_hpo.goals import Goals
    >>> goals = Goals.parse(directions={"accuracy": "maximize", "seconds": "minimize"})
    >>> goals.multi, goals.read({"seconds": 2.0, "accuracy": 0.9}, "objective")
    (True, (0.9, 2.0))
    >>> goals.losses((0.9, 2.0)).tolist()
    [-0.9, 2.0]
    """

    directions: tuple[Direction, ...]
    names: tuple[str, ...]
    given: str = field(default="direction", compare=False)

    @classmethod
    def parse(cls, direction: Any = None, directions: Any = None, owner: str = "Study") -> Goals:
        """The goals a user asked for: one ``direction`` (None: minimize), or ``directions`` (a
        list of directions, or a mapping from objective name to direction) for several."""
        if directions is None:
            one = Direction.MINIMIZE if direction is None else Direction.parse(direction, "direction", owner)
            return cls((one,), ("objective",))
        if direction is not None:
            raise fail("direction", owner, "None when `directions` is given", direction,
                       hint="Give every objective's direction in `directions`.")
        if isinstance(directions, Mapping):
            names = tuple(directions)
            for name in names:
                if not isinstance(name, str) or not name:
                    raise fail("directions", owner, "a mapping whose keys are non-empty str names", directions)
            given = list(directions.values())
        elif isinstance(directions, Sequence) and not isinstance(directions, str):
            given = list(directions)
            names = ("objective",) if len(given) == 1 else tuple(f"objective {i}" for i in range(len(given)))
        else:
            raise fail("directions", owner, 'a list such as ["maximize", "minimize"], or a dict from objective '
                                            "name to direction", directions)
        if not given:
            raise fail("directions", owner, "one direction or more", directions)
        # Named as the user typed them: directions['a'] of a dict (its position was directions[0]).
        keys = [repr(name) for name in names] if isinstance(directions, Mapping) else range(len(given))
        parsed = tuple(Direction.parse(d, f"directions[{key}]", owner) for key, d in zip(keys, given, strict=True))
        return cls(parsed, names, "dict" if isinstance(directions, Mapping) else "list")

    @property
    def multi(self) -> bool:
        """Whether there are several objectives (even one given as a list of one is not)."""
        return len(self.directions) > 1

    @property
    def n(self) -> int:
        """How many objectives."""
        return len(self.directions)

    def single(self, owner: str, hint: str) -> Direction:
        """The one objective's direction, or the refusal naming ``owner`` (what the person called or
        read) for a study of several, with ``hint`` saying what serves several."""
        if self.multi:
            raise fail("study", owner, "a study of one objective", f"{self.n} objectives ({self.describe()})",
                       hint=hint)
        return self.directions[0]

    def index_of(self, objective: Any, owner: str, call: str) -> int:
        """The position of ``objective``, an objective's index or its name; None only for one
        objective (several have their own values and directions: which one is the caller's
        choice). Errors name ``owner``; the refusal of None shows ``call`` with ``{}`` where the
        first objective's name goes ("history(objective={})")."""
        names = list(self.names)
        rule = f"an objective's name in {names} or its index in [0, {len(names)})"
        if objective is None:
            if self.multi:
                raise fail("objective", owner, rule + f" for a study of {len(names)} objectives", objective,
                           hint=f"Say which objective, e.g. {call.format(repr(names[0]))}.")
            return 0
        if isinstance(objective, str) and objective in names:
            return names.index(objective)
        if isinstance(objective, (int, np.integer)) and not isinstance(objective, bool) \
                and 0 <= objective < len(names):
            return int(objective)
        raise fail("objective", owner, rule, objective)

    def read(self, result: Any, owner: str, argument: str = "value") -> tuple[float, ...]:
        """The objective values in ``result``, in the goals' order, as floats (NaN and inf
        kept: a failed component is the caller's to judge).

        One objective: a real number, or in the form its direction was given (:attr:`given`) a
        sequence of one (``directions=["maximize"]``) or a mapping of its one name
        (``directions={"accuracy": "maximize"}``). Several: a sequence of ``n`` reals, or a
        mapping with exactly the goals' names. 0-d arrays and tensors count as their numbers,
        1-D ones as sequences. Anything else raises an error naming ``argument`` of ``owner`` (a
        journal's field: "values").
        """
        if not self.multi:
            return (_float(self._one(result, owner, argument)),)
        if isinstance(result, Mapping):
            if set(result) != set(self.names):
                raise fail(argument, owner, f"a value for each objective, by name: {list(self.names)}", result,
                           hint=_names_hint(result, self.names))
            result = [result[name] for name in self.names]
        result = as_list(result)
        if not isinstance(result, Sequence) or isinstance(result, str) or len(result) != self.n:
            raise fail(argument, owner, f"{self.n} values, one per objective {list(self.names)} (a tuple, a list "
                                       "or a dict by name)", result)
        items = [as_scalar(item) for item in result]
        for name, item in zip(self.names, items, strict=True):
            if not is_real(item):
                raise fail(argument, owner, "real numbers", result, hint=f"Objective {name!r} got {shown(item)}.")
        return tuple(_float(item) for item in items)

    def _one(self, result: Any, owner: str, argument: str) -> Any:
        """One objective's number in ``result`` (see :meth:`read`), or the refusal."""
        read = as_list(as_scalar(result))
        name = self.names[0]
        if self.given == "list" and isinstance(read, (tuple, list)) and len(read) == 1:
            read = as_scalar(read[0])
        elif self.given == "dict" and isinstance(read, Mapping) and list(read) == [name]:
            read = as_scalar(read[name])
        if is_real(read):
            return read
        rule, hint = "a finite real number", None
        if self.given == "list":
            rule += " or a list of one"
            hint = "The study has one objective (directions=[...] of one): return one number, or a list of it alone."
        elif self.given == "dict":
            rule += f" or a dict of it by name ({{{name!r}: ...}})"
            hint = f"The study has one objective, {name!r}: return one number, or a dict of it alone." + \
                (f" {_names_hint(read, self.names)}" if isinstance(read, Mapping) and list(read) != [name] else "")
        elif isinstance(read, (Mapping, tuple, list)):  # what an array or list was read as
            hint = "The study has one objective: return one number (a one-element array or list is several " \
                   "values; several objectives need Study(directions=[...]))."
        raise fail(argument, owner, rule, result, hint=hint)

    def losses(self, values: Sequence[float]) -> np.ndarray:
        """The losses optimizers minimize for ``values`` of shape (n,) (user's directions): shape (n,)."""
        return np.array([d.to_loss(float(v)) for d, v in zip(self.directions, values, strict=True)])

    def values_of(self, trial: Trial) -> tuple[float, ...] | None:
        """A trial's objective values as a tuple (one objective: ``(trial.value,)``), or None."""
        if self.multi:
            return None if trial.values is None else tuple(trial.values)
        return None if trial.value is None else (float(trial.value),)

    def to_header(self) -> dict[str, Any]:
        """What a journal's header records: ``direction`` for one objective (as journals always
        have) unless given as a list (:attr:`given`), ``directions`` for several, and
        ``objective_names`` unless left at the defaults (always for one objective's dict), so
        :meth:`from_header` reads the results its objective returns as it did."""
        header: dict[str, Any] = {"direction": self.directions[0].value} \
            if not self.multi and self.given != "list" else {"directions": [d.value for d in self.directions]}
        if self.names != Goals.parse(directions=[d.value for d in self.directions]).names or self.given == "dict":
            header["objective_names"] = list(self.names)
        return header

    @classmethod
    def from_header(cls, header: Mapping[str, Any]) -> Goals:
        """The goals a journal's header records (see :meth:`to_header`), each field by the rule a
        person's ``Study(direction=..., directions=...)`` follows: ``direction``, or ``directions``
        (not both, and not neither: a study's default is no record of its direction), and
        ``objective_names``, None or one distinct name per direction."""
        owner = "the journal's header"
        direction, directions = header.get("direction"), header.get("directions")
        if direction is None and directions is None:
            raise fail("direction", owner, '"minimize" or "maximize" (or `directions`, a list of them)', None)
        goals = cls.parse(direction, directions, owner)
        names = header.get("objective_names")
        if names is None:
            return goals
        # A str was read a letter a name; names given twice collapsed two objectives into one.
        if not isinstance(names, list) or len(names) != goals.n or \
                not all(isinstance(name, str) and name for name in names) or len(set(names)) != len(names):
            raise fail("objective_names", owner, f"None or {goals.n} distinct non-empty str, one per direction", names)
        return cls(goals.directions, tuple(names), "dict")

    def continues(self, journal: Goals) -> bool:
        """Whether a study of these goals may continue a journal of ``journal``'s: the same
        directions and, for several objectives, the same names, in the same order. A tuple an
        objective returns is read in that order, so two orders of the same names would store
        every new trial's values under each other's names; one objective's name is only a label."""
        return self.directions == journal.directions and (not self.multi or self.names == journal.names)

    def study_arguments(self) -> dict[str, Any]:
        """The keyword arguments that give a new ``Study`` these goals (a fork, a reload)."""
        if not self.multi and self.given == "direction":
            return {"direction": self.directions[0]}
        if not self.multi and self.given == "list":
            return {"directions": list(self.directions)}
        return {"directions": dict(zip(self.names, self.directions, strict=True))}

    def describe(self) -> str:
        """For messages: "minimize" or "maximize accuracy, minimize seconds"."""
        if not self.multi:
            return self.directions[0].value
        return ", ".join(f"{d.value} {name}" for d, name in zip(self.directions, self.names, strict=True))


def read_constraints(constraints: Any, owner: str) -> tuple[float, ...] | None:
    """``constraints`` (None, or a sequence of reals: at most 0 is feasible) as a tuple of
    floats. NaN is refused (a constraint that was not measured cannot say the trial is
    feasible), and so are infinities and ints beyond a float: a journal holds finite numbers only."""
    if constraints is None:
        return None
    constraints = as_list(constraints)
    rule = "None or a list of finite real numbers, each at most 0 when the constraint is met"
    if not isinstance(constraints, Sequence) or isinstance(constraints, (str, bytes, bytearray)) or not constraints:
        raise fail("constraints", owner, rule, constraints)
    finite = tuple(number for number in (as_finite(as_scalar(c)) for c in constraints) if number is not None)
    if len(finite) != len(constraints):
        raise fail("constraints", owner, rule, constraints,
                   hint="A journal keeps finite numbers only: a constraint far from met can be a large one (1e300).")
    return finite


def any_constraints(trials: Iterable[Trial]) -> bool:
    """Whether any of ``trials`` carries constraint values: the study they make up has constraints."""
    return any(t.constraints is not None for t in trials)


def counts_as_feasible(trial: Trial, constrained: bool) -> bool:
    """Whether ``trial`` may be the best feasible point of a study that has constraints
    (``constrained``, :func:`any_constraints` of its trials) or not.

    ``Trial.feasible`` reads the trial alone: True when each of its constraints is at most 0,
    and True without constraints. In a study with constraints a trial without them (added by hand
    without ``constraints=``, or from before the objective reported them) is of unknown
    feasibility: it does not count, as constrained Bayesian optimization does not count it
    (``optimizers.bayes.constrained``), so ``best_trial``, ``best_trials`` and the running best
    agree with the optimizer. In a study without constraints every trial counts.

    Examples
    --------
    >>> from interactive_hpo.trial import Trial, TrialState
    >>> unmeasured = Trial(number=0, params={}, x=[], state=TrialState.COMPLETE, value=0.1)
    >>> unmeasured.feasible, counts_as_feasible(unmeasured, False), counts_as_feasible(unmeasured, True)
    (True, True, False)
    """
    return trial.feasible and (trial.constraints is not None or not constrained)


def unknown_feasibility_mask(trials: Sequence[Trial]) -> np.ndarray:
    """Which of ``trials`` (a study's) carry no constraint values in a study whose other trials
    do (:func:`counts_as_feasible`: their feasibility is unknown), an array of bool of shape (n,)."""
    constrained = any_constraints(trials)
    return np.array([constrained and t.constraints is None for t in trials], dtype=bool).reshape(len(trials))


def feasible_mask(trials: Sequence[Trial]) -> np.ndarray:
    """:func:`counts_as_feasible` of each of ``trials`` (a study's, in number order) in the study
    they make up, an array of bool of shape (n,) (not COMPLETE trials included: mask them apart)."""
    constrained = any_constraints(trials)
    return np.array([counts_as_feasible(t, constrained) for t in trials], dtype=bool).reshape(len(trials))


def _float(value: Any) -> float:
    try:
        return float(value)
    except OverflowError:  # an int beyond a float's range
        return math.inf if value > 0 else -math.inf


def _names_hint(result: Mapping[Any, Any], names: tuple[str, ...]) -> str:
    missing = [n for n in names if n not in result]
    extra = [k for k in result if k not in names]
    parts = ([f"missing {missing}"] if missing else []) + ([f"unknown {unknown_names(extra, names)}"] if extra else [])
    hint = "; ".join(parts)
    return hint[:1].upper() + hint[1:] + "."  # not capitalize(): it lowercases the names
