"""Argument checks that all raise the same message template.

The template (DESIGN.md section 3)::

    `n_initial` of GaussianProcessBO must be an int in [1, inf); got 0.

Checks raise :class:`~interactive_hpo.exceptions.InvalidParameterError` where the user typed
the value, so the traceback points at their line, not deep inside an optimizer. The hints
that name what a person meant are in :mod:`interactive_hpo._names`, the check of a file path
in :mod:`interactive_hpo._paths`.
"""

from __future__ import annotations

import contextlib
import importlib
import inspect
import math
import numbers
import os
import re
import sys
import warnings
from collections.abc import Iterable, KeysView, Mapping
from collections.abc import Set as AbstractSet
from typing import Any

import numpy as np

from ._names import did_you_mean
from .exceptions import InvalidParameterError, MissingDependencyError

#: The package's folder: a warning points at the first frame outside it (:func:`warn_user`).
_PACKAGE = os.path.dirname(os.path.abspath(__file__)) + os.sep


def warn_user(message: str, category: type[Warning]) -> None:
    """``warnings.warn`` attributed to the first caller outside interactive_hpo: the user's line
    (a script's, a notebook cell's), however deep in the package the warning arose and by
    whichever path (``study.run`` or ``study.ask``). Python 3.12's ``skip_file_prefixes``."""
    frame, level = sys._getframe(1), 2  # stacklevel 2: warn_user's caller
    while frame.f_back is not None and (frame.f_code.co_filename.startswith(_PACKAGE)
                                        or frame.f_code.co_filename == contextlib.__file__):
        # contextlib's frames too: a warning raised entering the study's lock (``with``) is the
        # caller's, not contextlib.py's.
        frame, level = frame.f_back, level + 1
    warnings.warn(message, category, stacklevel=level)


#: Where the value given begins in a message :func:`fail` builds; what precedes it names the
#: argument, its owner and the rule, the failure's kind (:func:`failure_kind`).
_GOT = "; got "
#: A message :func:`fail` built, up to its value (perhaps after "InvalidParameterError: ", as
#: ``describe_error`` shows an exception an objective raised); the rule is any text, lines too.
_FAILED = re.compile(r"(?:\w+: )?`[^`\n]+` of .+? must be .+?(?=" + re.escape(_GOT) + ")", re.DOTALL)


def fail(name: str, owner: str, rule: str, value: Any, hint: str | None = None) -> InvalidParameterError:
    """Build the uniform error for argument ``name`` of ``owner`` breaking ``rule``.

    Returned, not raised, so call sites read ``raise fail(...)`` and tracebacks stay short.
    ``rule`` says what any value must be, never the value at hand (it goes in ``value`` or
    ``hint``): two errors of one rule are one kind of failure (:func:`failure_kind`).
    """
    message = f"`{name}` of {owner} must be {rule}{_GOT}{shown(value)}."
    if hint:
        message += f" {hint}"
    return InvalidParameterError(message)


def failure_kind(error: str) -> str:
    """The kind of failure an error text tells (a trial's ``trial.error``): for a message
    :func:`fail` built, the argument, its owner and the rule it broke without the value given and
    the hint (an objective returning 3 values where 2 are due breaks one rule with a new value
    each trial); any other text whole.

    Examples
    --------
    >>> failure_kind("`value` of the objective must be 2 values; got [0.1, 0.2, 0.3].")
    '`value` of the objective must be 2 values'
    >>> failure_kind("ZeroDivisionError: division by zero")
    'ZeroDivisionError: division by zero'
    """
    found = _FAILED.match(error)
    return error if found is None else found.group(0)


def shown(value: Any, limit: int = 200) -> str:
    """``repr(value)`` for a message: shortened past ``limit`` characters, and never raising
    (a huge int has no repr past 4300 digits; a user's ``__repr__`` may fail)."""
    if isinstance(value, int) and value.bit_length() > 3 * limit:  # 3 bits < 1 decimal digit
        return f"an int of about {int(value.bit_length() * math.log10(2)) + 1} digits"
    try:
        text = repr(value)
    except Exception as error:  # noqa: BLE001 - a message must not fail because of the value it shows
        return f"<{type(value).__name__} whose repr() raised {type(error).__name__}>"
    return text if len(text) <= limit else f"{text[: limit - 15]}... ({len(text)} characters)"


def describe_error(error: BaseException) -> str:
    """``"Type: message"`` for a trial's error text, even when the exception's ``__str__`` raises."""
    try:
        text = str(error)
    except Exception as failure:  # noqa: BLE001
        text = f"<its message could not be shown: str() raised {type(failure).__name__}>"
    return f"{type(error).__name__}: {text}" if text else type(error).__name__


