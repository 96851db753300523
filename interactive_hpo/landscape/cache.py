"""The on-disk cache of :func:`~interactive_hpo.landscape.build.build_landscape`: one JSON file
per (objective, grid, budget, seed), named by a hash of them (:func:`cache_key`,
:func:`cache_path`), holding that key, the losses by kind (a failed configuration's as null) and
the failures summarized. The key is the objective's ``fingerprint``: an objective without one
is refused a cache (:class:`Unfingerprintable`), since its repr need not change when its values
do. A file is written whole and renamed into place (:func:`write_cache`), so it is never left in
part. On reading (:func:`read_cache`), a file of another key, or that is not such a cache, is
refused and left as it is; one written before caches held their key is not trusted, and is
replaced. JSON, never pickle: a cache someone hands you cannot run code.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from .._paths import replace_file, write_failure
from .._validation import as_finite, shown, warn_user
from ..exceptions import StorageError
from ..objectives.fingerprints import Unfingerprintable
from .failures import Failures

__all__ = ["NO_REASON", "cache_file", "cache_key", "cache_path", "read_cache", "write_cache"]

#: Why a configuration failed, for a cache written before failures were summarized without a reason.
NO_REASON = "failed (the cache kept no reason)"


def cache_key(objective: Any, levels: Sequence[Sequence[Any]], budget: float | None) -> str:
    """The key (64 hex digits) of the losses of ``objective`` on the grid ``levels`` at
    ``budget``: a hash of the objective's ``fingerprint``, its space, the levels and the budget.

    Raises
    ------
    Unfingerprintable
        When ``objective`` has no str ``fingerprint`` (its repr would not tell two functions of
        one name apart, nor a seed from another), or its fingerprint cannot be taken reliably;
        the message names the objective and how to give it one.
    """
    fingerprint = getattr(objective, "fingerprint", None)   # a FunctionObjective's raises Unfingerprintable
    if not isinstance(fingerprint, str) or not fingerprint:
        raise Unfingerprintable(
            f"{shown(objective)} has no `fingerprint`, a str that changes whenever its values would (its repr need "
            "not). Give its class a `fingerprint` property, or wrap it: FunctionObjective(objective, objective.space, "
            "objective.direction, fingerprint='...'), with a text you change whenever its values would.")
    key = json.dumps([fingerprint, objective.space.to_dict(), [list(map(repr, v)) for v in levels], budget])
    return hashlib.sha256(key.encode()).hexdigest()


def cache_file(key: str, cache_dir: str | os.PathLike[str]) -> Path:
    """The file in ``cache_dir`` (``~`` read as the shell does, as build_landscape reads it) that
    holds the losses of ``key`` (:func:`cache_key`)."""
    return Path(cache_dir).expanduser() / f"landscape-{key[:16]}.json"


def cache_path(objective: Any, levels: Sequence[Sequence[Any]], budget: float | None,
               cache_dir: str | os.PathLike[str]) -> Path:
    """Where :func:`~interactive_hpo.landscape.build.build_landscape` keeps the losses of
    ``objective`` on the grid ``levels`` at ``budget``: a name hashed from :func:`cache_key`."""
    return cache_file(cache_key(objective, levels, budget), cache_dir)


def read_cache(path: Path, n: int, key: str) -> tuple[dict[str, np.ndarray], Failures] | None:
    """What :func:`write_cache` kept under ``key`` for a grid of ``n`` configurations: the losses
    by kind, shape (n,) each (inf for failures), and the failures summarized (from a cache written
    before they were, by its reason per configuration); None for a cache written before caches
    held their key, which is not trusted (it may hold another function's losses under this one's
    name) and may be replaced. A file that holds another key, or that is not such a cache, is
    refused and left as it is."""
    try:
        stored = json.loads(path.read_text())
        if not isinstance(stored, dict):
            raise TypeError(f"it holds a {type(stored).__name__}, not a JSON object")
        held = stored.get("key")
        if held is not None and not isinstance(held, str):
            raise TypeError(f"its key is a {type(held).__name__}, not a str")
        if held is not None and held != key:
            raise StorageError(f"{path} holds the landscape of another computation ({shown(stored.get('objective'))}, "
                               f"key {held[:16]}...), not of key {key[:16]}...; it was left as it is. Delete it, or "
                               "use another cache_dir, to build the landscape again.")
        if not isinstance(stored.get("objective"), str):  # every cache this package wrote names its objective
            raise KeyError("objective")
        losses = {kind: _losses(kind, values, n) for kind, values in stored["losses"].items()}
        failed = np.flatnonzero(~np.isfinite(losses["valid"]))
        if "failures" in stored:
            failures = Failures.from_json(stored["failures"], n, len(failed))
        else:
            reasons = stored.get("errors") or [None] * n
            if len(reasons) != n:
                raise ValueError(f"it holds {len(reasons)} reasons for a grid of {n} configurations")
            failures = Failures()
            for i in failed.tolist():
                failures.add(reasons[i] or NO_REASON, [i])
    except StorageError:
        raise
    except (OSError, ValueError, TypeError, KeyError, AttributeError) as error:  # JSONDecodeError is a ValueError
        raise StorageError(f"{path} is not a landscape cache of this grid ({type(error).__name__}: {error}); it "
                           "was left as it is. Delete it to build the landscape again.") from error
    return (losses, failures) if held is not None else None   # one of ours, but of an unknown key


def _losses(kind: str, values: Any, n: int) -> np.ndarray:
    """The ``kind`` losses of a cache as an array of shape (n,), inf for a failure (null): a list
    of ``n`` finite numbers or nulls, else the ValueError that says which kind breaks which rule
    ("1.5" and true read as 1.5 and 1.0 through numpy)."""
    if not isinstance(values, list) or len(values) != n:
        held = f"{len(values)} losses" if isinstance(values, list) else f"a {type(values).__name__}, not a list,"
        raise ValueError(f"its {kind!r} losses are {held} for a grid of {n} configurations")
    numbers = [math.inf if v is None else as_finite(v) if type(v) in (int, float) else None for v in values]
    for value, number in zip(values, numbers, strict=True):
        if number is None:   # a string, a bool, NaN, or an int past a float's range
            raise ValueError(f"its {kind!r} losses must be finite numbers or null (a failed configuration); "
                             f"one is {shown(value, 60)}")
    return np.array(numbers, dtype=float)


def write_cache(path: Path, key: str, objective: Any, budget: float | None, losses: Mapping[str, np.ndarray],
                failures: Failures) -> None:
    """Keep a build's losses as JSON under ``key`` (:func:`cache_key`, checked on reading):
    failures as null (which configurations failed), their summary under ``"failures"``. The file
    is written whole beside ``path`` and renamed onto it, so a full disk or a kill never leaves
    part of a cache (which the next build would refuse); a cache that cannot be written is warned
    about, and the build still returns its landscape."""
    text = json.dumps({"key": key, "objective": repr(objective), "budget": budget, "losses": {
        kind: [v if math.isfinite(v) else None for v in values.tolist()] for kind, values in losses.items()},
        "failures": failures.summary})
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        replace_file(path, lambda temporary: temporary.write_text(text))  # a Ctrl-C too: no part left behind
    except OSError as error:
        warn_user(f"The landscape cache {path} could not be written ({write_failure(error)}); the landscape is "
                  "returned, and the next build evaluates the grid again.", RuntimeWarning)
