"""Every bad input gets a clear error naming the parameter, the rule and the value given.

One table, scikit-learn's ``test_input_errors`` style: each row is the user's mistake, the
exception class, and the exact text they will read.
"""

from __future__ import annotations

import json
import re

import numpy as np
import pytest

from interactive_hpo import (
    Categorical,
    Evaluation,
    Float,
    GridSearch,
    Int,
    InvalidParameterError,
    RandomSearch,
    SearchSpace,
    StorageError,
    Study,
    TrialStateError,
    make_optimizer,
)
from interactive_hpo.objectives import FunctionObjective
from interactive_hpo.study.branching import fork_study

SPACE = SearchSpace([Float("lr", 1e-4, 1.0, log=True), Int("depth", 1, 8), Categorical("act", ["relu", "tanh"])])
GOOD = {"lr": 0.01, "depth": 3, "act": "relu"}


class Unregistered(RandomSearch):
    name = "unregistered"

    def __init__(self, space, *, seed=0):
        super().__init__(space, seed=seed)


SELF: dict = {}
SELF["self"] = SELF


class RandomSubclass(RandomSearch):
    """Keeps RandomSearch's name, "random": a journal naming it rebuilds RandomSearch."""


def told_twice(tmp_path):
    study = Study(SPACE, seed=0)
    trial = study.ask()
    study.tell(trial, 1.0)
    study.tell(trial, 2.0)


def running_study():
    study = Study(SPACE, seed=0)
    study.ask()
    return study


def journal(tmp_path, direction="minimize"):
    path = tmp_path / "study.jsonl"
    Study(SPACE, seed=0, storage=path, direction=direction).run(lambda p: p["lr"], 2)
    return path


def corrupt_middle(tmp_path):
    path = journal(tmp_path)
    lines = path.read_text().splitlines(keepends=True)
    lines[2] = "{not json\n"
    path.write_text("".join(lines))
    Study(SPACE, storage=path)


def rewrite_header(tmp_path, **changes):
    path = journal(tmp_path)
    lines = path.read_text().splitlines(keepends=True)
    header = {**json.loads(lines[0]), **changes}
    path.write_text(json.dumps(header) + "\n" + "".join(lines[1:]))
    Study.load(path)


def foreign_file(tmp_path):
    path = tmp_path / "results.jsonl"
    path.write_text('{"name": "something else"}\n')
    Study(SPACE, storage=path)


def unknown_event(tmp_path):
    path = journal(tmp_path)
    with open(path, "a") as file:
        file.write('{"event": "deleted", "number": 0}\n')
    Study(SPACE, storage=path)


def inconsistent_event(tmp_path):
    path = journal(tmp_path)
    with open(path, "a") as file:
        file.write('{"event": "finished", "number": 0, "state": "COMPLETE", "value": 1.0, "user_attrs": {}, '
                   '"datetime_complete": 0}\n')
    Study(SPACE, storage=path)


def with_event(tmp_path, line):
    path = journal(tmp_path)
    with open(path, "a") as file:
        file.write(line + "\n")
    Study(SPACE, storage=path)


def without_header_field(tmp_path, field):
    path = journal(tmp_path)
    lines = path.read_text().splitlines(keepends=True)
    header = json.loads(lines[0])
    del header[field]
    path.write_text(json.dumps(header) + "\n" + "".join(lines[1:]))
    Study.load(path)


def with_finished_value(tmp_path, value):
    path = tmp_path / "study.jsonl"
    study = Study(SPACE, seed=0, storage=path)
    study.ask()
    with open(path, "a") as file:
        file.write('{"event":"finished","number":0,"state":"COMPLETE","value":' + value
                   + ',"user_attrs":{},"datetime_complete":0}\n')
    del study
    Study(SPACE, storage=path)


def with_trial_field(tmp_path, key, value):
    """A journal whose last trial (added by hand) says ``key: value``, as a damaged file might."""
    path = tmp_path / "study.jsonl"
    Study(SPACE, seed=0, storage=path).add_manual({"lr": 0.01, "depth": 2, "act": "relu"}, 1.0)
    lines = path.read_text().splitlines()
    event = json.loads(lines[-1])
    event["trial"][key] = value
    path.write_text("\n".join([*lines[:-1], json.dumps(event)]) + "\n")
    Study.load(path)


def told_a_huge_int(tmp_path):
    study = Study(SPACE, seed=0)
    study.tell(study.ask(), 10**400)


def told_attrs(user_attrs):
    study = Study(SPACE, seed=0)
    study.tell(study.ask(), 1.0, user_attrs=user_attrs)


def ran(study):
    """``study`` after two trials."""
    study.run(lambda p: p["lr"], n_trials=2)
    return study


def asked(optimizer):
    """``optimizer`` once it has proposed a point."""
    optimizer.ask()
    return optimizer