def float_array(value: Any, name: str, owner: str, rule: str) -> np.ndarray:
    """``value`` as a float array of any shape; a clear error stating ``rule`` if it is not
    numeric (shape and finiteness are the caller's to check, with the same rule).

    A numpy masked array with masked entries is refused: ``np.asarray`` takes its data, masked
    entries and all, so values the person had set aside were used. Whether a masked entry is a
    missing value (NaN) depends on the argument, so the person says it: ``array.filled(np.nan)``
    where NaN is accepted, or the entries left out. A masked array with nothing masked is its data.
    """
    if np.ma.is_masked(value):  # its repr spans lines: its shape and mask said instead
        masked = np.ma.getmaskarray(value)
        raise InvalidParameterError(f"`{name}` of {owner} must be {rule}; got a masked array of shape {masked.shape} "
                                    f"with {int(masked.sum())} of {masked.size} entries masked. A masked entry holds "
                                    "no value here: fill them (array.filled(np.nan) where a missing value is "
                                    "allowed) or leave them out.")
    try:
        with warnings.catch_warnings():  # a complex array's imaginary part was dropped, with a warning only
            warnings.simplefilter("error", np.exceptions.ComplexWarning)
            return np.asarray(value, dtype=float)
    except (TypeError, ValueError, OverflowError, np.exceptions.ComplexWarning):  # an int past 1e308 is no float either
        raise fail(name, owner, rule, value) from None


def as_finite(value: Any) -> float | None:
    """``value`` as a finite float; None for non-numbers, NaN, inf and ints too large for a float
    (a 0-d array or tensor holding a real number is that number: :func:`as_scalar`)."""
    value = as_scalar(value)
    if not is_real(value):
        return None
    try:
        number = float(value)
    except (OverflowError, ValueError):
        return None
    return number if math.isfinite(number) else None


def as_scalar(value: Any) -> Any:
    """``value`` as the Python number it holds when it is a 0-d array or tensor (NumPy's,
    torch's, JAX's: shape ``()``), as a result or a loss often is (``np.array(0.5)``, a
    ``torch`` loss); anything else unchanged, so the caller's check judges it (a one-element
    array is still several values, a 0-d bool still a bool, a masked value no number)."""
    if isinstance(value, (numbers.Number, str, bytes)) or getattr(value, "shape", None) != () \
            or np.ma.is_masked(value):  # np.ma.masked's item() is 0.0: a missing value read as a number
        return value
    try:
        return value.item()
    except Exception:  # noqa: BLE001 - not a number container after all: the caller's check says so
        return value


def as_list(value: Any) -> Any:
    """``value`` as a list when it is a 1-D array or tensor (NumPy's, torch's, JAX's: ``ndim`` 1
    and ``tolist``), as several values or constraints often are; anything else unchanged."""
    return value.tolist() if getattr(value, "ndim", None) == 1 and callable(getattr(value, "tolist", None)) else value


def _interval(low: float | None, high: float | None, low_open: bool = False, high_open: bool = False) -> str:
    left = "(-inf" if low is None else ("(" if low_open else "[") + f"{low}"
    right = "inf)" if high is None else f"{high}" + (")" if high_open else "]")
    return f"{left}, {right}"


def is_real(value: Any) -> bool:
    """True for real numbers (Python or numpy), False for bools and everything else (a 0-d array
    too: callers that keep or hash the value as given need a number; :func:`check_real` and
    :func:`as_finite` read a 0-d array as the number it holds)."""
    if type(value) in (float, int):  # the common case, without the ABC's check (a journal's replay reads thousands)
        return True
    return isinstance(value, numbers.Real) and not isinstance(value, (bool, np.bool_))


def is_int(value: Any) -> bool:
    """True for ints (Python or numpy), False for bools (which Python counts as ints) and the rest
    (a 0-d array too, as for :func:`is_real`; :func:`check_int` reads one as its int)."""
    return isinstance(value, numbers.Integral) and not isinstance(value, (bool, np.bool_))


def check_int(value: Any, name: str, owner: str, low: int | None = None, high: int | None = None) -> int:
    """Return ``value`` as an ``int`` if it is an integer (not a bool) in ``[low, high]``; a 0-d
    array or tensor holding one (``np.array(5)``, as a computed setting often is) is that int."""
    given, value = value, as_scalar(value)
    if not is_int(value) or (low is not None and int(value) < low) or (high is not None and int(value) > high):
        raise fail(name, owner, f"an int in {_interval(low, high)}", given)
    return int(value)


def check_size(value: Any, name: str, owner: str, low: int, per: int, limit: int, unit: str) -> int:
    """``value`` as an int of at least ``low`` such that ``value * per`` ``unit`` (``per`` for
    each one) stay within ``limit``: a size that would exhaust memory is refused before anything
    is allocated, not by a MemoryError (or the machine's swap) after."""
    value = as_scalar(value)
    most = limit // per
    if is_int(value) and int(value) > most:
        raise fail(name, owner, f"an int in [{low}, {most}]", value,
                   hint=f"That is {per:,} {unit} each, and at most {limit:,} are held at once.")
    return check_int(value, name, owner, low, most)  # below ``low``: the same range ("[0, inf)" was shown)


