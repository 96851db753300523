"""What a study says of the other processes on its journal: who they are, what it follows of
theirs, and what it failed of theirs.

The journal is the study: every process working on one file has the same optimizer and pruner in
charge, so that the file replays to one history. A switch one of them makes, the others follow
(:func:`.replay.catch_up`); that was silent, and a notebook's Bayesian optimization went on as a
random search because a second process opened the file with ``"random"`` to add one trial. Now
the process that follows is told who switched, from what to what (:func:`warn_followed`), and the
one that switches on opening is told which live processes switch with it (:func:`others_follow`).
Opening a journal fails the trials a process that has ended left RUNNING; :func:`warn_interrupted`
names them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .._validation import warn_user
from ..exceptions import HPOError
from ..optimizers.registry import make_optimizer
from ..space import SearchSpace
from ..trial import INTERRUPTED, Trial, TrialState
from .owners import owner_named, owner_status, why_unchecked

if TYPE_CHECKING:
    from .core import Study

__all__ = ["fail_left_running", "optimizer_named", "warn_followed", "others_follow", "warn_interrupted", "spans"]


def _typed_settings(spec: Mapping[str, Any], space: SearchSpace) -> dict[str, Any]:
    """The settings of the optimizer ``spec`` records (:func:`.replay.spec_of`) that differ from
    its defaults over ``space``: what a person typed. Never the seed: the study derives it from
    its own (``seed=0`` became ``RandomSearch(seed=2968811710)`` in a warning)."""
    settings = {k: v for k, v in spec["settings"].items() if k != "seed"}
    try:  # the defaults over this space: some depend on its dimension (BO's n_initial)
        defaults = make_optimizer(spec["name"], space, seed=0).settings()
    except (HPOError, LookupError, TypeError, ValueError):  # not registered here, or no defaults: all of them
        return settings
    return {k: v for k, v in settings.items() if k not in defaults or defaults[k] != v}


def optimizer_named(spec: Mapping[str, Any], space: SearchSpace) -> str:
    """The optimizer ``spec`` records as a person would have typed it: ``'bo'``, or
    ``'bo' with {'n_initial': 5}``."""
    typed = _typed_settings(spec, space)
    return f"{spec['name']!r}" + (f" with {typed}" if typed else "")


def _switch_call(spec: Mapping[str, Any], space: SearchSpace) -> str:
    typed = _typed_settings(spec, space)
    return f"study.switch_optimizer({spec['name']!r}" + (f", {typed})" if typed else ")")


def warn_followed(path: Any, line: int, owner: Any, old: Mapping[str, Any] | str, new: Mapping[str, Any] | str,
                  space: SearchSpace) -> None:
    """Warn that this study follows the switch journaled at ``line`` by ``owner`` (its record):
    from ``old`` to ``new``, optimizer specs, or pruners as their ``repr`` (or "no pruner")."""
    if isinstance(old, str) and isinstance(new, str):
        what, before, after = "pruner", old, new
        back = f"study.pruner = {old}" if old != "no pruner" else "study.pruner = None"
    elif isinstance(old, Mapping) and isinstance(new, Mapping):
        what, before, after = "optimizer", optimizer_named(old, space), optimizer_named(new, space)
        back = _switch_call(old, space)
    else:
        raise TypeError("old and new are both optimizer specs or both pruners")
    warn_user(f"{path}, line {line}: {owner_named(owner)} switched this study's {what} from {before} to {after}. "
              f"Every process on a journal has the same {what} in charge (the journal is one study, replayed to "
              f"one history), so this study follows: it goes on with {after}. To go back, {back} "
              "(every process on the journal follows that too).", RuntimeWarning)


def _live_owners(events: Iterable[Mapping[str, Any]], mine: Any, journal: Path) -> list[str]:
    """The processes other than ``mine`` that wrote ``events`` (their owner records) and may still
    work on ``journal``, as :func:`.owners.owner_named` names them, each once."""
    records = {tuple(sorted(e["owner"].items())): e["owner"] for e in events
               if isinstance(e.get("owner"), Mapping) and e["owner"] != mine}
    status = {key: owner_status(owner, journal) for key, owner in records.items()}
    named = [owner_named(records[key]) + (f" ({why_unchecked(records[key])}: it may have ended)"
                                          if found == "unchecked" else "")
             for key, found in status.items() if found != "ended"]
    return list(dict.fromkeys(named))


def others_follow(events: Iterable[Mapping[str, Any]], mine: Any, journal: Path, what: str, kept: str) -> str:
    """What to add to the warning of a switch a study makes as it opens ``journal`` (its
    ``events`` read): the live processes on it that switch with it, and how to open it keeping
    its ``what`` (``kept``: the one in charge); "" when none may be working on it."""
    live = _live_owners(events, mine, journal)
    if not live:
        return ""
    shown = "; ".join(live[:5]) + (f"; and {len(live) - 5} more" if len(live) > 5 else "")
    article = "an" if what == "optimizer" else "a"
    return (f" Every other study working on this file switches too ({shown}): the journal is one study, with one "
            f"{what} in charge. To add trials without changing theirs, open it without {article} {what} "
            f"(Study(space, storage=...) or Study.load(path)): it goes on with {kept}.")


def spans(numbers: Sequence[int], limit: int = 20) -> str:
    """Sorted trial numbers as runs, ``"3, 5-7, 12"``: the first ``limit`` runs, then how many in all."""
    runs: list[list[int]] = []
    for number in numbers:
        if runs and number == runs[-1][1] + 1:
            runs[-1][1] = number
        else:
            runs.append([number, number])
    text = ", ".join(str(a) if a == b else f"{a}-{b}" for a, b in runs[:limit])
    return text if len(runs) <= limit else f"{text}, ... ({len(numbers)} in all)"


def fail_left_running(study: Study, trial: Trial, failed: dict[str, list[int]]) -> None:
    """Fail ``trial``, left RUNNING by a study no longer open on the journal (nobody is left to
    tell its result), and note its number in ``failed`` under who left it, for
    :func:`warn_interrupted`: opening the journal and a run waiting for it both fail such trials."""
    study.tell(trial, state=TrialState.FAILED, user_attrs={"error": INTERRUPTED})
    failed.setdefault(owner_named(study.state.owner_of(trial.number)), []).append(trial.number)


def warn_interrupted(path: Any, failed: Mapping[str, list[int]]) -> None:
    """Warn of the trials opening ``path`` failed: ``failed`` maps the process that left them
    RUNNING (:func:`.owners.owner_named`) to their numbers."""
    if not failed:
        return
    count = sum(map(len, failed.values()))
    left = "; ".join(f"trial{'s' if len(numbers) > 1 else ''} {spans(numbers)} by {who}"
                     for who, numbers in failed.items())
    they = "It is" if count == 1 else "They are"
    warn_user(f"{path}: {count} trial{'s were' if count > 1 else ' was'} left RUNNING by a study no longer open on it "
              f"(its process killed or crashed, or the study closed): {left}. {they} recorded FAILED "
              f"({INTERRUPTED!r}; trial.untried). A multi-fidelity scheduler runs such a job again (once); other "
              "optimizers take it as its configuration's failure, as a crash (Bayesian optimization steers away "
              "from it until it completes). "
              "study.enqueue(study.trials[n].params) evaluates one again.", RuntimeWarning)
