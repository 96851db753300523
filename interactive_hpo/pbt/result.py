"""Records of a Population Based Training run: one per round, the whole run, and a comparison.

A run is the list of its rounds (:class:`PBTRound`); :class:`PBTResult` adds the arrays plots
want (scores and hyperparameter schedules of shape (n_rounds, n_members)). The same round records
are the lines of the crash-safe journal, so :meth:`PBTResult.to_dict`, :meth:`PBTResult.from_dict`
and :meth:`PBTResult.from_journal` share one reader. Models are never stored (no pickle): a
journal keeps what happened, not the weights, so a run cannot resume from it.
"""

from __future__ import annotations

import math
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

import numpy as np

from .._paths import check_path
from .._validation import check_int, fail, float_array, shown
from ..direction import Direction
from ..exceptions import StorageError
from ..space import SearchSpace
from ..study.journal import Journal, JournalFormat
from ..views import KeepsReadOnly, read_only
from .checks import MAX_MEMBERS

__all__ = ["FORMAT", "VERSION", "PBT_JOURNAL", "PBTComparison", "PBTResult", "PBTRound", "best_per_round",
           "diverged_since"]

FORMAT = "interactive_hpo.pbt"
VERSION = 1
#: A PBT run's journal: a header, then one line per finished round (written like a study's journal).
PBT_JOURNAL = JournalFormat(FORMAT, VERSION, None, "a PBT journal", appended=False)  # a run never resumes


def _json_float(value: float) -> float | None:
    return float(value) if math.isfinite(value) else None


def best_per_round(scores: np.ndarray, direction: str) -> np.ndarray:
    """Best score of the population at each round, shape (n_rounds,), from ``scores`` of shape (n_rounds, m).

    NaN scores (diverged members) are skipped; a round where every score is NaN gives NaN.
    """
    rule = "an array of shape (n_rounds, n_members) of real numbers"
    array = float_array(scores, "scores", "best_per_round", rule)
    if array.ndim != 2:
        raise fail("scores", "best_per_round", rule, scores)
    return Direction.parse(direction, "direction", "best_per_round").best_per_row(array)


def diverged_since(scores: np.ndarray) -> str:
    """Since when every member has been diverged, for messages ("every member's score in the
    last 3 rounds is NaN (diverged)"), from ``scores`` of shape (n_rounds, n_members) whose last
    row is all NaN."""
    scored = np.flatnonzero(~np.isnan(scores).all(axis=1))
    n = len(scores) - (int(scored[-1]) + 1 if len(scored) else 0)
    span = "the last round" if n == 1 else f"all {n} rounds" if n == len(scores) else f"the last {n} rounds"
    return f"every member's score in {span} is NaN (diverged)"