def check_product(given: dict[str, int], owner: str, total: int, limit: int, unit: str) -> None:
    """Refuse settings of ``owner`` that each pass their own cap but whose product, ``total``
    ``unit`` (which says what is multiplied: "points to evaluate (levels x n_background)"), is
    more than ``limit``: before anything of that size is built. ``given`` maps each setting's
    name to its checked value; the message names them all, since lowering any one helps (where
    one setting meets sizes the data fixes, :func:`check_size` gives its range instead)."""
    if total > limit:
        names = " and ".join(f"`{name}`" for name in given)
        values = " and ".join(f"{name}={value}" for name, value in given.items())
        raise InvalidParameterError(f"{names} of {owner} must be small enough together for at most {limit:,} {unit}; "
                                    f"got {values}, which make {total:,}. Lower one of them.")


def check_real(
    value: Any,
    name: str,
    owner: str,
    low: float | None = None,
    high: float | None = None,
    *,
    low_open: bool = False,
    high_open: bool = False,
) -> float:
    """Return ``value`` as a finite ``float`` inside the given (optionally open) interval; a 0-d
    array or tensor holding a real number (``np.array(0.1)``, as a computed bound or rate often
    is) is that number, so what is stored (a space, settings, the journal) is a plain float."""
    given, value = value, as_scalar(value)
    ok = as_finite(value) is not None
    if ok and low is not None:
        ok = value > low if low_open else value >= low
    if ok and high is not None:
        ok = value < high if high_open else value <= high
    if not ok:
        interval = _interval(low, high, low_open, high_open)
        raise fail(name, owner, f"a finite real number in {interval}", given)
    return float(value)


def check_level(level: Any, owner: str) -> float:
    """``level``, the probability a central interval or a band covers, in (0, 1) (0.9: from the
    5th to the 95th percentile)."""
    return check_real(level, "level", owner, 0.0, 1.0, low_open=True, high_open=True)


def check_one_of(value: Any, name: str, owner: str, options: Iterable[Any], what: str = "") -> Any:
    """Return ``value`` if it is one of ``options`` (``what`` names them in the error, as in
    "one of the landscape's parameters ['a', 'b']")."""
    options = list(options)
    # An array is never one of them: `array in options` compares elementwise and raised "The
    # truth value of an array ... is ambiguous" instead of saying what was wrong.
    if isinstance(value, np.ndarray) or value not in options:
        raise fail(name, owner, f"one of {what + ' ' if what else ''}{options}", value,
                   hint=did_you_mean(value, options))
    return value


#: Types a categorical choice may have: they must survive a JSON round trip unchanged.
_CHOICE_TYPES = (str, bool, int, float, type(None))


def check_choices(choices: Any, name: str, owner: str, parameter: str = "<name>") -> list[Any]:
    """``choices`` (argument ``name`` of ``owner``) as a non-empty list of finite JSON scalars (str,
    int, float, bool or None), numpy scalars as the Python values they hold (``np.int64(3)`` is
    ``3``, an ``np.str_`` a str), in the order given: sets (but dict keys) are refused. Tuples
    (``ngram_range=(1, 2)``) are refused with the recipe that names them by str instead, for
    the ``parameter`` they are the choices of."""
    if isinstance(choices, (str, bytes, Mapping)) or not isinstance(choices, Iterable):
        raise fail(name, owner, "a non-empty list of str, int, float, bool or None", choices)
    if isinstance(choices, AbstractSet) and not isinstance(choices, KeysView):  # dict keys keep their order
        # A set's order changes from one process to the next (string hashing is salted), and
        # the order is what the unit-cube codec and the journal's space record.
        raise fail(name, owner, "an ordered collection (a list or tuple)", choices,
                   hint="Sets have no fixed order; pass sorted(choices) or a list in the order you want.")
    values = [choice.item() if isinstance(choice, np.generic) else choice for choice in choices]
    if not values:
        raise fail(name, owner, "a non-empty list of str, int, float, bool or None", values)
    for choice in values:
        finite = not isinstance(choice, float) or math.isfinite(choice)
        if not isinstance(choice, _CHOICE_TYPES) or not finite:
            raise fail(name, owner, "a list of str, int, float, bool or None (finite)", values,
                       hint=f"{shown(choice, 80)} cannot be stored in a JSON journal." + (
                           _named_choices(values, parameter) if isinstance(choice, (tuple, list)) else ""))
    return values


