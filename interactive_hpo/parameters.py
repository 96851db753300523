"""Parameter types of a search space, each with its own codec to and from [0, 1].

- ``Float``: linear, or linear in ``log(value)`` when ``log=True``.
- ``Int``: integer ``v`` owns the bin ``[v, v + 1)`` of the interval ``[low, high + 1)``, mapped
  linearly (or in log) onto [0, 1]; decoding is ``floor``. So a uniform ``x`` is uniform over
  the integers, or log-uniform for ``log=True`` (each decade equally likely), and encoding
  puts an integer at the centre of its bin. Every integer decodes back to itself: for that, a
  linear Int spans at most 2**50 integers and a log Int stops at 10**13 (float64 coordinates
  cannot tell neighbours apart much beyond), both checked when it is built.
- ``Categorical``: ``k`` equal bins of ``[0, 1]``, one per choice, encoded at the bin centre.
  Choices are unordered; model-based optimizers read ``SearchSpace.kinds`` to treat them so.

Each type takes ``condition=(parent, values)``: the parameter exists only while the categorical
or integer ``parent`` takes one of ``values`` (:mod:`interactive_hpo.conditions`).
"""

from __future__ import annotations

import json
import math
from abc import ABC, abstractmethod
from collections.abc import Iterable
from typing import Any, ClassVar

import numpy as np

from ._validation import check_bool, check_choices, check_int, check_real, fail, is_int, is_real
from .conditions import Condition, check_condition

__all__ = ["Parameter", "Float", "Int", "Categorical", "PARAMETER_TYPES", "MAX_GRID_POINTS"]

#: The most levels :meth:`Parameter.levels` lists and configurations a grid may have
#: (:meth:`SearchSpace.grid`, ``GridSearch``): beyond it a grid is no longer a sensible plan, and
#: a resolution typed with a zero too many would take minutes and the machine's memory before any
#: error (``Float("x", 0, 1).levels(10**9)`` allocated 8 GB).
MAX_GRID_POINTS = 1_000_000

#: Bounds of Int: every integer in [-2**53, 2**53] is exactly a float, so the codec can hold it.
_INT_LIMIT = 2**53
#: Widest linear Int (``high - low + 1``) whose every integer survives ``from_unit(to_unit(v))``:
#: a bin is then 2**-50 of the unit interval, and a centre's coordinate, a few float64 ulps
#: (2**-53) off, decodes at most 0.31 of a bin from the true centre (0.08 measured): inside it.
#: At 2**53 two integers share one coordinate.
_INT_WIDTH = 2**50
#: Largest ``high`` of a log Int: decoding ``exp(log(low) + u * log-range)`` lands about
#: ``v * ln(v) * 2**-52`` from the centre of ``v``'s bin (the log's last digit, scaled back up):
#: measured, at most 0.05 at 10**13 and past the bin's edge (0.5) at 10**14.
_INT_LOG_HIGH = 10**13


