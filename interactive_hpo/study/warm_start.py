"""Warm starts: related studies' trials as prior knowledge for a new study's optimizer.

``Study(space, "bo", warm_start=[old_study])`` keeps each related study as a
:class:`SourceRecord`: its name and the params and losses of its completed, feasible trials
that fit the new space (a trial fits as it does for ``remap_study``: a valid value for every
parameter the new space asks of it; see :meth:`SourceRecord.fit` for parameters the new space
no longer has, and :mod:`.space_fit`, where both rules live). The journal's header stores the records, so a resumed,
loaded or forked study has the same sources and proposes the same trials. Optimizers that
declare :class:`~interactive_hpo.optimizers.capabilities.WarmStartable` get them as
:class:`~interactive_hpo.optimizers.warm_start.Source` data (unit-cube points and losses); the
source studies' trials never become this study's trials. Every source has its own name (the
model's weights are shown by name; see :meth:`WarmStart.read`), and a study carried to another
space or optimizer keeps the sources that still fit and serve it (:func:`carried_sources`).
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from .._validation import as_finite, fail, warn_user
from ..exceptions import InvalidParameterError
from ..goals import Goals, feasible_mask
from ..optimizers.base import Optimizer
from ..optimizers.capabilities import WarmStartable
from ..optimizers.registry import optimizers_declaring
from ..optimizers.warm_start import Source, distinct_names
from ..space import SearchSpace
from ..trial import TrialState
from .results import at_full_budget
from .space_fit import one_landscape, params_for, unset_hint

if TYPE_CHECKING:
    from .core import Study

__all__ = ["SourceRecord", "WarmStart", "carried_sources"]


@dataclass(frozen=True)
class SourceRecord:
    """One related study, as a warm-started study keeps it (and its journal stores it).

    Attributes
    ----------
    name : str
        What the Lab and the model's summary call the source.
    params : tuple of dict
        The source's completed, feasible trials that fit this study's space, in its order.
    losses : tuple of float
        Their losses (the source's values turned into losses by its own direction).
    """

    name: str
    params: tuple[dict[str, Any], ...]
    losses: tuple[float, ...]

    def to_json(self) -> dict[str, Any]:
        return {"name": self.name, "params": [dict(p) for p in self.params], "losses": list(self.losses)}

    @classmethod
    def from_json(cls, data: Mapping[str, Any], space: SearchSpace, owner: str) -> SourceRecord:
        """A record as :meth:`to_json` wrote it (perhaps for another space), keeping the trials
        that fit ``space``."""
        params, losses = (data.get("params"), data.get("losses")) if isinstance(data, Mapping) else (None, None)
        if not isinstance(params, list) or not isinstance(losses, list) or not isinstance(data.get("name"), str) \
                or len(params) != len(losses) or not all(isinstance(p, Mapping) for p in params):
            raise fail("warm_start", owner, "a source {'name': str, 'params': [dict, ...], 'losses': [float, ...]} "
                                            "with as many losses as params", dict(data) if isinstance(data, Mapping)
                       else data)
        # as_finite: an int past 1e308 was Python's OverflowError from math.isfinite.
        bad = [v for v in losses if as_finite(v) is None]
        if bad:
            raise fail("warm_start", owner, "finite losses in every source", bad[0])
        return cls.fitting(data["name"], zip(params, map(float, losses), strict=True), space, owner)

    @classmethod
    def from_study(cls, study: Study, name: str, *, values: Mapping[str, Any] | None = None) -> SourceRecord:
        """``study`` as a source, each of its trials given ``values`` for parameters it did not search.

        A new study's space may have a parameter the related study never set (it ran at one
        value of it, written in its objective): its trials fit the new space only once they say
        which value. Give the record to ``Study(..., warm_start=[record])``, which keeps the
        trials that fit its space, as it does for a study.

        Parameters
        ----------
        study : Study
            The related study (one objective); its completed, feasible trials at its full budget
            are kept, their values turned into losses by its direction.
        name : str
            The source's name.
        values : dict, optional
            Parameter name -> the value every trial of ``study`` ran at; names ``study``'s
            space does not have.

        Examples
        --------
        >>> from interactive_hpo import Float, SearchSpace, Study
        >>> from interactive_hpo.study.warm_start import SourceRecord
        >>> old = Study(SearchSpace([Float("x", 0, 1)]), "sobol", seed=0)
        >>> _ = old.run(lambda p: (p["x"] - 0.3) ** 2, n_trials=4)
        >>> new_space = SearchSpace([Float("x", 0, 1), Float("lr", 1e-3, 1.0, log=True)])
        >>> record = SourceRecord.from_study(old, "old", values={"lr": 0.01})
        >>> Study(new_space, "bo", seed=0, warm_start=[record]).warm_start[0].params[0]["lr"]
        0.01
        """
        from .core import check_study  # core imports this module

        owner = "SourceRecord.from_study"
        check_study(study, owner)
        if not isinstance(name, str):
            raise fail("name", owner, "a str", name)
        values = {} if values is None else values
        if not isinstance(values, Mapping) or not all(isinstance(key, str) for key in values):
            raise fail("values", owner, "a dict from parameter name to value", values)
        searched = [key for key in values if key in study.space.names]
        if searched:
            raise fail("values", owner, "values of parameters the study did not search", searched[0],
                       hint=f"Its trials hold their own values of {searched[0]}.")
        trials = cls._done(study, name, owner)
        return cls(name, tuple({**params, **values} for params, _ in trials), tuple(loss for _, loss in trials))

    @classmethod
    def of_study(cls, study: Study, name: str, space: SearchSpace, owner: str) -> SourceRecord:
        """The trials of ``study`` that :meth:`from_study` keeps, those that fit ``space``."""
        return cls.fitting(name, cls._done(study, name, owner), space, owner, source_space=study.space)

    @staticmethod
    def _done(study: Study, name: str, owner: str) -> list[tuple[dict[str, Any], float]]:
        """The completed, feasible trials of ``study`` (one objective) at its full budget (a
        scheduler's lower rungs measure a cheaper, biased objective), feasible as ``best_trial``
        counts them (:func:`~interactive_hpo.goals.feasible_mask`): (params, loss) pairs."""
        goals = study.goals
        if goals.multi:
            raise fail("warm_start", owner, "studies of one objective", f"{name!r} ({goals.describe()})")
        full, trials = study.full_budget, study.trials
        done = [t for t, feasible in zip(trials, feasible_mask(trials), strict=True)
                if t.state is TrialState.COMPLETE and feasible and at_full_budget(t, full)]
        if not done and any(t.state is TrialState.COMPLETE for t in study.trials):
            raise fail("warm_start", owner, "sources with completed, feasible trials at their full budget",
                       f"{name!r} (none of its completed trials is known to be feasible (with constraint values "
                       f"meeting them, in a study that has constraints) and ran at its full budget, {full:g})")
        return [(dict(t.params), float(goals.directions[0].to_loss(float(t.value))))  # type: ignore[arg-type]
                for t in done]

    @classmethod
    def fitting(cls, name: str, trials: Iterable[tuple[Mapping[str, Any], float]], space: SearchSpace,
                owner: str, source_space: SearchSpace | None = None) -> SourceRecord:
        """A record of the ``(params, loss)`` pairs that fit ``space`` (at least one must; when
        none does because ``space`` has parameters the source never set, the error says which
        and how to give their values). ``source_space``: as for :meth:`fit`."""
        trials = list(trials)
        try:
            return cls.fit(name, trials, space, source_space)
        except InvalidParameterError as error:
            raise fail("warm_start", owner, "sources with completed trials that fit this study's space",
                       f"{name!r} ({error})", hint=unset_hint(name, [p for p, _ in trials], space)) from None

    @classmethod
    def fit(cls, name: str, trials: Iterable[tuple[Mapping[str, Any], float]], space: SearchSpace,
            source_space: SearchSpace | None = None) -> SourceRecord:
        """As :meth:`fitting`; when no pair fits, raises :class:`InvalidParameterError` saying why
        (the first pair's reason, as :func:`params_for` gives it, or "none completed").

        A parameter the trials have and ``space`` lacks is dropped from their params, so trials
        that differed only in it would read as one configuration with several losses. A choice
        (not a number: another kernel is another model) keeps only the trials with the source's
        best trial's value: the value a person who dropped it most likely fixed, and the one the
        best configurations (BO's first trial, a population's first members) come from anyway.
        A number is merged over its values (neighbours give similar losses; the model reads the
        spread as noise), since one value of a float would keep one trial. A UserWarning says so
        and counts the trials kept; keeping the parameter in ``space`` with one choice keeps
        that choice's trials instead. A trial without a value for it (a conditional parameter,
        inactive there) made no other choice: it is kept, and the choice kept is that of the
        best trial that holds one.

        Whether a parameter is a number (Float, Int) or a choice (Categorical) is read from
        ``source_space``, the source's own space, when given; without it (a record), a parameter
        whose values are all numbers is taken for a number.
        """
        fitting, reasons, given = [], [], []
        for trial_params, loss in trials:
            given.append(trial_params)
            try:
                fitting.append((params_for(space, trial_params), dict(trial_params), loss))
            except InvalidParameterError as error:
                reasons.append(f"{dict(trial_params)} {error}")
        if not fitting:
            raise InvalidParameterError(reasons[0] if reasons else "none completed")
        kept = one_landscape(name, fitting, space, given, source_space)
        return cls(name, tuple(params for params, _, _ in kept), tuple(loss for _, _, loss in kept))


class WarmStart:
    """A study's warm-start sources: the records (what the journal keeps) and, built once, their
    :class:`Source` data in the study's unit cube (one object per source, so an optimizer's cache
    of a source's model lasts as long as the study)."""

    def __init__(self, records: Sequence[SourceRecord], space: SearchSpace):
        self.records = tuple(records)
        self.sources = [Source(r.name, np.array([space.to_unit(p) for p in r.params]), np.array(r.losses))
                        for r in self.records]

    @classmethod
    def read(cls, warm_start: Any, space: SearchSpace, goals: Goals, owner: str = "Study") -> WarmStart:
        """What a user passed as ``warm_start``: None, a study, a list of them, a dict from
        name to study, or :class:`SourceRecord` items (``study.warm_start`` of another study).

        Each source gets a distinct name. Names the user gave (the dict's keys, the records'
        names) must differ: a repeated one is refused, and so is a source given twice (two sources
        with the same trials: the same study, or two opened from one journal). A name the study derives (its journal's
        file name, else "source 2" for the second) that repeats another gets the journal's
        folder ("d1/old" and "d2/old"), then a number ("old (2)").
        """
        from .core import Study  # core imports this module: a study is known by its class only here

        if warm_start is None:
            return cls((), space)
        if goals.multi:
            raise fail("warm_start", owner, f"None for a study to {goals.describe()} (warm starts serve one "
                                            "objective)", warm_start)
        if isinstance(warm_start, Mapping) and "params" not in warm_start:
            items = list(warm_start.items())
        else:
            single = isinstance(warm_start, (Study, SourceRecord, Mapping))
            listed = [warm_start] if single else list(warm_start) if _is_list(warm_start) else None
            if listed is None:
                raise fail("warm_start", owner, "a study, a list of studies or a dict from name to study", warm_start,
                           hint=_source_hint(warm_start))
            items = [(None, item) for item in listed]
        records: list[SourceRecord] = []
        named_by: list[Study | None] = []  # the study whose journal or place named each record; None: the user
        for i, (name, item) in enumerate(items):
            if isinstance(item, (SourceRecord, Mapping)):
                data = item.to_json() if isinstance(item, SourceRecord) else item
                records.append(SourceRecord.from_json(data if name is None else {**data, "name": str(name)}, space,
                                                      owner))
                named_by.append(None)
            elif isinstance(item, Study):
                records.append(SourceRecord.of_study(item, str(_default_name(item, i) if name is None else name),
                                                     space, owner))
                named_by.append(item if name is None else None)
            else:
                raise fail("warm_start", owner, "studies (or sources as study.warm_start lists them)", item,
                           hint=_source_hint(item))
        distinct = _distinct(records, named_by, owner)  # a name given twice: its own error, first
        _check_each_once(records, [name for name, _ in items], warm_start, owner)
        return cls(distinct, space)

    @classmethod
    def from_header(cls, header: Mapping[str, Any], space: SearchSpace) -> WarmStart:
        """The sources a journal's header recorded (none if it has no ``warm_start``); a name that
        repeats another (journals written before names were made distinct may) gets a number."""
        written = header.get("warm_start", [])
        records = [SourceRecord.from_json(r, space, "the journal's header") for r in written]
        for record, raw in zip(records, written, strict=True):
            # Written once they fitted this space: a trial that no longer does was edited, and
            # dropping it silently made the replayed model another than the one recorded.
            if len(record.params) != len(raw["params"]):
                raise fail("warm_start", "the journal's header", "sources whose every trial fits the study's space, "
                           "as written", f"source {record.name!r} with {len(raw['params']) - len(record.params)} of "
                           f"its {len(raw['params'])} trials outside it")
        names = distinct_names(r.name for r in records)
        return cls([replace(r, name=name) for r, name in zip(records, names, strict=True)], space)

    def header(self) -> dict[str, Any]:
        """The header's entry for these sources (nothing without sources)."""
        return {"warm_start": [r.to_json() for r in self.records]} if self.records else {}

    def give(self, optimizer: Optimizer) -> None:
        """Hand the sources to ``optimizer`` if it uses them (it declares WarmStartable)."""
        if self.sources and isinstance(optimizer, WarmStartable):
            optimizer.warm_start(self.sources)

    def note_unused(self, optimizer: Optimizer, owner: str) -> None:
        """Warn that ``optimizer``, switched to (``owner``), leaves the sources unused: kept, they
        reach the next optimizer that uses them (a switch to random search said nothing, a442)."""
        if self.sources and not isinstance(optimizer, WarmStartable):
            warn_user(f"{owner}: {optimizer.name!r} does not use related studies, so the warm-start sources "
                      f"{[r.name for r in self.records]} go unused while it is in charge; the study keeps them for "
                      f"the next optimizer that uses them ({optimizers_declaring(WarmStartable)}).", UserWarning)

    def give_back(self, optimizer: Optimizer) -> None:
        """Take the sources back from ``optimizer`` (before its first ask): cold, as it was given
        to a study that was then refused."""
        if isinstance(optimizer, WarmStartable):
            optimizer.warm_start([])

    def check(self, optimizer: Optimizer, owner: str = "Study") -> None:
        """Refuse sources for an optimizer that would ignore them (when a person starts a study)."""
        if self.sources and not isinstance(optimizer, WarmStartable):
            raise fail("warm_start", owner, f"None for {optimizer.name!r}, which does not use related studies",
                       [r.name for r in self.records], hint=f"These do: {optimizers_declaring(WarmStartable)}.")


def carried_sources(records: Sequence[SourceRecord], space: SearchSpace,
                    optimizer: type[Optimizer]) -> tuple[list[SourceRecord], dict[str, str]]:
    """The sources a study carried over to ``space`` (``remap_study``, ``fork_study``) keeps, each
    with its trials that fit there, and why it leaves the others behind (name -> reason): none
    of their trials fit, or the new study's ``optimizer`` does not use related studies (a
    study is never started with sources its optimizer ignores)."""
    if not issubclass(optimizer, WarmStartable):
        return [], {r.name: f"{optimizer.name!r} does not use related studies" for r in records}
    kept, dropped = [], {}
    for record in records:
        try:
            kept.append(SourceRecord.fit(record.name, zip(record.params, record.losses, strict=True), space))
        except InvalidParameterError as error:
            dropped[record.name] = f"none of its trials fits the new space ({error})"
    return kept, dropped


def _check_each_once(records: Sequence[SourceRecord], keys: Sequence[Any], warm_start: Any, owner: str) -> None:
    """Refuse a source given twice: two ``records`` with the same trials (the same study, two
    opened from one journal, one record under two names). Under two names its trials would
    count twice, as two sources that always agree. ``keys`` are the dict's keys, or None."""
    seen: dict[str, str] = {}
    for i, (record, key) in enumerate(zip(records, keys, strict=True)):
        trials = json.dumps([record.params, record.losses], sort_keys=True, default=repr)
        given = str(i) if key is None else repr(key)  # a list's items, or a dict's keys
        if trials in seen:
            raise fail("warm_start", owner, "distinct sources", warm_start,
                       hint=f"{'Items ' if key is None else ''}{seen[trials]} and {given} hold the same trials "
                            "(the same study, given twice?): give each source once.")
        seen[trials] = given


def _default_name(study: Study, index: int) -> str:
    storage = study.storage  # a Study's journal path, or None in memory
    return Path(storage).stem if storage else f"source {index + 1}"


def _distinct(records: list[SourceRecord], named_by: list[Study | None], owner: str) -> list[SourceRecord]:
    """``records`` with distinct names (see :meth:`WarmStart.read`): ``named_by[i]`` is the study
    whose journal (or place in the list) named record i, None when the user named it."""
    given = [r.name for r, study in zip(records, named_by, strict=True) if study is None]
    repeated = [name for i, name in enumerate(given) if name in given[:i]]
    if repeated:
        raise fail("warm_start", owner, "sources with distinct names", repeated[0],
                   hint="Name each source with a dict: warm_start={'first': study, 'second': other}.")
    names = [r.name for r in records]
    derived = []
    for record, study in zip(records, named_by, strict=True):
        if study is not None:
            folder = Path(study.storage).absolute().parent.name if study.storage else ""
            derived.append(f"{folder}/{record.name}" if folder and names.count(record.name) > 1 else record.name)
    unique = iter(distinct_names(derived, taken=given))
    return [r if study is None else replace(r, name=next(unique)) for r, study in zip(records, named_by, strict=True)]


def _source_hint(value: Any) -> str | None:
    """What to do with a journal's path or an Optuna study given as a source (None for other values)."""
    if isinstance(value, (str, os.PathLike)):
        return "A journal's path is not a study: open it first, warm_start=Study.load(path)."
    kind = type(value)
    if kind.__module__.split(".")[0] == "optuna" and kind.__name__ == "Study":  # optuna is not imported here
        return ("An Optuna study is not an interactive_hpo Study: convert it first, "
                "warm_start=[interactive_hpo.interop.from_optuna(optuna_study)].")
    return None


def _is_list(value: Any) -> bool:
    """A sequence of sources (a str is a sequence of characters, not of sources)."""
    return isinstance(value, Sequence) and not isinstance(value, (str, bytes))
