"""Classes by name, as a journal names them: what the optimizer and pruner registries share.

A journal records an optimizer or a pruner by a name and its settings, and a load rebuilds it
from the class registered under that name. So a name must say which class it is: a class is
registered only under its own ``name`` (the one a journal records), and a name another class
holds is refused (every journal naming it would be replayed by the other class).
"""

from __future__ import annotations

import importlib
import inspect
from collections.abc import Mapping
from typing import Any, Generic, TypeVar

from ._names import did_you_mean
from ._validation import fail

__all__ = ["Registry", "same_class", "where"]

C = TypeVar("C")


def where(entry: str | type) -> str:
    """A class, or an import path to one, as "module:Class": the same for a class and the path
    to it, and for a class defined again under the same module and name (a notebook cell run
    twice)."""
    return entry if isinstance(entry, str) else f"{entry.__module__}:{entry.__qualname__}"


def same_class(one: type, other: type) -> bool:
    """Whether two classes are one for a journal: the same object, or the same "module:Class"
    (defined again: a notebook cell run twice, a module reloaded). Classes a function makes
    (``<locals>`` in their name) are told apart by object: two calls of a factory make two
    classes under one name, and a journal naming one would rebuild the other."""
    return one is other or ("<locals>" not in one.__qualname__ and where(one) == where(other))


class Registry(Generic[C]):
    """Subclasses of ``base`` by registry name; ``kind`` names them in messages ("optimizer").

    Parameters
    ----------
    kind : str
        What is registered, as messages say it; the functions a person calls are
        ``register_<kind>`` and ``unregister_<kind>``.
    base : type
        The class every entry subclasses.
    built_in : mapping from str to class or "module:Class"
        The entries that stay registered. An import path is imported on first use (so that the
        Bayesian optimizer's entry does not import torch).
    aliases : mapping from str to str, optional
        Words people type for a name ("bayesian" for "bo"): an unknown name close to one is
        refused with the name it meant ("Did you mean 'bo'?"), never accepted for it.
    """

    def __init__(self, kind: str, base: type, built_in: Mapping[str, str | type[C]],
                 aliases: Mapping[str, str] | None = None):
        self.kind, self.base = kind, base
        self._aliases = dict(aliases or {})
        self._entries: dict[str, str | type[C]] = dict(built_in)
        self._built_in = frozenset(built_in)

    def names(self) -> list[str]:
        """Registered names, sorted."""
        return sorted(self._entries)

    def is_built_in(self, name: str) -> bool:
        """Whether ``name`` is a built-in entry (one that stays registered; its module may not be
        imported yet)."""
        return name in self._built_in

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and name in self._entries

    def register(self, cls_or_path: type[C] | str, name: str | None = None) -> None:
        """``register_<kind>``: see :func:`~interactive_hpo.optimizers.registry.register_optimizer`.

        An import path is imported now: the class's own ``name`` has to be checked where the
        registration was typed, and nothing but the class can tell it.
        """
        owner = f"register_{self.kind}"
        cls = self._imported(cls_or_path, owner) if isinstance(cls_or_path, str) else cls_or_path
        if not (inspect.isclass(cls) and issubclass(cls, self.base)):
            article = "an" if self.base.__name__[0] in "AEIOU" else "a"
            raise fail("cls_or_path", owner, f"{article} {self.base.__name__} subclass or an import path",
                       cls_or_path)
        own = getattr(cls, "name", None)
        if not isinstance(own, str) or not own:
            raise fail("cls_or_path", owner, "a class with a `name` of its own (what a journal records)", cls_or_path,
                       hint="Set the class attribute `name`.")
        key = own if name is None else name
        taken = self._entries.get(key)
        # The class registered already, by another path to it (a package's re-export), or defined
        # again under its module and name (a notebook cell run twice), is no other class.
        if taken is not None and not same_class(self._resolve(taken), cls):
            hint = f"a built-in {self.kind}: give yours another name" if key in self._built_in else \
                f"call unregister_{self.kind}({key!r}) first to put another {self.kind} under that name"
            raise fail("name", owner, f"a name no other {self.kind} is registered under", key,
                       hint=f"{key!r} is taken by {where(taken)}, {hint}.")
        if key != own:
            # A journal records the class's own name: under another key, a study resumed with the
            # class of that name (or was refused, told to register what was registered).
            raise fail("name", owner, f"None or the class's own `name`, {own!r} (what a journal records)", name,
                       hint="Set the class attribute `name` to register it under another name.")
        if key not in self._built_in:  # a built-in's entry stays its lazy path
            self._entries[key] = cls_or_path

    def unregister(self, name: str) -> None:
        """``unregister_<kind>``: take a plug-in's ``name`` out (a built-in one stays)."""
        if name not in self or name in self._built_in:
            plug_ins = sorted(set(self._entries) - self._built_in)
            raise fail("name", f"unregister_{self.kind}", f"the name of a registered plug-in, one of {plug_ins}", name,
                       hint=f"Built-in {self.kind}s stay registered." if name in self._built_in else None)
        del self._entries[name]

    def get(self, name: Any, argument: str, owner: str) -> type[C]:
        """The class registered under ``name`` (its module imported if need be); an unknown name
        is refused as ``argument`` of ``owner``, where it was typed."""
        if name not in self:
            raise fail(argument, owner, f"one of {self.names()}", name,
                       hint=did_you_mean(name, self.names(), self._aliases))
        return self._resolve(self._entries[name])

    def find(self, name: str) -> type[C] | None:
        """The class a journal's ``name`` names: the one registered under it, or the registered
        class that ``name`` is the "module:Class" of (recorded before it was registered); None."""
        if name in self:
            return self._resolve(self._entries[name])
        for entry in self._entries.values():
            try:
                found = self._resolve(entry)
            except (ImportError, AttributeError):  # a plug-in's module edited since: it breaks no other load
                continue
            if where(found) == name:
                return found
        return None

    def holds(self, cls: type) -> bool:
        """Whether ``cls`` (or a class defined again under its module and name) is the one
        registered under its ``name``: what a journal naming it rebuilds."""
        own = getattr(cls, "name", None)
        return isinstance(own, str) and own in self and same_class(self._resolve(self._entries[own]), cls)

    @staticmethod
    def _resolve(entry: str | type[C]) -> type[C]:
        if isinstance(entry, str):  # Python caches the module: resolving again costs a lookup
            module, _, attr = entry.partition(":")
            return getattr(importlib.import_module(module), attr)  # type: ignore[no-any-return]
        return entry

    def _imported(self, path: str, owner: str) -> Any:
        """The object ``path`` ("module:Class") names, or the refusal naming it."""
        module, colon, attr = path.partition(":")
        try:
            if not (module and colon and attr):
                raise ValueError("it is not of the form 'module:Class'")
            return getattr(importlib.import_module(module), attr)
        except (ImportError, AttributeError, ValueError) as error:
            raise fail("cls_or_path", owner, "an import path 'module:Class' that imports", path,
                       hint=f"{type(error).__name__}: {error}.") from error
