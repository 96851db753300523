"""Searches that survive a crash: ``HPOSearchCV(storage=path)`` and ``nested_cv(storage=folder)``.

The trials live in the study's own journal (:mod:`interactive_hpo.study.journal`: one line per
event, fsynced; a cut-off last line is repaired; a file that is not a journal is refused and left
byte for byte as it was). Its header holds one field more, ``"search"``: what every trial was
scored on and what chose it (:func:`search_record`: the estimator and its parameters,
``estimator_params``, the scoring, the optimizer and its settings, the folds, the data and the
seed). A fit with the same storage resumes the study; the study itself refuses another space or
other objectives, and :func:`open_search` refuses the rest, naming each difference: a trial
scored on other folds, data or another model does not compare with the new ones, and the best of
both would mean nothing. Data and folds are kept as digests (SHA-256 of their values), never as
data; settings that change how a fit runs, not what it finds, not at all (:data:`EXECUTION_ONLY`).

A resume runs first, once, each configuration whose trial a Ctrl-C or a kill stopped
(:func:`evaluated`, :func:`queue_again`), so that no configuration the uninterrupted search
evaluated is left out (grid and Sobol search then go on exactly as it did; random streams are
keyed by the trials seen, so other optimizers' later proposals may differ).
"""

from __future__ import annotations

import functools
import hashlib
import json
import math
import numbers
import re
import types
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from .._paths import check_folder, check_path
from .._validation import import_optional, shown, warn_user
from ..exceptions import StorageError
from ..objectives.splitting import closed_over, data_bytes, function_bytes
from ..study.core import Study
from ..study.journal import Journal
from ..study.space_change import as_written_today, same_record, space_changes
from ..trial import Trial, TrialState

import_optional("sklearn", "sklearn", "interactive_hpo.model_selection.journaled")

from sklearn.base import BaseEstimator  # noqa: E402

__all__ = ["EXECUTION_ONLY", "FOLD_JOURNAL", "RECORD_VERSION", "describe", "digest", "evaluated", "fold_journal",
           "folds_digest", "journal_header", "journaled_seed", "open_search", "queue_again", "record_changes",
           "recorded_nested", "search_record", "storage_folder", "unscored", "warn_unscored"]

#: The version of the search record in a journal's header (another reader refuses a newer one).
RECORD_VERSION = 1
#: How a digest begins, so that a difference between two is phrased as "other contents".
_DIGEST = "sha256:"


def digest(data: bytes) -> str:
    """A short, printable digest of ``data`` (the first 16 hex digits of its SHA-256)."""
    return _DIGEST + hashlib.sha256(data).hexdigest()[:16]


#: Estimator parameters that change how a fit runs, never what it finds, left out of a search's
#: record at any depth (a resume with ``n_jobs=4`` instead of 1 is the same search): ``n_jobs``,
#: ``verbose``, ``pre_dispatch`` (a nested search's), ``memory`` (a Pipeline's cache folder,
#: FeatureAgglomeration's) and ``cache_size`` (an SVM's kernel cache, in MB). scikit-learn's
#: parallel estimators give the same results for any ``n_jobs`` (their random streams are drawn
#: before the jobs are dealt out).
EXECUTION_ONLY = frozenset({"n_jobs", "verbose", "pre_dispatch", "memory", "cache_size"})


def describe(value: Any) -> Any:
    """A JSON description of a setting that is equal for equal settings in any process.

    An estimator is its class and its parameters (nested estimators, a pipeline's steps,
    described alike; :data:`EXECUTION_ONLY` ones left out), a function its qualified name, a
    digest of its code (two lambdas differ) and the description of its defaults and of the
    values it closes over, a bound method its function and the instance it is bound to (its
    class and attributes, ``vars``), a ``functools.partial`` its function and arguments, an
    object with the default ``repr`` (a callable object, a helper) its class and attributes, an
    array its shape and a digest of its values; anything else is its ``repr`` without a memory
    address (which changes between processes and says nothing). A value met again inside itself
    (a recursive closure) is ``"<recursive>"``.
    """
    return _described(value, ())


