"""What a study evaluates: the ``Objective`` protocol and a wrapper for plain functions."""

from __future__ import annotations

import hashlib
import inspect
from collections.abc import Callable, Mapping
from typing import Any, Protocol, runtime_checkable

from .._validation import accepts_keyword, check_one_of, fail, requires_keyword
from ..space import SearchSpace
from ..trial import Evaluation
from .fingerprints import Unfingerprintable, function_fingerprint

__all__ = ["Objective", "FunctionObjective"]


@runtime_checkable
class Objective(Protocol):
    """Anything with a search space, a direction, and a call that scores params.

    ``__call__(params, *, budget=None)`` returns a float or an
    :class:`~interactive_hpo.trial.Evaluation` (a value plus details to store). ``budget`` in
    (0, 1] asks for a cheaper, lower-fidelity evaluation; None means the full budget.

    An objective that knows which budgets it takes may declare them as ``budget_range =
    (low, high)``, budgets ``low < b <= high`` with ``high`` its full evaluation
    (:class:`~interactive_hpo.objectives.sklearn_cv.SklearnCV` and
    :class:`~interactive_hpo.objectives.fidelity.MultiFidelity` declare ``(0.0, 1.0)``): a
    study refuses, before the first trial, a scheduler whose ``min_budget`` or ``max_budget``
    is beyond them. Without one (a plain function, a :class:`FunctionObjective`) budgets are
    in the objective's own units and are not checked.
    """

    space: SearchSpace
    direction: str

    def __call__(self, params: Mapping[str, Any], *, budget: float | None = None) -> float | Evaluation:
        ...


class FunctionObjective:
    """Wrap a Python callable ``fn(params) -> float`` as an :class:`Objective`.

    Parameters
    ----------
    fn : callable
        Called with a params dict; returns a float (or an ``Evaluation``). If it declares a
        ``budget`` keyword (by name: a bare ``**kwargs`` does not count), budgets are passed on;
        otherwise asking for a budget is an error naming ``budget``, as is calling without one
        an ``fn`` whose ``budget`` has no default. If it accepts a ``report`` keyword, it gets
        the study's ``report(value, step)``. The wrapper's signature (``inspect.signature``) is
        ``fn``'s in these keywords, so a study whose optimizer asks for budgets (Hyperband, ASHA)
        refuses an ``fn`` without one before any trial, as a parallel run does an ``fn`` that
        cannot do without ``report``.
    space : SearchSpace
    direction : {"minimize", "maximize"}
    name : str, optional
        Shown in plots and the Lab; defaults to the function's name.
    fingerprint : str, optional
        Your name for what ``fn`` computes, to change whenever its results would (``"v2, data of
        May 3"``): it keys a landscape cache in place of the hash of ``fn`` (:attr:`fingerprint`).
        Needed only where ``fn`` depends on something that cannot be hashed reliably (a fitted
        model, an open file, an object of your own without a ``fingerprint``).

    Examples
    --------
    >>> from interactive_hpo import Float, SearchSpace
    >>> f = FunctionObjective(lambda p: p["x"] ** 2, SearchSpace([Float("x", -1, 1)]))
    >>> f({"x": 0.5})
    0.25
    """

    def __init__(self, fn: Callable[..., Any], space: SearchSpace, direction: str = "minimize",
                 name: str | None = None, *, fingerprint: str | None = None):
        if not callable(fn):
            raise fail("fn", "FunctionObjective", "a callable fn(params) -> float", fn)
        if not isinstance(space, SearchSpace):
            raise fail("space", "FunctionObjective", "a SearchSpace", space)
        self.fn = fn
        self.space = space
        self.direction = check_one_of(direction, "direction", "FunctionObjective", ("minimize", "maximize"))
        if name is not None and (not isinstance(name, str) or not name):
            raise fail("name", "FunctionObjective", "a non-empty str (shown in plots and the Lab) or None", name)
        self.name = name or getattr(fn, "__name__", "objective")
        if fingerprint is not None and (not isinstance(fingerprint, str) or not fingerprint):
            raise fail("fingerprint", "FunctionObjective", "a non-empty str that changes whenever fn's results would, "
                       "or None (a hash of fn)", fingerprint)
        self._fingerprint = fingerprint
        # What inspects an objective's signature (a scheduler's check for `budget`, a parallel
        # run's for a required `report`) reads fn's keywords, not this wrapper's.
        self.__signature__ = _signature_of(fn)

    def __call__(self, params: Mapping[str, Any], *, budget: float | None = None,
                 report: Callable[[float, float], None] | None = None) -> float | Evaluation:
        # Python's own TypeError ("got an unexpected keyword argument") would not say what to do.
        owner = f"FunctionObjective({self.name!r})"
        if not isinstance(params, Mapping):  # dict(params) below failed with Python's words ("not iterable")
            raise fail("params", owner, "a dict of the parameters' values", params)
        if budget is not None and not accepts_keyword(self.fn, "budget"):
            raise fail("budget", owner, f"None: {self.name} takes no `budget` keyword", budget,
                       hint="To evaluate it at budgets (as Hyperband, ASHA and successive halving do), declare one "
                            "by name, def fn(params, *, budget=None) (a bare **kwargs does not count): a budget in "
                            "(0, 1], None for the full budget.")
        if budget is None and requires_keyword(self.fn, "budget"):
            raise fail("budget", owner, f"a float in (0, 1]: {self.name} has a `budget` keyword without a default",
                       budget, hint="Give it a default for the full budget, budget=None, or pass one.")
        kwargs: dict[str, Any] = {} if budget is None else {"budget": budget}
        if report is not None and accepts_keyword(self.fn, "report"):
            kwargs["report"] = report
        return self.fn(dict(params), **kwargs)

    @property
    def fingerprint(self) -> str:
        """A hash (16 hex digits) of what decides the values: ``fn``'s code, defaults, the values
        it closes over and the globals it reads, as they are now, through your own modules' code
        too (a library's functions by its name and version)
        (:func:`~interactive_hpo.objectives.fingerprints.function_fingerprint`), or the
        ``fingerprint`` given; the space and the direction. It keys the landscape cache.

        Raises
        ------
        Unfingerprintable
            Without a ``fingerprint`` given, when ``fn`` depends on a value that cannot be hashed
            reliably; the message names it.
        """
        try:
            code = self._fingerprint or function_fingerprint(self.fn)
        except Unfingerprintable as error:
            raise Unfingerprintable(f"{self!r} cannot be told apart from another function: {error}. Pass "
                                    f"FunctionObjective(..., fingerprint='...'), a text you change whenever "
                                    f"{self.name}'s results would.") from error
        settings = repr((self._fingerprint is not None, code, self.space.to_dict(), self.direction))
        return hashlib.sha256(settings.encode()).hexdigest()[:16]

    def __repr__(self) -> str:
        return f"FunctionObjective({self.name!r}, direction={self.direction!r})"


def _signature_of(fn: Callable[..., Any]) -> inspect.Signature:
    """A :class:`FunctionObjective`'s call as ``fn`` takes it: ``params``, then ``budget`` and
    ``report`` only where ``fn`` declares them, with ``fn``'s defaults."""
    parameters = [inspect.Parameter("params", inspect.Parameter.POSITIONAL_OR_KEYWORD)]
    for name in ("budget", "report"):
        if accepts_keyword(fn, name):
            default = inspect.signature(fn).parameters[name].default
            parameters.append(inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY, default=default))
    return inspect.Signature(parameters)
