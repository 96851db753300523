"""Fingerprints: short hashes of everything that decides an objective's values, the same in
every process, so a landscape cache (:mod:`interactive_hpo.landscape.cache`) never returns the
losses of another computation.

:func:`function_fingerprint` hashes a function by :func:`.splitting.function_bytes` (its code,
defaults, the values it closes over and the plain globals it reads) plus the exact bytes of
every value it depends on: a large array's repr elides its middle, and an object's repr may be
an address that a new object reuses. A value that cannot be told apart reliably raises
:class:`Unfingerprintable` naming it, so that a caller refuses to cache rather than guess.
"""

from __future__ import annotations

import enum
import functools
import hashlib
import inspect
import types
from collections.abc import Callable
from pathlib import PurePath
from typing import Any, NamedTuple

import numpy as np

from ..exceptions import Unfingerprintable
from .splitting import closed_over, data_bytes, function_bytes, names_read

__all__ = ["Unfingerprintable", "function_fingerprint"]   # Unfingerprintable from ..exceptions

# Values whose repr is exact (and holds no address): read by it.
_PLAIN = (bool, int, float, complex, str, bytes, type(None), type(Ellipsis), range, slice, PurePath, enum.Enum,
          np.generic, np.dtype)


class _Context(NamedTuple):
    home: str          # the module of the function hashed: its code and classes are the user's and may change
    seen: frozenset[int]  # ids of the functions and classes being hashed, so a recursive helper ends


def function_fingerprint(function: Callable[..., Any]) -> str:
    """A hash (16 hex digits) of everything that decides what ``function`` returns: its code, its
    defaults, the values it closes over and the globals it reads; the functions and classes of
    its own module (a notebook's) by their code, a library's by their names; for a bound method
    or a ``functools.partial``, the object or the arguments bound too.

    Raises
    ------
    Unfingerprintable
        Where one of those values is not plain data (numbers, text, arrays, containers of them,
        functions, classes, modules, a numpy Generator, or an object with a str ``fingerprint``):
        a fitted model, an open file, an object whose repr is its address. The message names it.
    """
    context = _Context(getattr(function, "__module__", None) or "__main__", frozenset())
    name = getattr(function, "__qualname__", None) or type(function).__name__
    try:
        return hashlib.sha256(_value_bytes(function, name, context)).hexdigest()[:16]
    except RecursionError:  # a container holding itself
        raise Unfingerprintable(f"a value {name} reads holds itself (or is nested too deeply to be hashed)") from None