def _described(value: Any, inside: tuple[int, ...]) -> Any:
    """:func:`describe`; ``inside``: the ids of the values being described that hold ``value``."""
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, numbers.Real):
        return float(value) if math.isfinite(float(value)) else repr(float(value))
    if isinstance(value, np.ndarray):
        return {"shape": list(value.shape), "values": digest(data_bytes(value))}
    if isinstance(value, type):
        return _qualified(value)
    if id(value) in inside:
        return "<recursive>"
    inside = (*inside, id(value))

    def each(held: Any) -> Any:
        return _described(held, inside)

    if isinstance(value, BaseEstimator):
        return {"class": _qualified(type(value)), **{name: each(held) for name, held in
                                                     value.get_params(deep=False).items()
                                                     if name not in EXECUTION_ONLY}}
    if isinstance(value, Mapping):
        return {str(key): each(held) for key, held in value.items()}
    if isinstance(value, (list, tuple)):
        return [each(held) for held in value]
    if isinstance(value, (set, frozenset)):  # (stop words): a set's order follows the process's hash seed
        return sorted((each(held) for held in value), key=repr)
    if isinstance(value, types.FunctionType):  # a lambda too
        # The code without the values it holds, which are described (a closed-over object's repr
        # holds an address, new in every process; its attributes do not).
        described = {"function": _qualified(value), "code": digest(function_bytes(value, values=False))}
        held = {"defaults": value.__defaults__, "kwdefaults": value.__kwdefaults__, "closure": closed_over(value)}
        return {**described, **{name: each(values) for name, values in held.items() if values}}
    if isinstance(value, types.MethodType):  # Mapper(10).params: the instance is part of the setting
        bound = value.__self__
        plain = isinstance(bound, (BaseEstimator, type)) or not hasattr(bound, "__dict__")
        return {"method": each(value.__func__), "self": each(bound) if plain else _attributes(bound, each)}
    if isinstance(value, functools.partial):
        return {"partial": each(value.func), "args": each(value.args), "keywords": each(value.keywords)}
    if type(value).__repr__ is object.__repr__ and hasattr(value, "__dict__"):  # its repr says nothing but its class
        return _attributes(value, each)
    return re.sub(r" at 0x[0-9a-fA-F]+", "", shown(value, limit=1000))


def _attributes(value: Any, each: Any) -> dict[str, Any]:
    """An object as its class and the description (``each``) of its attributes."""
    return {"class": _qualified(type(value)), **each(vars(value))}


def _qualified(named: Any) -> str:
    return f"{getattr(named, '__module__', '?')}.{getattr(named, '__qualname__', type(named).__name__)}"


