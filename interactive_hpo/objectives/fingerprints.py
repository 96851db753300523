"""Fingerprints: short hashes of everything that decides an objective's values, the same in
every process, so a landscape cache (:mod:`interactive_hpo.landscape.cache`) never returns the
losses of another computation.

:func:`function_fingerprint` hashes a function by :func:`.splitting.function_bytes` (its code,
defaults, the values it closes over and the globals it reads) plus the exact bytes of
every value it depends on: a large array's repr elides its middle, and an object's repr may be
an address that a new object reuses. The user's code (a notebook's, or a module whose file is
outside the standard library and site-packages, such as a ``helpers.py`` beside the notebook)
is hashed by its code and the values it reads, so editing a helper there keys a new file; a
library's function, class or module by its name and its distribution's version (an upgrade may
change its values), the standard library's by its name and Python's version. A value that
cannot be told apart reliably raises :class:`Unfingerprintable` naming it, so that a caller
refuses to cache rather than guess.
"""

from __future__ import annotations

import abc
import collections
import enum
import functools
import hashlib
import importlib.metadata
import inspect
import os
import site
import sys
import sysconfig
import types
from collections.abc import Callable
from pathlib import Path, PurePath
from typing import Any, NamedTuple

import numpy as np

from ..exceptions import Unfingerprintable
from .splitting import closed_over, data_bytes, function_bytes, names_read

__all__ = ["Unfingerprintable", "function_fingerprint"]   # Unfingerprintable from ..exceptions

# Values whose repr is exact (and holds no address): read by it.
_PLAIN = (bool, int, float, complex, str, bytes, type(None), type(Ellipsis), range, slice, PurePath, enum.Enum,
          np.generic, np.dtype)
_PACKAGE = __name__.split(".")[0]
_ARRAY_FUNCTION = type(np.mean)   # numpy's functions (numpy >= 2: not Python functions), keyed as builtins
_LRU_CACHE = type(functools.lru_cache(lambda: None))
# A NamedTuple's field accessor: its fields are in `_fields`, which is hashed.
_TUPLEGETTER = type(vars(collections.namedtuple("_Probe", "field"))["field"])


class _Context(NamedTuple):
    home: str          # the module of the function hashed: its code and classes are the user's and may change
    seen: frozenset[int]  # ids of the functions, classes and modules being hashed, so a recursive helper ends
    names: frozenset[str]  # the names the code being hashed reads: the attributes of a user's module it may use


def function_fingerprint(function: Callable[..., Any]) -> str:
    """A hash (16 hex digits) of everything that decides what ``function`` returns: its code, its
    defaults, the values it closes over and the globals it reads; the functions, classes and
    modules of the user's code (its own module, a notebook's, and any module whose file is
    outside the standard library and site-packages) by their code and the values they read, a
    library's by their names and versions; for a bound method or a ``functools.partial``, the
    object or the arguments bound too.

    Raises
    ------
    Unfingerprintable
        Where one of those values is not plain data (numbers, text, arrays, containers of them,
        functions, classes, modules, a numpy Generator, or an object with a str ``fingerprint``):
        a fitted model, an open file, an object whose repr is its address. The message names it.
    """
    context = _Context("", frozenset(), frozenset())
    if not isinstance(function, types.FunctionType) or _library_of(function, context) is None:  # a library's: by name
        context = context._replace(home=getattr(function, "__module__", None) or "__main__")
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
                                    _value_bytes(item, f"the item {key!r} of {where}", context)
                                    for key, item in value.items()) + b"}"
    if isinstance(value, np.ndarray):  # (texts, in an object array, by their values)
        held = data_bytes(value) if not value.dtype.hasobject else _value_bytes(value.tolist(), where, context)
        return f"ndarray:{value.dtype.str}{value.shape}:".encode() + held
    if type(value).__module__.split(".")[0] == "pandas" and type(value).__name__ in ("DataFrame", "Series"):
        return b"pandas:" + _value_bytes(_frame_parts(value), where, context)
    if isinstance(value, np.random.Generator):  # its state decides its next draws exactly
        return b"Generator:" + repr(value.bit_generator.state).encode()
    if isinstance(value, types.ModuleType):
        return _module_bytes(value, where, context)
    fingerprint = getattr(value, "fingerprint", None)   # an object's; a class is read by its code
    if isinstance(fingerprint, str) and not isinstance(value, type):
        return f"{type(value).__qualname__}:fingerprint:{fingerprint}".encode()
    if isinstance(value, _LRU_CACHE):   # what it returns is what the function it wraps returns
        return b"lru_cache:" + _value_bytes(value.__wrapped__, where, context)
    if isinstance(value, functools.cached_property):
        return b"cached_property:" + _value_bytes(value.func, where, context)
    named = f"{getattr(value, '__module__', None)}.{getattr(value, '__qualname__', getattr(value, '__name__', ''))}"
    if isinstance(value, (type, types.FunctionType)):
        library = _library_of(value, context)
        if library is not None or id(value) in context.seen:   # a library's (or one being hashed): by its name
            return f"{type(value).__name__}:{named}@{library}".encode()
        inner = context._replace(seen=context.seen | {id(value)})
        if isinstance(value, type):
            return _class_bytes(value, where, inner)
        return _function_bytes(value, where, inner)
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
    if isinstance(value, (types.BuiltinFunctionType, types.WrapperDescriptorType, types.MethodWrapperType,
                          types.MethodDescriptorType, types.ClassMethodDescriptorType, np.ufunc, _ARRAY_FUNCTION)):
        bound = getattr(value, "__self__", None)   # a builtin method reads its object (rng.random its state)
        owner = b"" if bound is None or isinstance(bound, types.ModuleType) else \
            _value_bytes(bound, f"the object {where} is bound to", context)
        module = getattr(value, "__module__", None)
        version = _version(module) if isinstance(module, str) else ""
        return f"builtin:{named}@{version}:{getattr(value, '__name__', '')}:".encode() + owner
    raise Unfingerprintable(f"{where} is of type {type(value).__name__}, neither plain data (numbers, text, "
                            "arrays, containers of them, functions) nor an object with a str `fingerprint`")