CASES = [
    # -- values too large for a float, ranges the codec cannot hold (issue 21) ---------------
    ("tell a huge int", told_a_huge_int, InvalidParameterError,
     "`value` of Study.tell must be a real number that fits in a float (|value| < 1.8e308); got an int of about "
     "401 digits."),
    ("manual huge int", lambda t: Study(SPACE).add_manual(GOOD, 10**400), InvalidParameterError,
     "`value` of Study.add_manual must be a finite real number; got an int of about 401 digits."),
    ("float bound too large", lambda t: Float("x", 0, 10**400), InvalidParameterError,
     "`high` of Float('x') must be a finite real number in (-inf, inf); got an int of about 401 digits."),
    ("int bound too large", lambda t: Int("n", 0, 10**400), InvalidParameterError,
     "`high` of Int('n') must be an int in [-2**53, 2**53) (the unit-cube codec holds those exactly); got an int "
     "of about 401 digits."),
    ("float range too wide", lambda t: Float("x", -1e308, 1e308), InvalidParameterError,
     "`high` of Float('x') must be within a float's range of low=-1e+308 (high - low must be finite); got 1e+308."),
    ("categorical from a set", lambda t: Categorical("k", {"rbf", "linear"}), InvalidParameterError,
     "`choices` of Categorical('k') must be an ordered collection (a list or tuple); got "),
    ("user_attrs a string", lambda t: told_attrs("abc"), InvalidParameterError,
     "`user_attrs` of Study.tell must be a dict of JSON values with str keys, or None; got 'abc'."),
    ("user_attrs with an int key", lambda t: told_attrs({1: "a"}), InvalidParameterError,
     "`user_attrs` of Study.tell must be JSON-serializable (str, numbers, bool, None, lists, dicts with str "
     "keys); got {1: 'a'}. The key 1 is not a str; a journal would read it back as \"1\"."),
    ("user_attrs with a nested int key", lambda t: told_attrs({"folds": {0: 0.9}}), InvalidParameterError,
     "The key 0 is not a str"),
    ("user_attrs with an object", lambda t: told_attrs({"folds": np.array([0.5]), "model": object}),
     InvalidParameterError, "got {'folds': array([0.5]), 'model': <class 'object'>}. Object of type type is not"),
    # An Evaluation checks its details where it is built (they were accepted, and failed the trial later).
    # Its value too: Evaluation("abc") was built, and its trial said "the objective returned str 'abc'".
    ("Evaluation value a string", lambda t: Evaluation("abc"), InvalidParameterError,
     "`value` of Evaluation must be a real number (NaN or inf fails the trial), or several: a non-empty tuple, list or "
     "1-D array of real numbers, or a dict of them by objective name; got 'abc'."),
    ("Evaluation value None", lambda t: Evaluation(None, {"fold": 1}), InvalidParameterError,
     "`value` of Evaluation must be a real number (NaN or inf fails the trial), or several: a non-empty tuple, list or "
     "1-D array of real numbers, or a dict of them by objective name; got None."),
    ("Evaluation value a bool", lambda t: Evaluation(True), InvalidParameterError, "`value` of Evaluation must be a "
     "real number (NaN or inf fails the trial), or several"),
    ("Evaluation values empty", lambda t: Evaluation(()), InvalidParameterError,
     "`value` of Evaluation must be a real number (NaN or inf fails the trial), or several: a non-empty tuple"),
    ("Evaluation values by a non-str name", lambda t: Evaluation({0: 0.5}), InvalidParameterError,
     "`value` of Evaluation must be a real number (NaN or inf fails the trial), or several: a non-empty tuple, list or "
     "1-D array of real numbers, or a dict of them by objective name; got {0: 0.5}."),
    ("Evaluation user_attrs an int", lambda t: Evaluation(1.0, user_attrs=5), InvalidParameterError,
     "`user_attrs` of Evaluation must be a dict of JSON values with str keys, or None; got 5."),
    ("Evaluation user_attrs with an int key", lambda t: Evaluation(1.0, {1: "a"}), InvalidParameterError,
     "`user_attrs` of Evaluation must be JSON-serializable (str, numbers, bool, None, lists, dicts with str keys); "
     "got {1: 'a'}. The key 1 is not a str"),
    ("Evaluation user_attrs containing itself", lambda t: Evaluation(1.0, SELF), InvalidParameterError,
     "`user_attrs` of Evaluation must be a dict of JSON values with str keys, or None; got 'a list or dict that "
     "contains itself'."),
    ("Evaluation constraints a string", lambda t: Evaluation(1.0, constraints="fast"), InvalidParameterError,
     "`constraints` of Evaluation must be None or a list of finite real numbers, each at most 0 when the constraint "
     "is met; got 'fast'."),
    ("Evaluation constraints not finite", lambda t: Evaluation(1.0, constraints=[0.0, np.nan]),
     InvalidParameterError, "`constraints` of Evaluation must be None or a list of finite real numbers, each at most "
                            "0 when the constraint is met; got [0.0, nan]."),
    ("Evaluation constraints 2-D", lambda t: Evaluation(1.0, constraints=np.zeros((1, 2))), InvalidParameterError,
     "`constraints` of Evaluation must be None or a list of finite real numbers, each at most 0 when the constraint "
     "is met; got array([[0., 0.]])."),
    ("load None", lambda t: Study.load(None), InvalidParameterError,
     "`path` of Study.load must be a file path (a non-empty str or os.PathLike); got None."),
    ("load an empty path", lambda t: Study.load(""), InvalidParameterError,
     "`path` of Study.load must be a file path (a non-empty str or os.PathLike); got ''."),
    ("load read_only not a bool", lambda t: Study.load(t / "s.jsonl", read_only="yes"), InvalidParameterError,
     "`read_only` of Study.load must be a bool; got 'yes'."),
    ("load a folder", lambda t: Study.load(t), InvalidParameterError,
     "`path` of Study.load must be a file path, not a folder; got "),
    ("storage a folder", lambda t: Study(SPACE, storage=t), InvalidParameterError,
     "`storage` of Study must be a file path, not a folder; got "),
    ("storage empty", lambda t: Study(SPACE, storage=""), InvalidParameterError,
     "`storage` of Study must be a file path (a non-empty str or os.PathLike); got ''."),
    # It made a folder "sqlite:" and wrote the journal there.
    ("storage an Optuna URL", lambda t: Study(SPACE, storage="sqlite:///runs.db"), InvalidParameterError,
     "`storage` of Study must be a file path, not a URL; got 'sqlite:///runs.db'. That looks like an Optuna storage "
     "URL; ours is a file, for example 'study.jsonl'."),
    ("journal event for a missing trial",
     lambda t: with_event(t, '{"event":"reported","number":7,"step":1,"value":0.5,"pruner":null}'), StorageError,
     "line 6: an event does not fit this study (ValueError: the event names trial 7, but the study has trials "
     "0 to 1)."),
    ("journal event without its number", lambda t: with_event(t, '{"event":"finished","state":"COMPLETE"}'),
     StorageError, "line 6: an event does not fit this study (missing field 'number')."),
    ("journal header without a seed", lambda t: without_header_field(t, "seed"), StorageError,
     "study.jsonl, line 1: `seed` of the journal's header must be an int in [0, inf); got None. The file is "
     "corrupted or was edited by hand; it was left as it is."),
    ("journal header without a direction", lambda t: without_header_field(t, "direction"), StorageError,
     'line 1: `direction` of the journal\'s header must be "minimize" or "maximize" (or `directions`, a list of '
     "them); got None."),
    ("journal value NaN", lambda t: with_finished_value(t, "NaN"), StorageError,
     "line 3: not valid JSON (NaN is not a value a journal holds"),
    ("journal value 1e999", lambda t: with_finished_value(t, "1e999"), StorageError,
     "line 3: not valid JSON (the number 1e999 does not fit in a float"),
    # A journal's trial fields go through add_finished's rules (study.trial_fields), naming the line.
    ("journal trial with a budget of text", lambda t: with_trial_field(t, "budget", "big"), StorageError,
     'study.jsonl, line 2: `budget` of the trial of this "added" event must be a finite real number > 0, or None '
     "(the full budget); got 'big'. The file is corrupted or was edited by hand; it was left as it is."),
    ("journal trial with a generation of 1.5", lambda t: with_trial_field(t, "generation", 1.5), StorageError,
     'line 2: `generation` of the trial of this "added" event must be an int in [0, inf); got 1.5.'),
    ("journal trial with a start time of text", lambda t: with_trial_field(t, "datetime_start", "noon"),
     StorageError, 'line 2: `datetime_start` of the trial of this "added" event must be a Unix timestamp (a finite '
                   "real number), or None (not recorded); got 'noon'."),
    ("journal with an unknown optimizer",
     lambda t: with_event(t, '{"event":"switched","optimizer":{"name":"magic","settings":{}}}'), StorageError,
     'study.jsonl, line 6: `optimizer` of this "switched" event must be the name of an optimizer registered in this '
     "process (['asha', 'bo',"),
    # -- parameters ------------------------------------------------------------------------
    ("float reversed bounds", lambda t: Float("lr", 1.0, 0.1), InvalidParameterError,
     "`high` of Float('lr') must be greater than low=1.0; got 0.1."),
    ("float equal bounds", lambda t: Float("lr", 0.5, 0.5), InvalidParameterError,
     "`high` of Float('lr') must be greater than low=0.5; got 0.5. To fix 'lr' at 0.5, use Categorical('lr', [0.5])."),
    ("float log with low 0", lambda t: Float("lr", 0.0, 1.0, log=True), InvalidParameterError,
     "`low` of Float('lr') must be > 0 when log=True; got 0.0. A log scale needs a positive lower bound"),
    ("float log with negative low", lambda t: Float("lr", -1.0, 1.0, log=True), InvalidParameterError,
     "`low` of Float('lr') must be > 0 when log=True; got -1.0."),
    ("float nan bound", lambda t: Float("lr", float("nan"), 1.0), InvalidParameterError,
     "`low` of Float('lr') must be a finite real number in (-inf, inf); got nan."),
    ("float infinite bound", lambda t: Float("lr", 0.0, float("inf")), InvalidParameterError,
     "`high` of Float('lr') must be a finite real number in (-inf, inf); got inf."),
    ("float bound as text", lambda t: Float("lr", "0.1", 1.0), InvalidParameterError,
     "`low` of Float('lr') must be a finite real number in (-inf, inf); got '0.1'."),
    ("empty name", lambda t: Float("", 0.0, 1.0), InvalidParameterError,
     "`name` of Float must be a non-empty str; got ''."),
    ("name not a string", lambda t: Int(3, 0, 1), InvalidParameterError,
     "`name` of Int must be a non-empty str; got 3."),
    ("log not a bool", lambda t: Float("lr", 0.1, 1.0, log="yes"), InvalidParameterError,
     "`log` of Float('lr') must be a bool; got 'yes'."),
    ("int with a fractional bound", lambda t: Int("depth", 1.5, 8), InvalidParameterError,
     "`low` of Int('depth') must be an int in (-inf, inf); got 1.5."),
    ("int reversed bounds", lambda t: Int("depth", 8, 1), InvalidParameterError,
     "`high` of Int('depth') must be greater than low=8; got 1."),
    ("int log with low 0", lambda t: Int("depth", 0, 8, log=True), InvalidParameterError,
     "`low` of Int('depth') must be > 0 when log=True; got 0."),
    ("empty choices", lambda t: Categorical("act", []), InvalidParameterError,
     "`choices` of Categorical('act') must be a non-empty list of str, int, float, bool or None; got []."),
    ("duplicate choices", lambda t: Categorical("act", ["relu", "tanh", "relu"]), InvalidParameterError,
     "`choices` of Categorical('act') must be a list without duplicates; got ['relu', 'tanh', 'relu']. "
     "'relu' appears twice."),
    ("choices as one string", lambda t: Categorical("act", "relu"), InvalidParameterError,
     "`choices` of Categorical('act') must be a non-empty list of str, int, float, bool or None; got 'relu'."),
    ("choice that JSON cannot store", lambda t: Categorical("act", [len]), InvalidParameterError,
     "`choices` of Categorical('act') must be a list of str, int, float, bool or None (finite)"),
    ("nan choice", lambda t: Categorical("act", [float("nan")]), InvalidParameterError,
     "`choices` of Categorical('act') must be a list of str, int, float, bool or None (finite); got [nan]."),
    # -- spaces ----------------------------------------------------------------------------
    ("empty space", lambda t: SearchSpace([]), InvalidParameterError,
     "`params` of SearchSpace must be a non-empty list of Float, Int or Categorical; got []."),
    ("duplicate names", lambda t: SearchSpace([Float("lr", 0, 1), Int("lr", 0, 3)]), InvalidParameterError,
     "`params` of SearchSpace must be a list with unique names; got ['lr', 'lr']. Duplicated: lr."),
    # Fuzz round 3: a dict of parameters was read as its keys ("got 'lr'").
    ("a dict of parameters", lambda t: SearchSpace({"lr": Float("lr", 0, 1)}), InvalidParameterError,
     "`params` of SearchSpace must be a non-empty list of Float, Int or Categorical; got {'lr': Float('lr', low=0.0, "
     "high=1.0, log=False)}. A dict would give its keys: pass list(params.values())."),
    ("not a parameter", lambda t: SearchSpace([Float("lr", 0, 1), "depth"]), InvalidParameterError,
     "`params` of SearchSpace must be a list of Float, Int or Categorical; got 'depth'."),
    ("unknown parameter", lambda t: SPACE.to_unit({**GOOD, "momentum": 0.9}), InvalidParameterError,
     "Unknown parameter(s): 'momentum'."),
    ("missing parameter", lambda t: SPACE.to_unit({"lr": 0.01}), InvalidParameterError,
     "must be a dict with keys ['lr', 'depth', 'act']; got {'lr': 0.01}. Missing parameter(s): 'depth', 'act'. "
     "(space.complete(params) fills them in with the centres of their ranges.)"),
    ("point of the wrong shape", lambda t: SPACE.from_unit([0.5, 0.5]), InvalidParameterError,
     "`x` of SearchSpace must be a finite array of shape (3,) (a point of the unit cube; beyond it, clipped to "
     "it); got [0.5, 0.5]."),
    ("bad space dict", lambda t: SearchSpace.from_dict({"params": [{"type": "double", "name": "x"}]}),
     InvalidParameterError, "`params[0].type` of SearchSpace.from_dict must be one of ['float', 'int', "
     "'categorical']; got 'double'."),
    ("negative sample size", lambda t: SPACE.sample(-1), InvalidParameterError,
     "`n` of SearchSpace.sample must be an int in [0, 1000000]; got -1."),
    # numpy's "Maximum allowed dimension exceeded"; a smaller n drew gigabytes before decoding one sample.
    ("sample size beyond memory", lambda t: SPACE.sample(10**30), InvalidParameterError,
     "`n` of SearchSpace.sample must be an int in [0, 1000000]; got 1000000000000000000000000000000. At most "
     "1,000,000 samples and 10,000,000 values in all (one per parameter: 3 a sample) are returned at once; for more, "
     "decode unit-cube points in chunks: [space.from_unit(x) for x in rng.random((k, space.dim))]."),
    ("sample size beyond memory in a wide space",
     lambda t: SearchSpace([Float(f"x{i}", 0, 1) for i in range(40)]).sample(250_001), InvalidParameterError,
     "`n` of SearchSpace.sample must be an int in [0, 250000]; got 250001. At most 1,000,000 samples and "
     "10,000,000 values in all (one per parameter: 40 a sample)"),
    ("bool sample size", lambda t: SPACE.sample(True), InvalidParameterError,
     "`n` of SearchSpace.sample must be an int in [0, 1000000]; got True."),
    # A masked array was read as its data: the masked coordinate was decoded as if given.
    ("masked point", lambda t: SPACE.from_unit(np.ma.masked_array([0.5, 0.5, 0.5], mask=[0, 1, 0])),
     InvalidParameterError, "`x` of SearchSpace must be a finite array of shape (3,) (a point of the unit cube; "
                            "beyond it, clipped to it); got a masked array of shape (3,) with 1 of 3 entries "
                            "masked. A masked entry holds no value here: fill them (array.filled(np.nan) where a "
                            "missing value is allowed) or leave them out."),
    ("masked points", lambda t: SPACE.canonical(np.ma.masked_array(np.full((2, 3), 0.5), mask=np.eye(2, 3))),
     InvalidParameterError, "`X` of SearchSpace.canonical must be unit-cube points of shape (n, 3); got a masked "
                            "array of shape (2, 3) with 2 of 6 entries masked."),
    # Two rows of six were read as four points of three.
    ("points of another width", lambda t: SPACE.canonical(np.zeros((2, 6))), InvalidParameterError,
     "`X` of SearchSpace.canonical must be unit-cube points of shape (n, 3); got array("),
    ("masked value", lambda t: Study(SPACE).add_manual(GOOD, np.ma.masked), InvalidParameterError,
     "`value` of Study.add_manual must be a finite real number; got masked."),  # was recorded as 0.0
    # -- studies ---------------------------------------------------------------------------
    ("enqueue out of bounds", lambda t: Study(SPACE).enqueue({**GOOD, "lr": 2.0}), InvalidParameterError,
     "`lr` of the search space must be a finite real number in [0.0001, 1.0]; got 2.0."),
    ("manual value out of bounds", lambda t: Study(SPACE).add_manual({**GOOD, "depth": 9}, 0.5),
     InvalidParameterError, "`depth` of the search space must be an int in [1, 8]; got 9."),
    ("manual choice not offered", lambda t: Study(SPACE).add_manual({**GOOD, "act": "gelu"}, 0.5),
     InvalidParameterError, "`act` of the search space must be one of ['relu', 'tanh']; got 'gelu'."),
    ("manual int given a fraction", lambda t: Study(SPACE).add_manual({**GOOD, "depth": 2.5}, 0.5),
     InvalidParameterError, "`depth` of the search space must be an int in [1, 8]; got 2.5."),
    ("manual NaN value", lambda t: Study(SPACE).add_manual(GOOD, float("nan")), InvalidParameterError,
     "`value` of Study.add_manual must be a finite real number; got nan."),
    ("manual value as text", lambda t: Study(SPACE).add_manual(GOOD, "0.9"), InvalidParameterError,
     "`value` of Study.add_manual must be a finite real number; got '0.9'."),
    ("telling a trial twice", told_twice, TrialStateError,
     "Trial 0 is already COMPLETE; a trial can be told only once."),
    ("telling an unknown trial", lambda t: running_study().tell(5, 1.0), InvalidParameterError,
     "`trial` of Study.tell must be a trial of this study (number in [0, 1)); got 5."),
    # A walk through the README: the rule said "number in [0, 1)" of a trial numbered 0.
    ("telling another study's trial", lambda t: running_study().tell(Study(SPACE, seed=1).ask(), 1.0),
     InvalidParameterError, "`trial` of Study.tell must be a trial of this study; got Trial(number=0, "),
    ("telling no value", lambda t: running_study().tell(0), InvalidParameterError,
     "`value` of Study.tell must be a real number (or pass state='FAILED'); got None."),
    ("telling an unknown state", lambda t: running_study().tell(0, 1.0, state="DONE"), InvalidParameterError,
     "`state` of Study.tell must be one of ['COMPLETE', 'PRUNED', 'FAILED']; got 'DONE'."),
    ("telling a failed trial a value", lambda t: running_study().tell(0, 1.0, state="FAILED"),
     InvalidParameterError, "`value` of Study.tell must be None for a FAILED trial (a failed trial has no value); "
     "got 1.0."),
    ("adding a trial with a budget as text",
     lambda t: Study(SPACE).add_finished(GOOD, state="COMPLETE", value=1.0, source="x", budget="big"),
     InvalidParameterError, "`budget` of Study.add_finished must be a finite real number > 0, or None (the full "
     "budget); got 'big'."),
    ("a past population at a negative step", lambda t: running_study().population(step=-1), InvalidParameterError,
     "`step` of Study.population must be a trial of this study (number in [0, 1)); got -1."),
    # A walk through the README: the hint named random, Sobol and grid search only.
    ("an optimizer of one loss for several objectives",
     lambda t: Study(SPACE, "cmaes", directions=["minimize", "maximize"]), InvalidParameterError,
     "`optimizer` of Study must be an optimizer that serves several objectives for minimize objective 0, maximize "
     "objective 1; got 'cmaes'. These do: ['asha', 'ehvi', 'grid', 'halving', 'hyperband', 'nsga2', 'parego', "
     "'random', 'sobol']."),
    ("a pruner for several objectives", lambda t: Study(SPACE, directions=["minimize", "maximize"], pruner="median"),
     InvalidParameterError, "`pruner` of Study must be None for a study of several objectives"),
    ("attributes JSON cannot store", lambda t: running_study().tell(0, 1.0, user_attrs={"model": object}),
     InvalidParameterError, "`user_attrs` of Study.tell must be JSON-serializable"),
    ("wrong direction", lambda t: Study(SPACE, direction="max"), InvalidParameterError,
     "`direction` of Study must be one of ['minimize', 'maximize']; got 'max'."),
    ("an objective named by a number", lambda t: FunctionObjective(lambda p: 0.0, SPACE, name=5), InvalidParameterError,
     "`name` of FunctionObjective must be a non-empty str (shown in plots and the Lab) or None; got 5."),
    ("an array for an option", lambda t: Study(SPACE, direction=np.array(["minimize"])), InvalidParameterError,
     "`direction` of Study must be one of ['minimize', 'maximize']; got array(['minimize']"),
    ("unknown optimizer", lambda t: Study(SPACE, "annealing"), InvalidParameterError,
     "`optimizer` of Study must be one of ['asha', 'bo', 'cmaes', 'de', 'ehvi', 'ga', 'grid', 'halving', "
     "'hyperband', "),
    # A name typed wrong got the list and nothing more, where a task's name got "Did you mean".
    ("optimizer misspelt", lambda t: Study(SPACE, "baysian"), InvalidParameterError,
     "'parego', 'random', 'sobol']; got 'baysian'. Did you mean 'bo'?"),
    ("optimizer in the wrong case", lambda t: Study(SPACE, "BO"), InvalidParameterError,
     "got 'BO'. Did you mean 'bo'?"),
    ("optimizer spelt as its paper does", lambda t: Study(SPACE, "cma-es"), InvalidParameterError,
     "got 'cma-es'. Did you mean 'cmaes'?"),
    ("optimizer setting misspelt", lambda t: Study(SPACE, "grid", optimizer_settings={"resolutoin": 3}),
     InvalidParameterError, "got 'resolutoin'. 'resolutoin' is not a setting of GridSearch. Did you mean "
                            "'resolution'?"),
    ("parameter misspelt", lambda t: SPACE.to_unit({**GOOD, "Depth": 3}), InvalidParameterError,
     "Unknown parameter(s): 'Depth' (did you mean 'depth'?)."),
    # The dict twice: "`params` of Study.enqueue must be a configuration ...; got {...}. The space
    # refuses it: `params` of SearchSpace must be a dict ...; got {...}".
    ("parameter unknown to a caller", lambda t: Study(SPACE).enqueue({**GOOD, "lr_": 0.1}), InvalidParameterError,
     "`params` of Study.enqueue must be a dict with keys among ['lr', 'depth', 'act']; got {'lr': 0.01, 'depth': 3, "
     "'act': 'relu', 'lr_': 0.1}. Unknown parameter(s): 'lr_' (did you mean 'lr'?)."),
    ("unknown optimizer setting", lambda t: make_optimizer("sobol", SPACE, resolution=3), InvalidParameterError,
     "`settings` of make_optimizer('sobol') must be keywords among ['scramble', 'seed']; got 'resolution'. "
     "'resolution' is not a setting of SobolSearch."),
    ("unknown setting typed into Study", lambda t: Study(SPACE, "sobol", optimizer_settings={"resolution": 3}),
     InvalidParameterError, "`optimizer_settings` of Study must be keywords among ['scramble', 'seed']; got "
     "'resolution'."),
    ("a setting named like a keyword of the registry", lambda t: Study(SPACE, "sobol", optimizer_settings={"owner": 1}),
     InvalidParameterError, "`optimizer_settings` of Study must be keywords among ['scramble', 'seed']; got 'owner'."),
    ("unknown setting of a switch", lambda t: Study(SPACE).switch_optimizer("sobol", resolution=3),
     InvalidParameterError, "`settings` of Study.switch_optimizer must be keywords among ['scramble', 'seed']"),
    ("Study's settings dict given to make_optimizer", lambda t: make_optimizer(
        "sobol", SPACE, optimizer_settings={"scramble": False}), InvalidParameterError,
     "got 'optimizer_settings'. 'optimizer_settings' is not a setting of SobolSearch: pass the settings themselves "
     "as keywords, optimizer_settings={'n': 1} as n=1."),
    ("a switch's settings as a dict and as keywords", lambda t: Study(SPACE).switch_optimizer(
        "sobol", {"scramble": False}, seed=1), InvalidParameterError,
     "`optimizer_settings` of Study.switch_optimizer must be a dict or None (None when settings are given as "
     "keywords); got {'scramble': False}. Keywords ['seed'] were given too: pass them one way."),
    ("unknown setting in a switch's dict", lambda t: Study(SPACE).switch_optimizer("sobol", {"resolution": 3}),
     InvalidParameterError, "`optimizer_settings` of Study.switch_optimizer must be keywords among ['scramble', "
     "'seed']"),
    ("switch to the study's own optimizer", lambda t: (lambda s: ran(s).switch_optimizer(s.optimizer))(
        Study(SPACE, "sobol", seed=0)), InvalidParameterError,
     "`optimizer` of Study.switch_optimizer must be a new Optimizer (told no trial, proposed none, in no study); got "
     "SobolSearch(scramble=True, seed=2968811710). It has seen 2 trial(s) (told or pending). Pass its name ('sobol') "
     "and settings for a fresh one; the study tells it its trials."),
    ("an optimizer that proposed", lambda t: Study(SPACE, asked(RandomSearch(SPACE, seed=0))), InvalidParameterError,
     "`optimizer` of Study must be a new Optimizer (told no trial, proposed none, in no study); got "
     "RandomSearch(allow_repeats=False, seed=0). It has seen 1 trial(s) (told or pending)."),
    ("another study's optimizer", lambda t: (lambda other: Study(SPACE, other.optimizer))(
        Study(SPACE, RandomSearch(SPACE, seed=0))), InvalidParameterError,
     "got RandomSearch(allow_repeats=False, seed=0). Another study uses it already (Study(direction='minimize', "
     "optimizer=RandomSearch(allow_repeats=False, seed=0), n_trials=0, storage=None)). Pass its name ('random')"),
    ("the study's optimizer again, before any trial", lambda t: (lambda s: s.switch_optimizer(s.optimizer))(
        Study(SPACE, seed=0)), InvalidParameterError, "It is this study's optimizer already. Pass its name ('random')"),
    ("optimizer over another space", lambda t: Study(SPACE, RandomSearch(SearchSpace([Float("x", 0, 1)]))),
     InvalidParameterError, "`optimizer` of Study must be an optimizer over the study's search space"),
    ("unregistered optimizer with storage",
     lambda t: Study(SPACE, Unregistered(SPACE), storage=t / "s.jsonl"), InvalidParameterError,
     "must be a registered optimizer when the study has storage; got Unregistered(seed=0). The journal rebuilds "
     "optimizers by name on resume, and 'unregistered' is not Unregistered here: call "
     "register_optimizer(Unregistered) first."),
    # A subclass keeping a built-in's name: its journal would resume as the built-in, silently.
    ("subclass of a built-in under its name, with storage",
     lambda t: Study(SPACE, RandomSubclass(SPACE, seed=0), storage=t / "s.jsonl"), InvalidParameterError,
     "got RandomSubclass(allow_repeats=False, seed=0). The journal rebuilds optimizers by name on resume, and "
     "'random' is not "
     "RandomSubclass here: give RandomSubclass a `name` of its own, then call register_optimizer(RandomSubclass)."),
    # ... and so would a journal that save() writes, or a fork built by the name.
    ("save of a subclass of a built-in under its name",
     lambda t: Study(SPACE, RandomSubclass(SPACE, seed=0)).save(t / "s.jsonl"), InvalidParameterError,
     "`path` of Study.save must be the path of a journal this study's optimizers can be rebuilt from; got "),
    ("fork of a subclass of a built-in under its name",
     lambda t: fork_study(Study(SPACE, RandomSubclass(SPACE, seed=0)), 0), InvalidParameterError,
     "`optimizer` of fork_study must be given when the optimizer in charge at step 0 is not registered under its "
     "name; got None. The journal rebuilds optimizers by name on resume, and 'random' is not RandomSubclass here"),
    # A container inside itself recursed until Python's RecursionError: a run stopped, its trial RUNNING.
    ("user_attrs that contain themselves", lambda t: (lambda s: s.tell(s.ask(), 0.5, user_attrs=SELF))(Study(SPACE)),
     InvalidParameterError, "`user_attrs` of Study.tell must be a dict of JSON values with str keys, or None; got "
     "'a list or dict that contains itself'."),
    # A file named "results" was made, where a folder was meant.
    ("storage ending in a separator", lambda t: Study(SPACE, storage=str(t / "results") + "/"), InvalidParameterError,
     "`storage` of Study must be a file path, not a folder; got "),
    # pycma failed an assertion after the first generation.
    ("subnormal CMA-ES step size", lambda t: Study(SPACE, "cmaes", optimizer_settings={"sigma0": 1e-320}),
     InvalidParameterError, "`sigma0` of CMAES must be a finite real number in [1e-12, 1.0]; got 1e-320."),
    # The argument named was `name`, whichever was wrong; a list was Python's "unhashable type".
    ("unknown y axis of a slice", lambda t: SearchSpace([Float("x", 0, 1), Float("y", 0, 1)]).slice2d("x", "z"),
     InvalidParameterError, "`y_name` of SearchSpace.slice2d must be one of ['x', 'y']; got 'z'."),
    ("a list as a slice's parameter", lambda t: SPACE.slice1d(["x"]), InvalidParameterError,
     "`name` of SearchSpace.slice1d must be one of"),
    # 10,000 x 10,000 points took 2.4 GB, enough to end a Binder kernel.
    ("a slice too fine",
     lambda t: SearchSpace([Float("x", 0, 1), Float("y", 0, 1)]).slice2d("x", "y", resolution=10_000),
     InvalidParameterError, "`resolution` of SearchSpace.slice2d must be an int in [2, 1000]; got 10000."),
    ("space that is not a SearchSpace", lambda t: Study([Float("x", 0, 1)]), InvalidParameterError,
     "`space` of Study must be a SearchSpace; got [Float('x', low=0.0, high=1.0, log=False)]."),
    ("negative trial count", lambda t: Study(SPACE).run(lambda p: 0.0, n_trials=-1), InvalidParameterError,
     "`n_trials` of Study.run must be an int in [0, inf); got -1."),
    ("objective that is not callable", lambda t: Study(SPACE).step("train.py"), InvalidParameterError,
     "`objective` of Study.step must be a callable objective(params) -> float; got 'train.py'."),
    ("subscriber that is not callable", lambda t: Study(SPACE).subscribe(None), InvalidParameterError,
     "`callback` of Study.subscribe must be a callable callback(event); got None."),
    # It was read as no optimizer given: random search, silently.
    ("empty optimizer name", lambda t: Study(SPACE, ""), InvalidParameterError,
     "`optimizer` of Study must be one of ['asha', 'bo',"),
    ("negative seed", lambda t: Study(SPACE, seed=-1), InvalidParameterError,
     "`seed` of Study must be a non-negative int, a numpy.random.Generator or None; got -1."),
    ("grid with one level", lambda t: GridSearch(SPACE, resolution=1), InvalidParameterError,
     "`resolution` of GridSearch must be an int in [2, 1000000]; got 1."),
    ("grid too large", lambda t: GridSearch(SearchSpace([Float(f"x{i}", 0, 1) for i in range(10)]), resolution=5),
     InvalidParameterError, "`resolution` of GridSearch must be small enough for at most 1,000,000 configurations; "
                            "got 5. This grid has 9,765,625; use fewer levels, or sample the space instead."),
    # Refused before a float's 10^8 levels are listed (that took 3 GB and a minute before the error).
    ("grid resolution a zero too many", lambda t: GridSearch(SPACE, resolution=10**8), InvalidParameterError,
     "`resolution` of GridSearch must be an int in [2, 1000000]; got 100000000."),
    ("space grid too large", lambda t: SearchSpace([Float(f"x{i}", 0, 1) for i in range(10)]).grid(5),
     InvalidParameterError, "`resolution` of SearchSpace.grid must be small enough for at most 1,000,000 "
                            "configurations; got 5. This grid has 9,765,625; use fewer levels, or sample the space "
                            "instead."),
    # Parameter.levels is public: 10**9 levels of a float allocated 8 GB before anything said no
    # (one past the cap here, which fails fast without the check).
    ("levels past the cap", lambda t: Float("x", 0, 1).levels(10**6 + 1), InvalidParameterError,
     "`resolution` of Float('x').levels must be an int in [1, 1000000]; got 1000001."),
    ("levels of a bool", lambda t: Int("n", 1, 5).levels(True), InvalidParameterError,
     "`resolution` of Int('n').levels must be an int in [1, 1000000]; got True."),
    ("no levels", lambda t: Categorical("c", ["a"]).levels(0), InvalidParameterError,
     "`resolution` of Categorical('c').levels must be an int in [1, 1000000]; got 0."),
    ("grid resolution for an unknown name", lambda t: SPACE.grid({"lr": 3, "depht": 3}), InvalidParameterError,
     "`resolution` of SearchSpace.grid must be a dict with keys among ['lr', 'depth', 'act']; got "
     "{'lr': 3, 'depht': 3}. Unknown parameter(s): 'depht' (did you mean 'depth'?)."),
    # -- journals ----------------------------------------------------------------------------
    ("corrupted journal line", corrupt_middle, StorageError, "line 3: not valid JSON"),
    ("foreign file as storage", foreign_file, StorageError,
     "is not an interactive_hpo journal: its first line has format None, expected 'interactive_hpo.journal'."),
    ("journal of another space",
     lambda t: Study(SearchSpace([Float("lr", 1e-4, 1.0)]), storage=journal(t)), StorageError,
     "holds a study over another search space: `lr`: log True in the journal, False given; `depth` is in the "
     "journal, not in the space given; `act` is in the journal, not in the space given. Study.load(path) opens it as "
     "it is; to go on over the new space, remap_study(Study.load(path), space, storage=new_path) (from "
     "interactive_hpo.study.branching) carries the trials that fit to a new journal."),
    ("journal of another direction", lambda t: Study(SPACE, direction="maximize", storage=journal(t)),
     StorageError, "holds a study to minimize, not to maximize."),
    ("journal from a newer version", lambda t: rewrite_header(t, version=99), StorageError,
     "was written by a newer interactive_hpo (journal version 99; this one reads up to 1)."),
    ("journal with an unknown event", unknown_event, StorageError,
     "line 6: unknown event 'deleted'; this version of interactive_hpo knows ['asked', "),  # not "corrupted" (a333)
    ("journal finishing a trial twice", inconsistent_event, StorageError,
     "an event does not fit this study (ValueError: trial 0 finished twice)"),
    ("loading a missing journal", lambda t: Study.load(t / "nothing.jsonl"), StorageError,
     "holds no journal (missing or empty file)."),
]


@pytest.mark.parametrize(("case", "call", "error", "message"), CASES, ids=[c[0] for c in CASES])
def test_input_errors(tmp_path, case, call, error, message):
    with pytest.raises(error, match=re.escape(message)):
        call(tmp_path)


def test_the_table_is_large():
    assert len(CASES) >= 30