def _value_bytes(value: Any, where: str, context: _Context) -> bytes:
    """The bytes that decide ``value`` (``where`` names it in an error)."""
    if isinstance(value, _PLAIN):
        return f"{type(value).__name__}:{value!r}".encode()
    if isinstance(value, (tuple, list)):
        return f"{type(value).__name__}[".encode() + b",".join(
            _value_bytes(item, f"an item of {where}", context) for item in value) + b"]"
    if isinstance(value, (set, frozenset)):  # sorted: their order follows the process's hash seed
        return b"set{" + b",".join(sorted(_value_bytes(item, f"an item of {where}", context) for item in value)) + b"}"
    if isinstance(value, dict):
        return b"dict{" + b",".join(_value_bytes(key, f"a key of {where}", context) + b":" +
                                    _value_bytes(item, f"{where}[{key!r}]", context)
                                    for key, item in value.items()) + b"}"
    if isinstance(value, np.ndarray):  # (texts, in an object array, by their values)
        held = data_bytes(value) if not value.dtype.hasobject else _value_bytes(value.tolist(), where, context)
        return f"ndarray:{value.dtype.str}{value.shape}:".encode() + held
    if type(value).__module__.split(".")[0] == "pandas" and type(value).__name__ in ("DataFrame", "Series"):
        # A notebook's data, read by its values (pandas is not imported here: the value is one already).
        frame = value.to_frame() if type(value).__name__ == "Series" else value
        parts = [np.asarray(frame.columns), np.asarray(frame.index), frame.dtypes.astype(str).tolist(),
                 [frame.iloc[:, i].to_numpy() for i in range(frame.shape[1])]]
        return b"pandas:" + _value_bytes(parts, where, context)
    if isinstance(value, np.random.Generator):  # its state decides its next draws exactly
        return b"Generator:" + repr(value.bit_generator.state).encode()
    fingerprint = getattr(value, "fingerprint", None)
    if isinstance(fingerprint, str):
        return f"{type(value).__qualname__}:fingerprint:{fingerprint}".encode()
    named = f"{getattr(value, '__module__', None)}.{getattr(value, '__qualname__', getattr(value, '__name__', ''))}"
    if isinstance(value, types.ModuleType):
        return f"module:{value.__name__}".encode()
    if isinstance(value, (type, types.FunctionType)) and (value.__module__ != context.home or
                                                          id(value) in context.seen):
        return f"{type(value).__name__}:{named}".encode()  # a library's (or one being hashed): by its name
    if isinstance(value, type):  # a class of the user's module: its methods and class attributes decide it
        inner = context._replace(seen=context.seen | {id(value)})
        members = {key: member for key, member in vars(value).items()  # its methods, __init__ too; not __dict__
                   if not (key.startswith("__") and key.endswith("__")) or
                   isinstance(member, (types.FunctionType, staticmethod, classmethod, property))}
        return f"class:{named}:".encode() + _value_bytes([base for base in value.__bases__], f"the bases of {where}",
                                                         inner) + _value_bytes(members, f"{where}", inner)
    if isinstance(value, types.FunctionType):
        return _function_bytes(value, where, context._replace(seen=context.seen | {id(value)}))
    if isinstance(value, (staticmethod, classmethod)):
        return _value_bytes(value.__func__, where, context)
    if isinstance(value, property):
        return b"property:" + _value_bytes((value.fget, value.fset), where, context)
    if isinstance(value, functools.partial):
        return b"partial:" + b"|".join((_value_bytes(value.func, where, context),
                                        _value_bytes(value.args, f"the arguments bound to {where}", context),
                                        _value_bytes(value.keywords, f"the keywords bound to {where}", context)))
    if inspect.ismethod(value):
        return b"method:" + _value_bytes(value.__self__, f"the object {where} is bound to", context) + \
            _value_bytes(value.__func__, where, context)
    if isinstance(value, (types.BuiltinFunctionType, np.ufunc)):
        bound = getattr(value, "__self__", None)   # a builtin method reads its object (rng.random its state)
        owner = b"" if bound is None or isinstance(bound, types.ModuleType) else \
            _value_bytes(bound, f"the object {where} is bound to", context)
        return f"builtin:{named}:{getattr(value, '__name__', '')}:".encode() + owner
    raise Unfingerprintable(f"{where} is of type {type(value).__name__}, neither plain data (numbers, text, "
                            "arrays, containers of them, functions) nor an object with a str `fingerprint`")


def _function_bytes(function: types.FunctionType, name: str, context: _Context) -> bytes:
    """:func:`.splitting.function_bytes` of ``function`` (named ``name``) plus the exact bytes of
    its defaults, the values it closes over and the globals it reads."""
    parts = [function_bytes(function, values=False),  # its values, exactly, follow
             _value_bytes(function.__defaults__, f"the defaults of {name}", context),
             _value_bytes(function.__kwdefaults__, f"the keyword defaults of {name}", context)]
    for variable, value in zip(function.__code__.co_freevars, closed_over(function), strict=True):
        parts.append(_value_bytes(value, f"the value `{variable}` {name} closes over", context))
    scope = function.__globals__
    for variable in sorted(names_read(function.__code__) & scope.keys()):  # not builtins, nor attributes' names
        parts.append(variable.encode() + b"=" +
                     _value_bytes(scope[variable], f"the global `{variable}` {name} reads", context))
    return b"function:" + b"\0".join(parts)
