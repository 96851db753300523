"""The pycma options a :class:`~.cmaes.CMAES` takes from a person (:func:`check_options`), and
pycma's failures on them reported as their error (:func:`options_blamed`): some options pycma
accepts fail only at the first generation or generations later, far from where they were typed.
What pycma prints about them, bypassing its own verbosity, is caught (:func:`pycma_prints`)."""

from __future__ import annotations

import math
import sys
import threading
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any

import numpy as np

from ..._names import did_you_mean
from ..._validation import fail, is_int, is_real

__all__ = ["INSTEAD", "QUIET", "RESERVED", "check_options", "options_blamed", "pycma_prints"]

#: Options that keep pycma silent, off the disk and away from the global RNG.
QUIET: dict[str, Any] = {"verbose": -9, "verb_disp": 0, "verb_log": 0, "verb_time": False,
                         "signals_filename": ""}  # "" reads no signals file (None warns)
#: pycma options CMAES sets itself (recombination weights set the population size too), or
#: that would make runs irreproducible.
RESERVED = ("bounds", "popsize", "popsize_factor", "CMA_recombination_weights", "randn", "seed", "timeout",
            "termination_callback", "transformation", "is_feasible", *QUIET)
#: What to give CMAES instead of a reserved option a person is likely to reach for.
INSTEAD = {"popsize": "population_size=", "popsize_factor": "popsize_factor= (its restarts' growth)",
           "CMA_recombination_weights": "population_size=", "seed": "seed=", "randn": "seed=",
           "bounds": "the search space's bounds (CMAES searches the unit cube)"}


def _plain(value: Any) -> Any:
    """A checked option value (None, a bool, a number, or a list of them) as Python's."""
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if value is None or isinstance(value, (bool, np.bool_)):
        return value if value is None else bool(value)
    return int(value) if is_int(value) else float(value)


def check_options(options: Any, known: Iterable[str], population_size: int) -> dict[str, Any] | None:
    """``options`` (argument of CMAES) as a dict of Python values, once each key is one of pycma's
    ``known`` options that CMAES leaves to the person and each value a number, a bool, None or
    a list of them; ``CMA_mu`` (the parents) at most ``population_size``."""
    if options is None:
        return None
    if not isinstance(options, Mapping):
        raise fail("options", "CMAES", "a dict of pycma options or None", options)
    allowed = set(known) - set(RESERVED)
    for key, value in options.items():
        # In any case ("Popsize"): the reserved name it likely meant, and what to give instead.
        reserved = next((name for name in RESERVED if isinstance(key, str) and name.lower() == key.lower()), None)
        if reserved is not None:
            instead = f": give it {INSTEAD[reserved]}" if reserved in INSTEAD else ""
            raise fail("options", "CMAES", "a dict of pycma options CMAES does not set itself", key,
                       hint=f"CMAES sets {reserved!r} itself{instead}.")
        if key not in allowed:
            raise fail("options", "CMAES", "a dict of pycma options", key,
                       hint=did_you_mean(key, allowed) or f"{key!r} is not a pycma option.")
        values = value if isinstance(value, list) else [value]
        if not all(v is None or isinstance(v, (bool, np.bool_)) or (is_real(v) and not math.isnan(v))
                   for v in values):
            raise fail("options", "CMAES", "a dict with number, bool or None values", {key: value})
    mu = options.get("CMA_mu")
    if mu is not None and not (is_real(mu) and 1 <= mu <= population_size):
        # Parents are chosen among the population; pycma sized its weights by a larger one
        # before it said so (CMA_mu=1e6 took 7 s, 1e12 all of the memory).
        raise fail("options", "CMAES", f"a dict whose CMA_mu is None or in [1, population_size={population_size}]",
                   {"CMA_mu": mu})
    # As Python's numbers and bools (numpy's are accepted): a journal writes settings as JSON.
    return {key: _plain(value) for key, value in options.items()}


@contextmanager
def options_blamed(options: Mapping[str, Any] | None, when: str) -> Iterator[None]:
    """Calls into pycma: with ``options`` given, what pycma raises is their error, its words
    the hint, ``when`` saying at what point (``"breeding generation 3"``); without, pycma's own
    error is raised as it is (a bug of ours, not the person's)."""
    try:
        yield
    except Exception as error:  # noqa: BLE001 - whatever pycma raised, in its words, as the hint
        if not options:
            raise
        words = " ".join(str(error).split())  # pycma's messages span lines
        raise fail("options", "CMAES", "a dict of pycma options that pycma accepts", options,
                   hint=f"pycma raised {type(error).__name__} {when}: "
                        f"{words if len(words) <= 300 else words[:290] + ' (...)'}") from None


class _ThisThreadsPrints:
    """``sys.stdout`` while pycma runs: what this thread writes is kept; what other threads write
    (an objective running beside the optimizer, a notebook's other work) goes through."""

    def __init__(self, through: Any):
        self.through, self.thread = through, threading.get_ident()
        self.kept: list[str] = []

    def write(self, text: str) -> int:
        if threading.get_ident() != self.thread:
            return self.through.write(text)
        self.kept.append(text)
        return len(text)

    def __getattr__(self, name: str) -> Any:  # flush, encoding, isatty, ...: the real stream's
        return getattr(self.through, name)


#: One swap of sys.stdout at a time: two interleaved swaps could restore each other's stream.
_SWAPPING = threading.Lock()


@contextmanager
def pycma_prints() -> Iterator[list[str]]:
    """Catch what pycma prints in this block, a list of the text written, however ``verbose`` is
    set: some of its warnings are bare ``print`` calls (the c1/cmu advice on negative weights).
    Only this thread's prints are caught; ``sys.stdout`` is put back unless someone replaced it since."""
    with _SWAPPING:
        through = sys.stdout
        catcher = _ThisThreadsPrints(through)
        sys.stdout = catcher
        try:
            yield catcher.kept
        finally:
            if sys.stdout is catcher:
                sys.stdout = through
