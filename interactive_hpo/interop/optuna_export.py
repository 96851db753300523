"""Our study to Optuna: :func:`to_optuna` (what becomes of each part of a trial is in
:mod:`.optuna_study`'s table, right-hand column).

Optuna is imported when :func:`to_optuna` is called, never when this module is.
"""

from __future__ import annotations

import datetime
import json
import math
import warnings
from typing import Any

from .._validation import fail, shown, warn_user
from ..goals import Goals
from ..study.core import Study, check_study
from ..study.results import FULL_BUDGET
from ..trial import Trial, TrialState
from .optuna_space import distribution_of
from .optuna_study import BUDGET_KEY, FULL_BUDGET_KEY, GENERATION_KEY, SOURCE, SOURCE_KEY, SPACE_KEY, optuna_module

__all__ = ["to_optuna"]


def _moment(timestamp: float | None) -> datetime.datetime | None:
    return None if timestamp is None else datetime.datetime.fromtimestamp(timestamp)


def to_optuna(study: Study, storage: Any = None, study_name: str | None = None, *, sampler: Any = None) -> Any:
    """A new Optuna study holding ``study``'s finished trials (and its queue, as WAITING trials).

    Every trial is converted before the storage is touched, so a study Optuna cannot hold (a
    curve reported at a fractional step) is refused without writing; if writing fails midway,
    the Optuna study created is deleted again (``optuna.delete_study``).

    Parameters
    ----------
    study : Study
    storage : str or optuna.storages.BaseStorage, optional
        Where Optuna keeps it: None in memory, ``"sqlite:///path.db"`` a file, or any storage
        Optuna accepts (``optuna.create_study``'s ``storage``). A ``JournalStorage`` over a file
        (``JournalFileBackend``) that holds something other than an Optuna journal (a person's
        notes, a journal of ours) is refused before Optuna writes to it, and left as it is.
    study_name : str, optional
        Its name in the storage (default: one Optuna makes up); a name the storage holds already
        is refused (InvalidParameterError), and that study is left as it is.
    sampler : optuna.samplers.BaseSampler, optional
        The sampler that continues it in Optuna (default Optuna's, TPE).

    Returns
    -------
    optuna.Study

    Examples
    --------
    >>> from interactive_hpo import Float, SearchSpace, Study
    >>> space = SearchSpace([Float("x", -2, 2)])
    >>> ours = Study(space, "random", seed=0)
    >>> _ = ours.run(lambda p: (p["x"] - 1) ** 2, n_trials=4)
    >>> theirs = to_optuna(ours)
    >>> len(theirs.trials), theirs.best_value == ours.best_value, theirs.trials[0].user_attrs["ihpo_source"]
    (4, True, 'random')
    """
    optuna = optuna_module("to_optuna")
    check_study(study, "to_optuna")
    # Checked here: Optuna keeps a wrong sampler until the first trial, and reports a wrong
    # storage as an AttributeError from deep inside.
    if storage is not None and not isinstance(storage, (str, optuna.storages.BaseStorage)):
        raise fail("storage", "to_optuna", "None, a storage URL such as 'sqlite:///study.db' or an "
                   "optuna.storages.BaseStorage", storage)
    if study_name is not None and not isinstance(study_name, str):
        raise fail("study_name", "to_optuna", "a str or None", study_name)
    if sampler is not None and not isinstance(sampler, optuna.samplers.BaseSampler):
        raise fail("sampler", "to_optuna", "an Optuna sampler (optuna.samplers.BaseSampler) or None", sampler,
                   hint="For example optuna.samplers.TPESampler(seed=0).")
    # Every parameter and trial converted (and so checked) before the storage is touched: the space
    # is stored too, and a study with no trials yet would otherwise write choices Optuna merges.
    for parameter in study.space:
        distribution_of(parameter)
    frozen = [_frozen(study, t, optuna) for t in study.trials if t.state.is_finished]
    running = [t.number for t in study.trials if not t.state.is_finished]
    _check_journal_file(storage, optuna)
    theirs = _created(optuna, storage, study_name, sampler, study)
    try:
        if study.goals.names != Goals.parse(directions=list(study.directions)).names:
            with warnings.catch_warnings():  # experimental since Optuna 3.2, and what Optuna's names are for
                warnings.simplefilter("ignore", optuna.exceptions.ExperimentalWarning)
                theirs.set_metric_names(list(study.goals.names))  # objective names of our own choosing
        theirs.set_user_attr(SPACE_KEY, study.space.to_dict())  # what the trials do not show: see from_optuna
        if study.full_budget != FULL_BUDGET:  # the units of the trials' ihpo_budget: lower rungs stay lower
            theirs.set_user_attr(FULL_BUDGET_KEY, study.full_budget)
        theirs.add_trials(frozen)
        for params in study.queued:
            theirs.enqueue_trial(params)
    except BaseException as error:  # the storage as it was: without the study created above
        if storage is not None:  # None: Optuna's in-memory storage of this study alone, gone with it
            try:
                optuna.delete_study(study_name=theirs.study_name, storage=storage)
            except Exception as cleanup:  # noqa: BLE001 - the first error is the one to see
                error.add_note(f"to_optuna could not delete the half-written Optuna study {theirs.study_name!r} "
                               f"({type(cleanup).__name__}: {cleanup}); delete it with optuna.delete_study.")
        raise
    if running:
        warn_user(f"to_optuna left out RUNNING trials (no result yet): trials {running}.", UserWarning)
    return theirs