def search_record(estimator: Any, estimator_params: Any, scoring: Any, optimizer: str, optimizer_settings: Any,
                  folds: Sequence[tuple[np.ndarray, np.ndarray]], X: Any, y: Any, groups: Any, seed: int,
                  context: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """What a search's trials were scored on and which optimizer chose them, for its journal's
    header (a JSON object).

    Parameters
    ----------
    estimator, estimator_params, scoring, optimizer, optimizer_settings
        As given to the search (``optimizer_settings`` None is ``{}``).
    folds : list of (train, test) pairs of ndarray of shape (n_train_k,) and (n_test_k,)
        The folds every trial is scored on, as cut.
    X, y, groups : array-like of shape (n_samples, n_features), (n_samples,) and (n_samples,) or None
        The data of ``fit``.
    seed : int
        The search's seed (its folds, its models' ``random_state`` and its optimizer derive from it).
    context : dict, optional
        More fields that must match (``nested_cv``: its seed and which outer fold this is).
    """
    return {"version": RECORD_VERSION, "estimator": describe(estimator), "estimator_params": describe(estimator_params),
            "scoring": describe(scoring),
            "optimizer": optimizer, "optimizer_settings": describe(optimizer_settings or {}),
            "cv": {"n_splits": len(folds), "folds": folds_digest(folds)},
            "data": {"X": digest(data_bytes(X)), "y": digest(data_bytes(y)),
                     "groups": None if groups is None else digest(data_bytes(groups))},
            "seed": seed, **(context or {})}


def folds_digest(folds: Sequence[tuple[np.ndarray, np.ndarray]]) -> str:
    """A digest of the rows of every (train, test) pair, in order: ``folds`` holds pairs of
    int ndarrays of shapes (n_train_i,) and (n_test_i,), row positions."""
    parts = [repr([[len(train), len(test)] for train, test in folds]).encode()]
    parts += [np.ascontiguousarray(part, dtype=np.int64).tobytes() for fold in folds for part in fold]
    return digest(b"\0".join(parts))


def record_changes(journal: Any, given: Any, where: str = "") -> list[str]:
    """One phrase per difference between two search records (the journal's, and the one given),
    each naming its field: "`estimator.C`: 1.0 in the journal, 10.0 given"."""
    if isinstance(journal, Mapping) and isinstance(given, Mapping):
        changes = []
        for key in [*journal, *(k for k in given if k not in journal)]:
            field = f"{where}.{key}" if where else str(key)
            if key not in given or key not in journal:
                shown_given = shown(given[key]) if key in given else "none"
                shown_journal = shown(journal[key]) if key in journal else "none"
                changes.append(f"`{field}`: {shown_journal} in the journal, {shown_given} given")
            else:
                changes += record_changes(journal[key], given[key], field)
        return changes
    if isinstance(journal, list) and isinstance(given, list) and len(journal) == len(given):
        return [change for i, (old, new) in enumerate(zip(journal, given, strict=True))
                for change in record_changes(old, new, f"{where}[{i}]")]
    if same_record(journal, given):
        return []
    if all(isinstance(side, str) and side.startswith(_DIGEST) for side in (journal, given)):
        return [f"`{where}`: other contents than in the journal"]
    return [f"`{where}`: {shown(journal)} in the journal, {shown(given)} given"]


def journal_header(path: Path, owner: str) -> dict[str, Any] | None:
    """The header of the search journal at ``path``; None when there is none yet (no file, or
    an empty one). A file that is not a journal, or a study's journal that no search started, is
    refused (:class:`StorageError`) and left as it is."""
    journal = Journal(path)
    if journal.is_empty():
        return None
    # Line 1 only (a file that is not a journal is refused there); the study reads the rest.
    return _searched(journal.read_header(), journal.path, owner)


def _searched(header: dict[str, Any], path: Path, owner: str) -> dict[str, Any]:
    """``header``, of the journal at ``path``, if a search started it (it has a search record
    this version reads); else the refusal."""
    record = header.get("search")
    if not isinstance(record, Mapping):
        raise StorageError(f"`storage` of {owner}: {path} holds a study that no search started (its header "
                           "has no search record), so what its trials were scored on is unknown. It was left as it "
                           "is: choose another storage path (or open it with Study.load(path)).")
    if not isinstance(record.get("version"), int) or record["version"] > RECORD_VERSION:
        raise StorageError(f"{path}: its search record was written by a newer interactive_hpo (version "
                           f"{record.get('version')!r}; this one reads up to {RECORD_VERSION}). Upgrade "
                           "interactive_hpo.")
    return header


def journaled_seed(seed: Any, found: Mapping[str, Any] | None, path: Path | None) -> Any:
    """The seed a search over a journal uses: the journal's when ``seed`` is None or a Generator
    (a resume cuts the same folds and seeds the same models); else ``seed``, which the record
    check then compares with the journal's. ``found`` is the search record (or the part of it
    that holds ``"seed"``), None for no journal yet."""
    if found is None or not (seed is None or isinstance(seed, np.random.Generator)):
        return seed
    journaled = found.get("seed")
    if not isinstance(journaled, int) or isinstance(journaled, bool) or journaled < 0:
        raise StorageError(f"{path}, line 1: the search record's seed {journaled!r} is not a non-negative int. "
                           "The file is corrupted or was edited by hand.")
    return journaled


def open_search(path: Path, found: Mapping[str, Any] | None, header: Mapping[str, Any], record: Mapping[str, Any],
                owner: str) -> None:
    """Make the journal at ``path`` a search's: start it with the study's ``header`` and the
    search ``record`` if there is none yet, else refuse it if its record or space differ from
    these (naming each difference). ``found`` is its header as :func:`journal_header` read it;
    ``owner`` the function the person gave the storage to (``nested_cv`` for a fold's journal).

    A new journal is written whole and renamed into place under the journal's lock
    (:meth:`~interactive_hpo.study.journal.Journal.open_or_create`); a process that started it
    meanwhile is checked as any existing journal is. Nothing is written to an existing one.
    """
    if found is None:
        journal = Journal(path)
        with journal.locked():
            existing = journal.open_or_create({**header, "search": dict(record)})
        if existing is None:
            return
        found = _searched(existing[0], journal.path, owner)  # another process started it meanwhile
    journal_space = as_written_today(found.get("space", {}))
    changes = [f"the search space: {change}" for change in space_changes(journal_space, header["space"])]
    changes += [_as_typed(change, owner) for change in record_changes(found.get("search"), record)]
    if not changes:
        return
    hint = ""
    if any(change.startswith("`data.") for change in changes) and "nested_cv" not in record:
        hint = (" (if this search is nested in cross_val_score: its clones share this storage while each outer "
                "fold fits on other rows; nested_cv(..., storage=folder) keeps one journal per outer fold)")
    chosen = [change for change in changes if change.startswith("`optimizer")]
    why = [] if len(chosen) == len(changes) else ["its trials were scored on something else, so they would not "
                                                  "compare with new ones"]
    if chosen:  # a finished search would return the journal's optimizer's choice as the one given
        why.append(f"its trials were chosen by {_chosen_by(found['search'])}, so its results would pass for the "
                   "given optimizer's")
    raise StorageError(f"`storage` of {owner}: {Path(path).absolute()} holds another search: {'; '.join(why)}. "
                       f"{'; '.join(changes)}{hint}. It was left as it is: give what it was started with, or choose "
                       "another storage path.")


#: The record's fields of the folds, by what the person typed: HPOSearchCV's `cv`, nested_cv's
#: `inner` (each fold's search's cv) and `outer`.
_FOLD_FIELDS = {"HPOSearchCV": {"`cv.": "cv"}, "nested_cv": {"`cv.": "inner", "`nested_cv.outer_folds": "outer",
                                                            "`nested_cv.n_outer": "outer"}}


def _as_typed(change: str, owner: str) -> str:
    """A phrase of :func:`record_changes`, and for one about the folds the argument of ``owner``
    the person typed them with (the record's `cv.folds` are nested_cv's `inner` folds) and how a
    splitter that shuffles is seeded (a journal from before that cut them unseeded)."""
    for field, argument in _FOLD_FIELDS.get(owner, {}).items():
        if change.startswith(field):
            return (f"{change} (the folds of `{argument}`: a splitter that shuffles with random_state=None is "
                    f"seeded by `seed`, one with its own random_state keeps it)")
    return change


def _chosen_by(record: Mapping[str, Any]) -> str:
    """The optimizer a search record names, with its settings, for a message."""
    settings = record.get("optimizer_settings")
    return f"{shown(record.get('optimizer'))}" + (f" with {shown(settings)}" if settings else "")


def unscored(trials: Sequence[Trial]) -> list[Trial]:
    """The finished ``trials`` of a search's journal that no search scored: added by hand, pruned,
    or complete without the fold scores every trial the search completes keeps (``fold_scores``).
    A plain Study can no longer write to a search's journal (:mod:`interactive_hpo.study.read_only`);
    an older version could, and a journal may be edited. A failed trial cannot be told apart."""
    return [t for t in trials if t.state.is_finished and (
        t.source == "manual" or t.state is TrialState.PRUNED
        or (t.state is TrialState.COMPLETE and not isinstance(t.user_attrs.get("fold_scores"), (list, dict))))]


def warn_unscored(trials: Sequence[Trial], path: Any) -> None:
    """Warn of the :func:`unscored` ``trials`` of the search journal at ``path``, if any."""
    if foreign := unscored(trials):
        warn_user(f"{Path(path).absolute()} holds {len(foreign)} trial(s) that no search scored (numbers "
                  f"{[t.number for t in foreign]}: written by a Study on this journal, or edited): the search leaves "
                  "them out of cv_results_, of n_trials and of the choice of the best.", UserWarning)


def evaluated(trials: Sequence[Trial]) -> tuple[list[Trial], list[dict[str, Any]]]:
    """What a search over a journal's ``trials`` has done: the trials that count (``cv_results_``'s
    rows, the done part of ``n_trials``), in order, and the configurations to run again, in the
    order they were stopped. A trial no search scored (:func:`unscored`) is not one of them.

    A trial stopped before it could tell anything of its configuration (a Ctrl-C cut it short, or
    its process stopped: :attr:`~interactive_hpo.trial.Trial.untried`) does not count, and its
    configuration is run again: after a person's stop every time (a Ctrl-C says nothing of it, as
    the schedulers read one too), after its process stopped once (killed again, it counts as a
    failure: one that kills its process would stop every resume). Trials another process is
    running do not count.
    """
    rows: list[Trial] = []
    again: dict[str, dict[str, Any]] = {}  # configuration -> its params, for those to run again
    killed: set[str] = set()  # configurations a process stopped on once
    foreign = {t.number for t in unscored(trials)}
    for trial in trials:
        if not trial.state.is_finished or trial.number in foreign:
            continue
        key = _configuration(trial.params)
        if trial.cut_short or (trial.untried and key not in killed):
            killed.update([] if trial.cut_short else [key])
            again[key] = dict(trial.params)
        else:  # evaluated, or its process stopped on it again
            rows.append(trial)
            again.pop(key, None)
    return rows, list(again.values())


def queue_again(study: Study, again: Sequence[Mapping[str, Any]], left: int) -> None:
    """Enqueue in ``study`` the configurations ``again`` (from :func:`evaluated`) that are not
    queued yet, so that they are the first of the ``left`` trials the search runs now. The queue
    is journaled: a resume stopped before it ran them finds them queued and does not add them
    twice. Nothing is written when nothing is left to run."""
    queued = [_configuration(params) for params in study.queued]
    missing = [params for params in again if _configuration(params) not in queued]
    for params in missing[:max(left - len(queued), 0)]:
        study.enqueue(params)


def _configuration(params: Mapping[str, Any]) -> str:
    """A key equal for equal configurations as the journal records them (``1``, ``1.0`` and ``True``
    are three choices, as in :func:`~interactive_hpo.study.space_change.same_record`)."""
    return json.dumps(params, sort_keys=True, default=repr)


#: The journal of outer fold ``k`` (from 1, as nested_cv's messages and summary count them) in a storage folder.
FOLD_JOURNAL = "outer_fold_{}.jsonl"


def storage_folder(storage: Any, owner: str) -> Path:
    """``storage`` of ``nested_cv``: a folder for one journal per outer fold, made when the first is
    (checked, ``~`` expanded: the journals are looked for, and made, where the person meant)."""
    return check_folder(storage, "storage", owner, "nested_search/", optional=True)


def recorded_nested(folder: Path, owner: str) -> Mapping[str, Any] | None:
    """The ``"nested_cv"`` part (its seed, which fold) of the search record of a fold journal in
    ``folder``; None when there is none yet. A file there that is not a search journal is refused."""
    for path in sorted(folder.glob(FOLD_JOURNAL.format("*"))):
        header = journal_header(path, owner) if path.is_file() else None
        if header is not None and isinstance(header["search"].get("nested_cv"), Mapping):
            return header["search"]["nested_cv"]
    return None


def fold_journal(folder: Path, k: int, owner: str) -> Path:
    """The path of outer fold ``k``'s journal (``k`` from 0), checked as any journal path is."""
    return check_path(folder / FOLD_JOURNAL.format(k + 1), "storage", owner)