def _named_choices(values: list[Any], parameter: str) -> str:
    """The recipe for tuple choices: str names in the space, the tuples set on the estimator."""
    named = {",".join(map(str, value)) if isinstance(value, (tuple, list)) else str(value): value for value in values}
    return (f" Name each choice by a str and turn the names back into them where they are used: choices = "
            f"{shown(named, 120)}; Categorical({parameter!r}, list(choices)) and, in a scikit-learn search or task, "
            f"estimator_params=lambda p: {{**p, {parameter!r}: choices[p[{parameter!r}]]}}.")


def check_bool(value: Any, name: str, owner: str) -> bool:
    """Return ``value`` if it is a bool (numpy bools included)."""
    if not isinstance(value, (bool, np.bool_)):
        raise fail(name, owner, "a bool", value)
    return bool(value)


def seed_to_int(seed: Any, owner: str, name: str = "seed") -> int:
    """Turn ``seed`` (int, ``numpy.random.Generator`` or None; argument ``name`` of ``owner``)
    into a non-negative int.

    Optimizers record this int in the journal, so a study resumed from disk rebuilds the
    same random streams even when the user passed a Generator or no seed at all.
    """
    if seed is None:
        return int(np.random.SeedSequence().generate_state(1, dtype=np.uint64)[0] >> 1)
    if isinstance(seed, np.random.Generator):
        return int(seed.integers(0, 2**62))
    given, seed = seed, as_scalar(seed)  # np.array(3), as every int argument reads it
    if isinstance(seed, numbers.Integral) and not isinstance(seed, (bool, np.bool_)) and int(seed) >= 0:
        return int(seed)
    raise fail(name, owner, "a non-negative int, a numpy.random.Generator or None", given)


def check_no_seed_setting(settings: Any, owner: str, name: str = "optimizer_settings",
                          hint: str | None = None) -> None:
    """Refuse ``"seed"`` among the settings ``name`` of ``owner``, which also takes ``seed``: it
    overrode ``seed=`` unseen (and the seeds derived from it, the folds' included, did not follow).
    ``hint`` says what to do instead where ``owner`` has no ``seed=`` of its own (a fork)."""
    if isinstance(settings, Mapping) and "seed" in settings:
        if hint is not None:  # an owner without `seed=`
            raise fail(name, owner, "settings without 'seed'", {"seed": settings["seed"]}, hint=hint)
        raise fail(name, owner, "settings without 'seed' (the seed is an argument of its own, `seed`)",
                   {"seed": settings["seed"]}, hint=f"It would override `seed` of {owner} for the optimizer alone: "
                                                    f"pass seed={shown(settings['seed'])} instead.")


def generator_of(seed: Any, owner: str, name: str = "seed") -> np.random.Generator:
    """``seed`` as a numpy Generator: a Generator is used as it is (its stream goes on), an int
    seeds a new one, None seeds one from fresh entropy; anything else is refused naming ``name``
    of ``owner``."""
    if isinstance(seed, np.random.Generator):
        return seed
    return np.random.default_rng(seed_to_int(seed, owner, name))


def import_optional(module: str, extra: str, purpose: str) -> Any:
    """Import an optional heavy dependency, or explain which extra installs it."""
    try:
        return importlib.import_module(module)
    except ImportError as error:
        raise MissingDependencyError(
            f"{purpose} needs the optional dependency `{module}`, which is not installed. "
            f"Install it with: pip install 'interactive_hpo[{extra}]'"
        ) from error


def require_extra(modules: tuple[str, ...], extra: str, purpose: str) -> None:
    """Import each of ``modules`` or raise :func:`import_optional`'s error naming ``extra``: what a
    package needing them checks first, so a missing extra is named, not a bare ``No module named
    'ipywidgets'`` from a module deep inside it."""
    for module in modules:
        import_optional(module, extra, purpose)


def _declared(fn: Any, name: str) -> inspect.Parameter | None:
    """``fn``'s parameter ``name``, or None (not declared, or a builtin without a signature)."""
    try:
        return inspect.signature(fn).parameters.get(name)
    except (TypeError, ValueError):
        return None


def requires_keyword(fn: Any, name: str) -> bool:
    """Whether ``fn`` cannot be called without the keyword argument ``name`` (declared, no default)."""
    parameter = _declared(fn, name)
    return parameter is not None and parameter.kind is not parameter.VAR_KEYWORD \
        and parameter.default is parameter.empty


def accepts_keyword(fn: Any, name: str) -> bool:
    """Whether ``fn`` declares the keyword argument ``name``.

    A bare ``**kwargs`` does not count: wrappers that pass everything on would hand the
    keyword to a function that does not expect it.
    """
    parameter = _declared(fn, name)
    return parameter is not None and parameter.kind in (parameter.KEYWORD_ONLY, parameter.POSITIONAL_OR_KEYWORD)