@dataclass(frozen=True, eq=False)
class PBTRound(KeepsReadOnly):
    """What happened in one round: every member trained, was scored, and (at ready rounds) exploited.

    Attributes
    ----------
    round : int
        0 for the first round.
    scores : ndarray of shape (n_members,)
        Validation score of each member after this round's training (NaN if it diverged: the
        task scored it NaN or infinite).
    params : tuple of dict
        The hyperparameters each member trained with in this round.
    exploits : tuple of (int, int)
        ``(receiver, donor)`` pairs: after this round, ``receiver`` took a copy of ``donor``'s
        model and an explored version of its hyperparameters.
    next_params : tuple of dict
        The hyperparameters each member trains with next round.
    """

    round: int
    scores: np.ndarray
    params: tuple
    exploits: tuple
    next_params: tuple

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict (NaN scores become None): one line of the journal."""
        return {"round": int(self.round), "scores": [_json_float(s) for s in self.scores],
                "params": [dict(p) for p in self.params], "exploits": [list(e) for e in self.exploits],
                "next_params": [dict(p) for p in self.next_params]}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], space: SearchSpace) -> PBTRound:
        """Read a :meth:`to_dict` record back, validating params against ``space``."""
        scores = read_only([math.nan if s is None else s for s in data["scores"]])
        return cls(round=int(data["round"]), scores=scores,
                   params=tuple(space.validate(p) for p in data["params"]),
                   exploits=tuple((int(r), int(d)) for r, d in data["exploits"]),
                   next_params=tuple(space.validate(p) for p in data["next_params"]))


@dataclass(frozen=True, eq=False)
class PBTResult(KeepsReadOnly):
    """A Population Based Training run as plain arrays (build it with :meth:`from_rounds`).

    Attributes
    ----------
    space : SearchSpace
        The hyperparameters explored.
    direction : str
        "maximize" or "minimize".
    settings : mapping
        ``n_members``, ``ready_every``, ``quantile``, ``perturb``, ``resample_probability``,
        ``steps_per_round`` and ``seed`` of the run.
    scores : ndarray of shape (n_rounds, n_members)
        Validation score of each member after each round.
    schedules : mapping of str to ndarray of shape (n_rounds, n_members)
        Per hyperparameter, the value each member trained with in each round, in user units
        (float, int, or object arrays for categoricals). Exploits show as jumps. A conditional
        parameter reads NaN (None for a categorical) where it was inactive; its column is float
        even for an int.
    exploits : tuple of (int, int, int)
        ``(round, receiver, donor)``: after ``round``, ``receiver`` copied ``donor``'s model.
    final_params : tuple of dict
        The hyperparameters each member would train with next.
    best_member : int
        The member with the best score in the last round (-1 before any round, or when every
        member's score in the last round is NaN: all diverged).
    rounds : tuple of PBTRound
        The round records the arrays were built from.

    Examples
    --------
    >>> import json
    >>> from interactive_hpo.objectives.incremental import sgd_digits
    >>> from interactive_hpo.pbt.training import PopulationBasedTraining
    >>> task = sgd_digits(seed=0)
    >>> result = PopulationBasedTraining(task.space, task, n_members=2, ready_every=1, seed=0).run(2)
    >>> result.schedules["eta0"].shape, result.exploits[0][0], result.parents[1].tolist().count(-1)
    ((2, 2), 0, 0)
    >>> PBTResult.from_dict(json.loads(json.dumps(result.to_dict()))).to_dict() == result.to_dict()
    True
    """

    space: SearchSpace
    direction: str
    settings: Mapping[str, Any]
    scores: np.ndarray
    schedules: Mapping[str, np.ndarray]
    exploits: tuple
    final_params: tuple
    best_member: int
    rounds: tuple = field(repr=False)

    @classmethod
    def from_rounds(cls, space: SearchSpace, direction: str, settings: Mapping[str, Any],
                    rounds: Sequence[PBTRound]) -> PBTResult:
        """Assemble the arrays from round records (oldest first)."""
        n = int(settings["n_members"])
        scores = read_only(np.array([r.scores for r in rounds], dtype=float).reshape(len(rounds), n))
        schedules = {}
        for param in space:
            # A conditional parameter is absent while inactive: NaN there (so an int column is
            # float), None in a categorical one.
            conditional = param.condition is not None
            dtype = {"float": float, "int": float if conditional else np.int64}.get(param.kind, object)
            absent = None if param.kind == "categorical" else math.nan
            column = np.empty((len(rounds), n), dtype=dtype)
            for i, record in enumerate(rounds):
                column[i] = np.array([p.get(param.name, absent) for p in record.params], dtype=dtype)
            column.flags.writeable = False
            schedules[param.name] = column
        exploits = tuple((r.round, receiver, donor) for r in rounds for receiver, donor in r.exploits)
        final = rounds[-1].next_params if rounds else ()
        last = best_per_round(scores[-1:], direction) if len(rounds) else np.array([np.nan])
        best = int(np.flatnonzero(scores[-1] == last[0])[0]) if np.isfinite(last[0]) else -1
        return cls(space=space, direction=direction, settings=MappingProxyType(dict(settings)), scores=scores,
                   schedules=MappingProxyType(schedules), exploits=exploits, final_params=tuple(final),
                   best_member=best, rounds=tuple(rounds))

    # -- derived views -----------------------------------------------------------------------------
    @property
    def n_rounds(self) -> int:
        return int(self.scores.shape[0])

    @property
    def n_members(self) -> int:
        return int(self.settings["n_members"])

    @property
    def compute(self) -> int:
        """Training steps spent: n_rounds x n_members x steps_per_round."""
        return self.n_rounds * self.n_members * int(self.settings["steps_per_round"])

    @property
    def best_score(self) -> float:
        """Score of :attr:`best_member` in the last round (NaN if there is none)."""
        return float(self.scores[-1, self.best_member]) if self.best_member >= 0 else math.nan

    @property
    def best_params(self) -> dict[str, Any]:
        """What :attr:`best_member` trained with last (a top member: exploits never change it)."""
        return dict(self.rounds[-1].params[self.best_member]) if self.best_member >= 0 else {}

    @property
    def best_curve(self) -> np.ndarray:
        """Best score in the population at each round, shape (n_rounds,)."""
        return best_per_round(self.scores, self.direction)

    @property
    def scales(self) -> dict[str, str]:
        """Per hyperparameter: "linear", "log" or "categorical" (for plot axes)."""
        return {p.name: p.scale for p in self.space}

    @property
    def parents(self) -> np.ndarray:
        """Lineage, shape (n_rounds, n_members): whose model (at round r - 1) member i trained on in round r.

        Row 0 is -1 (fresh models); otherwise ``i`` itself, or the donor of an exploit after r - 1.
        """
        parents = np.tile(np.arange(self.n_members), (self.n_rounds, 1))
        if self.n_rounds:
            parents[0] = -1
        for round_, receiver, donor in self.exploits:
            if round_ + 1 < self.n_rounds:
                parents[round_ + 1, receiver] = donor
        return parents

    def ancestry(self, member: int) -> np.ndarray:
        """Which member slot held the ancestors of ``member``'s last model, shape (n_rounds,)."""
        current = check_int(member, "member", "PBTResult.ancestry", 0, self.n_members - 1)
        path = np.empty(self.n_rounds, dtype=int)
        parents = self.parents
        for r in range(self.n_rounds - 1, -1, -1):
            path[r] = current
            current = int(parents[r, current]) if r else current
        return path

    # -- JSON ----------------------------------------------------------------------------------------
    def header(self) -> dict[str, Any]:
        """The journal's first line: format, version, space, direction and settings."""
        return {"format": FORMAT, "version": VERSION, "space": self.space.to_dict(), "direction": self.direction,
                "settings": dict(self.settings)}

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: the header plus one record per round."""
        return {**self.header(), "rounds": [r.to_dict() for r in self.rounds]}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> PBTResult:
        """Rebuild a result from :meth:`to_dict` output."""
        if not isinstance(data, Mapping) or data.get("format") != FORMAT or not isinstance(data.get("rounds"), list):
            raise fail("data", "PBTResult.from_dict", f"a dict from PBTResult.to_dict (format {FORMAT!r})",
                       type(data).__name__ if not isinstance(data, Mapping) else data.get("format"))
        return cls._from_records(data, data["rounds"])

    @classmethod
    def _from_records(cls, header: Mapping[str, Any], rounds: list[Any]) -> PBTResult:
        version = header.get("version")
        if type(version) is not int:
            raise StorageError(f"A PBT header is malformed: its version is {shown(version)}, not an int.")
        if version > VERSION:
            raise StorageError(f"PBT record version {version}; this interactive_hpo reads up to {VERSION}. "
                               "Upgrade interactive_hpo.")
        try:
            space, direction, settings = SearchSpace.from_dict(header["space"]), header["direction"], header["settings"]
            if not isinstance(settings, Mapping):  # a list of the names passed the check below, then failed to index
                raise TypeError(f"its settings are {shown(settings)}, not a dict")
            missing = {"n_members", "steps_per_round", "seed"} - set(settings)
        except (KeyError, TypeError, ValueError) as error:
            raise StorageError(f"A PBT header is malformed: {error!r}.") from error
        if missing:
            raise StorageError(f"A PBT header is malformed: its settings lack {sorted(missing)}.")
        try:
            records = [PBTRound.from_dict(r, space) for r in rounds]
        # LookupError: a round that is a number, indexed; OverflowError: a score no float holds.
        except (LookupError, TypeError, ValueError, OverflowError) as error:
            raise StorageError(f"A PBT round record is malformed: {error!r}.") from error
        problem = _inconsistency(direction, settings, records)
        if problem is not None:  # the arrays could not be built, or would say something that did not happen
            raise StorageError(f"A PBT record does not hold together: {problem}.")
        return cls.from_rounds(space, direction, settings, records)

    @classmethod
    def from_journal(cls, path: str | os.PathLike[str]) -> PBTResult:
        """Read the journal a run wrote with ``storage=path``: every round that finished.

        ``path`` is read as the run's ``storage`` was (``~`` as the shell reads it); one that
        cannot name a file (a folder, not a str or PathLike) is refused with an
        :class:`~interactive_hpo.exceptions.InvalidParameterError`. A last line cut off mid-write
        (a crash) is skipped with a ``RuntimeWarning`` and left in the file: reading writes
        nothing, and no run appends to a PBT journal again. Any other unreadable line, or no
        journal at ``path``, raises :class:`~interactive_hpo.exceptions.StorageError`.
        """
        checked = check_path(path, "path", "PBTResult.from_journal", "pbt.jsonl")
        header, rounds = Journal(checked, PBT_JOURNAL).read()
        return cls._from_records(header, rounds)


def _inconsistency(direction: Any, settings: Mapping[str, Any], records: Sequence[PBTRound]) -> str | None:
    """What in a record read from a file contradicts the rest (a hand-edited or damaged file), or None."""
    if direction not in ("maximize", "minimize"):
        return f"its direction is {shown(direction)}, not 'maximize' or 'minimize'"
    for key, low, high in (("n_members", 2, MAX_MEMBERS), ("steps_per_round", 1, None), ("seed", 0, None)):
        # A trillion members and no rounds built fine, then `parents` asked for 7 TiB.
        if type(settings[key]) is not int or settings[key] < low or (high is not None and settings[key] > high):
            return f"settings[{key!r}] is {shown(settings[key])}, not an int in [{low}, {high or 'inf'}]"
    n = settings["n_members"]
    for i, record in enumerate(records):
        sizes = {len(record.scores), len(record.params), len(record.next_params)}
        outside = [pair for pair in record.exploits if not all(0 <= member < n for member in pair)]
        if record.round != i:
            return f"the record of round {i} says it is round {record.round}"
        if sizes != {n}:
            return f"round {i} has {sorted(sizes)} scores or params for {n} members"
        if outside:
            return f"round {i} has an exploit {outside[0]} of a member outside 0..{n - 1}"
    return None


@dataclass(frozen=True, eq=False)
class PBTComparison(KeepsReadOnly):
    """PBT against fixed hyperparameters trained with the same compute (same members, rounds and steps).

    Attributes
    ----------
    pbt, fixed : PBTResult
        The two runs; ``fixed`` has no exploits.
    label : str
        What the fixed run was, for tables and legends: two comparisons printed together (the
        ablation and a bad learning rate, say) must not both read "fixed".
    fixed_model : object or None
        The model of ``fixed.best_member`` after the last round, to score on a sealed test split
        like PBT's winner; None if no model was kept, or none is best (every fixed member's score
        in the last round is NaN). Models are not part of :meth:`to_dict`.
    """

    pbt: PBTResult
    fixed: PBTResult
    label: str = "fixed"
    fixed_model: Any = field(default=None, repr=False)

    def curves(self) -> dict[str, np.ndarray]:
        """Label -> best score in the population at each round, shape (n_rounds,)."""
        return {"PBT": self.pbt.best_curve, self.label: self.fixed.best_curve}

    def table(self) -> list[dict[str, Any]]:
        """One row per method: best and mean final score (over the members with a score; NaN
        when none has), and training steps spent."""
        return [{"method": label, "best final score": run.best_score, "mean final score": _mean_final(run),
                 "training steps": run.compute}
                for label, run in (("PBT", self.pbt), (self.label, self.fixed))]

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: both runs and the label."""
        return {"pbt": self.pbt.to_dict(), "fixed": self.fixed.to_dict(), "label": self.label}


def _mean_final(run: PBTResult) -> float:
    """Mean score of the last round over the members that have one (NaN, without numpy's
    "Mean of empty slice" warning, when none has)."""
    last = run.scores[-1] if run.n_rounds else np.empty(0)
    scored = last[~np.isnan(last)]
    return float(scored.mean()) if scored.size else math.nan