class Parameter(ABC):
    """One dimension of a search space. Subclasses: :class:`Float`, :class:`Int`, :class:`Categorical`."""

    kind: ClassVar[str]
    name: str
    #: When the parameter is active (see :mod:`interactive_hpo.conditions`); None: always.
    condition: Condition | None = None

    def _check_name(self, name: Any) -> str:
        # A blank name is never meant. A padded one may be (Optuna takes any str, and journals
        # hold what they were given); the space editor trims what a person types.
        if not isinstance(name, str) or not name.strip():
            raise fail("name", type(self).__name__, "a non-empty str", name)
        return name

    @property
    def _owner(self) -> str:
        return f"{type(self).__name__}({self.name!r})"

    @abstractmethod
    def validate(self, value: Any) -> Any:
        """Return ``value`` in canonical form, or raise naming this parameter and its rule."""

    @abstractmethod
    def to_unit(self, value: Any) -> float:
        """Encode a valid value as a coordinate in [0, 1]."""

    @abstractmethod
    def from_unit(self, u: float) -> Any:
        """Decode a coordinate (clipped to [0, 1]) into a value."""

    def levels(self, resolution: int) -> tuple:
        """Ordered grid levels: ``resolution`` values for numbers (an int in [1,
        :data:`MAX_GRID_POINTS`]; fewer for an Int with fewer), every choice for categoricals."""
        return self._levels(check_int(resolution, "resolution", f"{self._owner}.levels", 1, MAX_GRID_POINTS))

    @abstractmethod
    def _levels(self, resolution: int) -> tuple:
        """:meth:`levels` for a ``resolution`` checked."""

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready description that :meth:`SearchSpace.from_dict` reads back."""
        fields = {"type": self.kind, "name": self.name, **self._fields()}
        if self.condition is not None:  # written only when set: unconditional spaces read as before
            fields["condition"] = [self.condition.parent, list(self.condition.values)]
        return fields

    @abstractmethod
    def _fields(self) -> dict[str, Any]:
        """The type's own fields for :meth:`to_dict`."""

    @property
    def scale(self) -> str:
        """How a plot axis should show this parameter: "linear", "log" or "categorical"."""
        return "log" if getattr(self, "log", False) else "linear"

    @abstractmethod
    def unit_length(self) -> tuple[float, str]:
        """The unit interval's length in this parameter's units, and the unit's name."""

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Parameter) and self._identity() == other._identity()

    def __hash__(self) -> int:
        return hash(self._identity())

    def _identity(self) -> str:
        # The JSON text, not the dict: True == 1 == 1.0 in Python, but as choices they are
        # different categories (see Categorical._key), and JSON spells them differently.
        return json.dumps(self.to_dict(), sort_keys=True)

    def __repr__(self) -> str:
        fields = {k: v for k, v in self.to_dict().items() if k not in ("type", "name")}
        args = ", ".join(f"{k}={v!r}" for k, v in fields.items())
        return f"{type(self).__name__}({self.name!r}, {args})"


class _Numeric(Parameter):
    """Shared codec of Float and Int: a linear or log map of ``[edge_low, edge_high]`` onto [0, 1]."""

    low: float
    high: float
    log: bool

    def _check_bounds(self, low: Any, high: Any, log: Any, *, integer: bool) -> None:
        if integer:
            self.low = check_int(low, "low", self._owner)
            self.high = check_int(high, "high", self._owner)
            for name, bound in (("low", self.low), ("high", self.high)):
                if not -_INT_LIMIT <= bound < _INT_LIMIT:  # the codec computes in floats: exact up to 2**53
                    raise fail(name, self._owner, "an int in [-2**53, 2**53) (the unit-cube codec holds those "
                               "exactly)", bound)
        else:
            self.low = check_real(low, "low", self._owner)
            self.high = check_real(high, "high", self._owner)
        if not self.high > self.low:
            # Equal bounds are a fixed value: a one-choice Categorical holds it (and every optimizer takes it).
            raise fail("high", self._owner, f"greater than low={self.low!r}", high,
                       hint=None if self.high != self.low else
                       f"To fix {self.name!r} at {self.low!r}, use Categorical({self.name!r}, [{self.low!r}]).")
        if not math.isfinite(float(self.high) - float(self.low)):
            raise fail("high", self._owner, f"within a float's range of low={self.low!r} (high - low must "
                       "be finite)", high, hint="The unit-cube codec divides by high - low; narrow the range, "
                                                "or search a rescaled parameter.")
        self.log = check_bool(log, "log", self._owner)
        if self.log and self.low <= 0:
            raise fail("low", self._owner, "> 0 when log=True", low,
                       hint="A log scale needs a positive lower bound; raise `low` or set log=False.")

    @property
    def _edges(self) -> tuple[float, float]:
        return float(self.low), float(self.high)

    def _forward(self, value: float) -> float:
        lo, hi = self._edges
        if self.log:
            return (math.log(value) - math.log(lo)) / (math.log(hi) - math.log(lo))
        return (value - lo) / (hi - lo)

    def _inverse(self, u: float) -> float:
        lo, hi = self._edges
        u = float(u)
        if not 0.0 < u < 1.0:  # the bounds exactly (exp(log(lo)) can miss lo by an ulp), NaN at low
            return hi if u >= 1.0 else lo
        if self.log:
            value = math.exp(math.log(lo) + u * (math.log(hi) - math.log(lo)))
        else:
            value = lo + u * (hi - lo)
        return min(max(value, lo), hi)

    def to_unit(self, value: Any) -> float:
        return self._forward(self.validate(value))

    def unit_length(self) -> tuple[float, str]:
        """The unit interval's length in this parameter's units: ``(length, "units" or "decades")``.

        Converts a unit-cube distance (a GP lengthscale, say) into something a person reads.
        """
        lo, hi = self._edges
        return (math.log10(hi / lo), "decades") if self.log else (hi - lo, "units")

    def _fields(self) -> dict[str, Any]:
        return {"low": self.low, "high": self.high, "log": self.log}


