"""The study's methods as the user calls them: ``Study.<name>`` in Python's own errors, and a
keyword a method does not take refused naming the method, what it takes and the one likely meant.

Python's TypeError for a wrong call named the mixin that defines the method ("Running.run() got an
unexpected keyword argument 'n_jobs'"), a class the user never typed, and no keyword to use instead.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable, Mapping
from typing import Any, ParamSpec, TypeVar

from .._names import did_you_mean
from .._validation import fail

__all__ = ["study_method"]

P = ParamSpec("P")
R = TypeVar("R")

#: A method's own hint for a keyword it does not take, ``hint(name, value, owner)``: the call that
#: takes it, say; None to fall back on the close name (:func:`~interactive_hpo._names.did_you_mean`).
Hint = Callable[[str, Any, str], "str | None"]


def study_method(hint: Hint | None = None,
                 aliases: Mapping[str, str] | None = None) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Decorate a method of a study's mixin: named ``Study.<name>``, and a keyword it does not take
    refused (:class:`~interactive_hpo.exceptions.InvalidParameterError` naming the keyword, the
    method, what it takes and the value given) before it runs.

    Parameters
    ----------
    hint : callable, optional
        ``hint(name, value, owner)``: the refusal's hint for keyword ``name``; None (or its None)
        suggests the taken keyword closest to ``name``.
    aliases : mapping, optional
        Keywords other libraries use, to the one of the method that means the same
        (``{"n_jobs": "n_workers"}``: Optuna's ``optimize`` keyword, suggested as ``n_workers``).
    """

    def decorate(method: Callable[P, R]) -> Callable[P, R]:
        owner = f"Study.{method.__name__}"
        method.__qualname__ = owner  # the name Python's own TypeError gives (a missing argument)
        taken = [name for name in inspect.signature(method).parameters if name != "self"]
        listed = [name for name in taken if name != "owner"]  # the package's own callers name themselves
        takes = f"takes {', '.join(listed)}" if listed else "takes no argument"

        @functools.wraps(method)
        def checked(*args: P.args, **kwargs: P.kwargs) -> R:
            for name, value in kwargs.items():
                if name not in taken:
                    raise fail(name, owner, f"left out: {owner} {takes}", value,
                               hint=(hint and hint(name, value, owner)) or did_you_mean(name, listed, aliases))
            return method(*args, **kwargs)

        return checked

    return decorate