def _check_journal_file(storage: Any, optuna: Any) -> None:
    """Refuse a ``JournalStorage`` over a file (``JournalFileBackend``) that holds something other
    than an Optuna journal: Optuna appends its create-study line to the file before it reads the
    file back and fails, so a person's notes, or a journal of ours, had a line of Optuna's added
    after them. An empty or missing file is a new journal; one whose first line is a JSON object
    with an ``"op_code"`` is Optuna's."""
    # Optuna 5 names neither the backend of a JournalStorage nor the file of a backend publicly.
    backend = getattr(storage, "_backend", None) if isinstance(storage, optuna.storages.JournalStorage) else None
    if not isinstance(backend, optuna.storages.journal.JournalFileBackend):
        return
    path = backend._file_path
    try:
        with open(path, "rb") as file:
            line = file.readline(_FIRST_LINE)
    except FileNotFoundError:  # deleted since the backend made it: Optuna makes it again
        return
    except OSError as error:
        raise fail("storage", "to_optuna", "an Optuna journal storage whose file can be read", storage,
                   hint=f"{path} cannot be read ({error.strerror or error}); it was left as it is.") from error
    if not line:  # an empty file: a new journal
        return
    try:
        record = json.loads(line)
    except ValueError:  # UnicodeDecodeError too
        record = None
    if not (isinstance(record, dict) and "op_code" in record):
        raise fail("storage", "to_optuna", "an Optuna journal storage over a new or empty file, or an Optuna "
                   "journal", storage,
                   hint=f"{path} holds something else (its first line is {shown(line[:80])}), and Optuna appends to "
                        "the file before it reads it; it was left as it is. Name a new file, for example "
                        "JournalStorage(JournalFileBackend('optuna_journal.log')).")


#: Bytes of a journal file's first line read at most: Optuna's first line, its create-study record
#: (``{"op_code": 0, "worker_id": ..., "study_name": ..., "directions": [...]}``), is far shorter,
#: and a person's file without a newline (a video) is not read whole.
_FIRST_LINE = 1 << 20