class Float(_Numeric):
    """A real-valued parameter in ``[low, high]``, optionally on a log scale.

    Parameters
    ----------
    name : str
        Not blank; unique within a space.
    low, high : float
        Finite, ``low < high`` (to fix a value, use a one-choice :class:`Categorical`).
    log : bool, default=False
        Uniform in ``log(value)``; needs ``low > 0``.
    condition : tuple (parent, value or list of values), optional
        The parameter exists only while ``parent``, a ``Categorical`` or ``Int`` of the same
        space, takes one of the values (a list or tuple, not a set); the space checks, when it is
        built, that the parent exists and can take each value (:mod:`interactive_hpo.conditions`).
        Default None: always active.

    Examples
    --------
    >>> Float("C", 1e-3, 1e3, log=True).from_unit(0.5)
    1.0
    >>> Float("C", 0.0, 1e3, log=True)
    Traceback (most recent call last):
    ...
    interactive_hpo.exceptions.InvalidParameterError: `low` of Float('C') must be > 0 when log=True; got 0.0. ...
    """

    kind = "float"

    def __init__(self, name: str, low: float, high: float, log: bool = False, condition: Any = None):
        self.name = self._check_name(name)
        self._check_bounds(low, high, log, integer=False)
        self.condition = check_condition(condition, self._owner)

    def validate(self, value: Any) -> float:
        return check_real(value, self.name, "the search space", self.low, self.high)

    def from_unit(self, u: float) -> float:
        return self._inverse(u)

    def _levels(self, resolution: int) -> tuple:
        space = np.geomspace if self.log else np.linspace
        values = space(self.low, self.high, resolution)
        return tuple(float(v) for v in np.clip(values, self.low, self.high))


class Int(_Numeric):
    """An integer parameter in ``[low, high]`` (both included), optionally on a log scale.

    Parameters
    ----------
    name : str
        Not blank; unique within a space.
    low, high : int
        ``low < high``, both in ``[-2**53, 2**53)`` with ``high - low < 2**50``: within these
        every integer's unit coordinate decodes back to it (``from_unit(to_unit(v)) == v``).
    log : bool, default=False
        Log-uniform over the integers (each decade equally likely); needs ``low > 0`` and
        ``high <= 10**13``.
    condition : tuple (parent, value or list of values), optional
        The parameter exists only while ``parent``, a ``Categorical`` or ``Int`` of the same
        space, takes one of the values (a list or tuple, not a set); the space checks, when it is
        built, that the parent exists and can take each value (:mod:`interactive_hpo.conditions`).
        Default None: always active.

    Examples
    --------
    >>> Int("n_estimators", 10, 200).from_unit(1.0)
    200
    """

    kind = "int"

    def __init__(self, name: str, low: int, high: int, log: bool = False, condition: Any = None):
        self.name = self._check_name(name)
        self._check_bounds(low, high, log, integer=True)
        self._check_resolvable()
        self.condition = check_condition(condition, self._owner)

    def _check_resolvable(self) -> None:
        """Neighbouring integers must get unit coordinates that decode apart in float64."""
        if self.log and self.high > _INT_LOG_HIGH:
            raise fail("high", self._owner, "at most 10**13 when log=True (beyond it float64 unit coordinates do "
                       "not tell neighbouring integers apart)", self.high,
                       hint="Use log=False, or search a rescaled parameter (in thousands, say).")
        if not self.log and self.high - self.low >= _INT_WIDTH:
            raise fail("high", self._owner, f"below low + 2**50 = {self.low + _INT_WIDTH} (in a wider range float64 "
                       "unit coordinates do not tell neighbouring integers apart)", self.high,
                       hint="Use log=True, or search a rescaled parameter (in thousands, say).")

    @property
    def _edges(self) -> tuple[float, float]:
        return float(self.low), float(self.high + 1)

    def validate(self, value: Any) -> int:
        """``value`` as an int in ``[low, high]``; a whole float (``3.0``, as a pandas column or
        JSON gives a count) counts as its int, any other float is refused."""
        if is_real(value) and not is_int(value) and math.isfinite(value) and float(value).is_integer() \
                and self.low <= value <= self.high:
            return int(value)
        return check_int(value, self.name, "the search space", int(self.low), int(self.high))

    def to_unit(self, value: Any) -> float:
        value = self.validate(value)
        return 0.5 * (self._forward(value) + self._forward(value + 1))

    def from_unit(self, u: float) -> int:
        if self.log:
            value = math.floor(self._inverse(u))
        else:
            # The offset from low in floats, then low added as an int: ``low + u * width`` in floats
            # rounds to whole numbers above 2**52, where the bin's centre (v + 0.5) does not exist.
            value = int(self.low) + math.floor(min(max(float(u), 0.0), 1.0) * (self.high - self.low + 1))
        return int(min(max(value, self.low), self.high))

    def _levels(self, resolution: int) -> tuple:
        if self.high - self.low + 1 <= resolution:
            return tuple(range(int(self.low), int(self.high) + 1))
        space = np.geomspace if self.log else np.linspace
        # Rounding log-spaced levels can merge neighbours, so there may be fewer than asked.
        return tuple(int(v) for v in np.unique(np.rint(space(self.low, self.high, resolution))))