def _frame_parts(value: Any) -> list[Any]:
    """What decides a pandas DataFrame or Series (pandas is not imported here: the value is one
    already): its columns, index, dtypes and values, and each categorical dtype's categories and
    whether they are ordered (its str is "category" whatever they are, and their order decides
    the codes)."""
    frame = value.to_frame() if type(value).__name__ == "Series" else value
    dtypes = [*frame.dtypes.tolist(), frame.index.dtype, frame.columns.dtype]
    categories = [(np.asarray(dtype.categories), dtype.ordered) for dtype in dtypes if hasattr(dtype, "categories")]
    return [np.asarray(frame.columns), np.asarray(frame.index), [str(dtype) for dtype in dtypes], categories,
            [frame.iloc[:, i].to_numpy() for i in range(frame.shape[1])]]


def _class_bytes(cls: type, where: str, context: _Context) -> bytes:
    """A user's class by its bases, methods and class attributes (and the names its methods read:
    a module it holds is read by them)."""
    named = f"class `{cls.__qualname__}` ({where})"
    members = {key: member for key, member in vars(cls).items()  # its methods, __init__ too; not __dict__
               if not (key == "_abc_impl" and isinstance(cls, abc.ABCMeta)) and  # an ABC's registry of subclasses
               not isinstance(member, _TUPLEGETTER) and  # a NamedTuple's field: its `_fields` are hashed
               (not (key.startswith("__") and key.endswith("__")) or
                isinstance(member, (types.FunctionType, staticmethod, classmethod, property)))}
    methods = [getattr(member, attribute, member) for member in members.values()  # a property's too
               for attribute in ("__func__", "fget", "fset", "func")]
    inner = context._replace(names=context.names.union(
        *(names_read(method.__code__) for method in methods if isinstance(method, types.FunctionType))))
    parts = [f"class:{cls.__module__}.{cls.__qualname__}:".encode(),
             *(_value_bytes(base, f"a base of {named}", inner) for base in cls.__bases__), b"members:"]
    for key, member in members.items():
        parts.append(key.encode() + b"=" + (b"slot" if isinstance(member, types.MemberDescriptorType) else  # its name
                                            _value_bytes(member, f"the attribute `{key}` of {named}", inner)))
    return b"\0".join(parts)


def _function_bytes(function: types.FunctionType, where: str, context: _Context) -> bytes:
    """:func:`.splitting.function_bytes` of ``function`` (reached as ``where``) plus the exact
    bytes of its defaults, the values it closes over and the globals it reads."""
    name = function.__qualname__
    reached = "" if where == name else f" ({where})"   # a helper: how the function hashed reaches it
    context = context._replace(names=frozenset(names_read(function.__code__)))
    parts = [function_bytes(function, values=False),  # its values, exactly, follow
             _value_bytes(function.__defaults__, f"the defaults of {name}{reached}", context),
             _value_bytes(function.__kwdefaults__, f"the keyword defaults of {name}{reached}", context)]
    for variable, value in zip(function.__code__.co_freevars, closed_over(function), strict=True):
        parts.append(_value_bytes(value, f"the value `{variable}` {name} closes over{reached}", context))
    scope = function.__globals__
    for variable in sorted(context.names & scope.keys()):  # not builtins, nor attributes' names
        parts.append(variable.encode() + b"=" +
                     _value_bytes(scope[variable], f"the global `{variable}` {name} reads{reached}", context))
    return b"function:" + b"\0".join(parts)