def _created(optuna: Any, storage: Any, study_name: str | None, sampler: Any, study: Study) -> Any:
    """The new, empty Optuna study; a storage Optuna cannot open is refused naming the argument (a URL
    it cannot parse, a database in a folder that does not exist: SQLAlchemy's errors from inside
    before). Optuna's own refusals (a name the storage holds already: DuplicatedStudyError) say
    what is wrong in its words, but for a name the storage holds already, refused naming
    ``study_name`` (Optuna's DuplicatedStudyError named no argument). A database's studies are left
    as they were when Optuna refuses. A journal file is not left byte for byte: Optuna appends its
    create-study line before it reads the file back (over an Optuna journal, a line its replay
    ignores, the study of that name unchanged; over any other file, a line added to it, which is
    why :func:`_check_journal_file` refuses such a file first)."""
    try:
        return optuna.create_study(storage=storage, study_name=study_name, sampler=sampler,
                                   directions=[d.value for d in study.directions])
    except optuna.exceptions.DuplicatedStudyError as error:  # e.g. the same export run twice
        raise fail("study_name", "to_optuna", "a name the storage holds no study under (to_optuna creates a new "
                   "Optuna study)", study_name,
                   hint=f"{shown(storage)} holds a study named {study_name!r} already; it was left as it is. Choose "
                        f"another name, open that study with optuna.load_study(study_name={study_name!r}, "
                        "storage=...), or delete it first with optuna.delete_study.") from error
    except optuna.exceptions.OptunaError:
        raise
    except Exception as error:  # noqa: BLE001 - what the storage's driver raises: the storage is what failed
        raise fail("storage", "to_optuna", "a storage Optuna can open", storage,
                   hint=f"Optuna could not: {type(error).__name__}: {error}") from error


def _frozen(study: Study, trial: Trial, optuna: Any) -> Any:
    """One finished trial of ours as an Optuna ``FrozenTrial`` (see the module's table)."""
    state = {TrialState.COMPLETE: optuna.trial.TrialState.COMPLETE, TrialState.PRUNED: optuna.trial.TrialState.PRUNED,
             TrialState.FAILED: optuna.trial.TrialState.FAIL}[trial.state]
    attrs = dict(trial.user_attrs)
    extra = {SOURCE_KEY: trial.source if trial.source != SOURCE else None, BUDGET_KEY: trial.budget,
             GENERATION_KEY: trial.generation}
    attrs.update({key: value for key, value in extra.items() if value is not None})
    values: dict[str, Any] = {}
    if trial.state is TrialState.COMPLETE:
        values = {"values": list(trial.values)} if trial.values is not None else {"value": trial.value}
    elif trial.state is TrialState.PRUNED and trial.value is not None:
        values = {"value": trial.value}
    frozen = optuna.trial.create_trial(
        state=state, params=dict(trial.params), user_attrs=attrs,
        distributions={name: distribution_of(study.space[name]) for name in trial.params},
        intermediate_values={_step(step, trial.number): value for step, value in trial.intermediate_values.items()},
        constraints=None if trial.constraints is None or trial.state is not TrialState.COMPLETE else
        {str(i): c for i, c in enumerate(trial.constraints)}, **values)
    if trial.datetime_start is not None:
        frozen.datetime_start = _moment(trial.datetime_start)
    if trial.datetime_complete is not None:
        frozen.datetime_complete = _moment(trial.datetime_complete)
    return frozen


#: Optuna's databases keep a step as a 64-bit int: a step from here on came back as SQLite's
#: OverflowError, after the study had been created in the storage.
_STEPS_BELOW = 2**63


def _step(step: float, number: int) -> int:
    """A reported step as Optuna's int step; a fractional step, or one beyond what its databases
    hold, is refused naming the trial."""
    if not (math.isfinite(step) and float(step).is_integer() and abs(step) < _STEPS_BELOW):
        raise fail("study", "to_optuna", "a study whose intermediate values are at whole-number steps below 2**63",
                   step, hint=f"Trial {number} reported at step {step!r}; Optuna's steps are ints, 64-bit in its "
                              "databases. Report at integer steps (an epoch, a sample count) to export the curves.")
    return int(step)
