"""The on-disk cache of :func:`~interactive_hpo.landscape.build.build_landscape`: one JSON file
per (objective, grid, budget, seed), named by a hash of them (:func:`cache_path`), holding the
losses by kind (a failed configuration's as null) and the failures summarized. A file is written
whole and renamed into place (:func:`write_cache`), so it is never left in part; one that is not
such a cache is refused and left as it is (:func:`read_cache`). JSON, never pickle: a cache
someone hands you cannot run code.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import uuid
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from .._validation import as_finite, shown, warn_user
from ..exceptions import StorageError
from .failures import Failures

__all__ = ["NO_REASON", "cache_path", "read_cache", "write_cache"]

#: Why a configuration failed, for a cache written before failures were summarized without a reason.
NO_REASON = "failed (the cache kept no reason)"


def cache_path(objective: Any, levels: Sequence[Sequence[Any]], budget: float | None,
               cache_dir: str | os.PathLike[str]) -> Path:
    """Where :func:`~interactive_hpo.landscape.build.build_landscape` keeps the losses of
    ``objective`` on the grid ``levels`` at ``budget``: a name hashed from the objective's
    ``fingerprint`` (else its ``repr``), its space, the levels and the budget."""
    key = json.dumps([getattr(objective, "fingerprint", None) or repr(objective), objective.space.to_dict(),
                      [list(map(repr, v)) for v in levels], budget])
    return Path(cache_dir) / f"landscape-{hashlib.sha256(key.encode()).hexdigest()[:16]}.json"


def read_cache(path: Path, n: int) -> tuple[dict[str, np.ndarray], Failures]:
    """What :func:`write_cache` kept for a grid of ``n`` configurations: the losses by kind,
    shape (n,) each (inf for failures), and the failures summarized (from a cache written before
    they were, by its reason per configuration). A file that is not such a cache is refused and
    left as it is."""
    try:
        stored = json.loads(path.read_text())
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
    except (OSError, ValueError, TypeError, KeyError, AttributeError) as error:  # JSONDecodeError is a ValueError
        raise StorageError(f"{path} is not a landscape cache of this grid ({type(error).__name__}: {error}); it "
                           "was left as it is. Delete it to build the landscape again.") from error
    return losses, failures


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


def write_cache(path: Path, objective: Any, budget: float | None, losses: Mapping[str, np.ndarray],
                failures: Failures) -> None:
    """Keep a build's losses as JSON: failures as null (which configurations failed), their
    summary under ``"failures"``. The file is written whole beside ``path`` and renamed onto it,
    so a full disk or a kill never leaves part of a cache (which the next build would refuse);
    a cache that cannot be written is warned about, and the build still returns its landscape."""
    text = json.dumps({"objective": repr(objective), "budget": budget, "losses": {
        kind: [v if math.isfinite(v) else None for v in values.tolist()] for kind, values in losses.items()},
        "failures": failures.summary})
    temporary = path.with_name(f".{path.stem}.{uuid.uuid4().hex}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary.write_text(text)
        os.replace(temporary, path)
    except BaseException as error:  # a Ctrl-C mid-write too: no part of a cache is left behind
        temporary.unlink(missing_ok=True)
        if not isinstance(error, OSError):
            raise
        warn_user(f"The landscape cache {path} could not be written ({error.strerror or error}); the landscape is "
                  "returned, and the next build evaluates the grid again.", RuntimeWarning)