def _module_bytes(module: types.ModuleType, where: str, context: _Context) -> bytes:
    """A library's module by its name and version; a user's by the attributes of it that the code
    reaching it reads (``helpers.loss``: the function ``loss``, by its code)."""
    file = getattr(module, "__file__", None) or next(iter(getattr(module, "__path__", None) or ()), None)
    builtin = getattr(getattr(module, "__spec__", None), "origin", None) in ("built-in", "frozen")
    if file is None and not (builtin or module.__name__ in sys.builtin_module_names):
        raise Unfingerprintable(f"{where} is the module `{module.__name__}`, which has no file: neither a "
                                "library's nor code of yours that can be read")
    version = _library_version(module.__name__, file, builtin=file is None)
    if version is not None:
        return f"module:{module.__name__}@{version}".encode()
    if id(module) in context.seen:
        return f"module:{module.__name__}".encode()
    inner = context._replace(seen=context.seen | {id(module)})
    scope = vars(module)
    return f"module:{module.__name__}:".encode() + b"\0".join(
        variable.encode() + b"=" + _value_bytes(
            scope[variable], f"the attribute `{variable}` of module `{module.__name__}` ({where})", inner)
        for variable in sorted(context.names & scope.keys()))


def _library_of(value: type | types.FunctionType, context: _Context) -> str | None:
    """The version that keys a library's function or class by its name, None for the user's:
    one of the module hashed (a notebook's), or whose file is outside the standard library and
    site-packages (a class or function of a module not imported, made by ``exec``, is taken for
    the user's: hashed by its code)."""
    module = value.__module__
    if module == context.home:
        return None
    code = getattr(value, "__code__", None)
    file = code.co_filename if code is not None else getattr(sys.modules.get(module), "__file__", None)
    return _library_version(module, file, builtin=module in sys.builtin_module_names)


def _library_version(module: str, file: str | None, builtin: bool) -> str | None:
    """The version keying ``module`` (or a function or class of it, from ``file``) by its name if
    it is a library's: a builtin module, one of the standard library or a site-packages, or this
    package (whose code is the tool, not the user's, even installed editable: a user's function
    that reads one of its classes is keyed by its version, as its objectives are); None for the
    user's code, to be hashed."""
    if builtin or module.split(".")[0] == _PACKAGE or (file is not None and _in_library(file)):
        return _version(module)
    return None


@functools.cache
def _in_library(file: str) -> bool:
    """Whether ``file`` is a library's: in the standard library or a site-packages (a user's
    modules are elsewhere, beside the notebook or in a project)."""
    parts = Path(os.path.realpath(file)).parts
    if "site-packages" in parts or "dist-packages" in parts:
        return True
    return os.path.realpath(file).startswith(_library_directories())


@functools.cache
def _library_directories() -> tuple[str, ...]:
    """The standard library's directories and the site-packages, of this environment and its base."""
    directories = {sysconfig.get_paths()[key] for key in ("stdlib", "platstdlib", "purelib", "platlib")}
    directories |= {sysconfig.get_path("stdlib", vars={"installed_base": base, "base": base})
                    for base in (sys.base_prefix, sys.base_exec_prefix)}
    directories |= set(getattr(site, "getsitepackages", list)())
    return tuple(os.path.join(os.path.realpath(directory), "") for directory in directories)


@functools.cache
def _version(module: str) -> str:
    """The version of the distribution that ``module`` belongs to (an upgrade may change what its
    functions return, so it keys new files): Python's for the standard library, else its
    package's ``__version__`` or, without one, its distribution's by importlib.metadata."""
    package = module.split(".")[0]
    if package in sys.stdlib_module_names or package in sys.builtin_module_names:
        return f"python{sys.version_info.major}.{sys.version_info.minor}"
    version = getattr(sys.modules.get(package), "__version__", None)
    if isinstance(version, str):
        return version
    distributions = _distributions().get(package) or [""]
    try:
        return f"{distributions[0]}{importlib.metadata.version(distributions[0])}"
    except (importlib.metadata.PackageNotFoundError, ValueError):
        return ""


@functools.cache
def _distributions() -> dict[str, list[str]]:
    """The distributions of each top-level package (importlib.metadata.packages_distributions,
    read once: it reads every distribution installed)."""
    return dict(importlib.metadata.packages_distributions())