class Categorical(Parameter):
    """An unordered choice among JSON scalars (str, int, float, bool or None).

    Parameters
    ----------
    name : str
        Not blank; unique within a space.
    choices : list or tuple
        The categories, in an order that is kept (it fixes the unit-cube encoding and what a
        journal records). Sets are refused: their order changes between processes, so a study
        resumed elsewhere would not recognise its own space. numpy scalars are taken as the
        Python values they hold (``np.int64(3)`` is ``3``).
    condition : tuple (parent, value or list of values), optional
        The parameter exists only while ``parent``, a ``Categorical`` or ``Int`` of the same
        space, takes one of the values (a list or tuple, not a set); the space checks, when it is
        built, that the parent exists and can take each value (:mod:`interactive_hpo.conditions`).
        Default None: always active.

    Examples
    --------
    >>> Categorical("kernel", ["linear", "rbf"]).from_unit(0.9)
    'rbf'
    """

    kind = "categorical"

    def __init__(self, name: str, choices: Iterable[Any], condition: Any = None):
        self.name = self._check_name(name)
        values = check_choices(choices, "choices", self._owner, self.name)
        # Positions by key, found in constant time: a pairwise duplicate check and a scan per
        # index() took 2.7 s to build 10^4 choices (a study imported from Optuna, say).
        self._positions: dict[tuple[bool, Any], int] = {}
        for i, choice in enumerate(values):
            if self._positions.setdefault(self._key(choice), i) != i:
                raise fail("choices", self._owner, "a list without duplicates", values,
                           hint=f"{choice!r} appears twice.")
        self.choices = tuple(values)
        self.condition = check_condition(condition, self._owner)

    @staticmethod
    def _key(value: Any) -> tuple[bool, Any]:
        # True == 1 in Python (and hashes alike), but a bool choice and an int choice are
        # different categories; 1 and 1.0 are one, as == says.
        return isinstance(value, bool), value

    def index(self, value: Any) -> int:
        """Position of ``value`` in ``choices``; raises naming the parameter if absent."""
        if isinstance(value, np.generic):
            value = value.item()
        try:
            return self._positions[self._key(value)]
        except (KeyError, TypeError):  # TypeError: an unhashable value (a list) is no choice either
            raise fail(self.name, "the search space", f"one of {list(self.choices)}", value) from None

    def validate(self, value: Any) -> Any:
        return self.choices[self.index(value)]

    def to_unit(self, value: Any) -> float:
        return (self.index(value) + 0.5) / len(self.choices)

    def from_unit(self, u: float) -> Any:
        k = len(self.choices)
        return self.choices[min(max(int(math.floor(float(u) * k)), 0), k - 1)]

    def _levels(self, resolution: int) -> tuple:
        return self.choices

    @property
    def scale(self) -> str:
        return "categorical"

    def unit_length(self) -> tuple[float, str]:
        """Categories have no distance: a categorical coordinate's kernel lengthscale is
        reported as is (two categories are one unit apart)."""
        return 1.0, "categorical"

    def _fields(self) -> dict[str, Any]:
        return {"choices": list(self.choices)}


PARAMETER_TYPES: dict[str, type[Parameter]] = {"float": Float, "int": Int, "categorical": Categorical}
