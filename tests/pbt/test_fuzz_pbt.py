"""Fuzzing Population Based Training (issue 21's rule, DESIGN.md section 3): one argument of a good
call replaced by a generated value gives a run that works, or the package's error naming the
argument and the function the person called (``train_fixed``, not the PopulationBasedTraining it
builds), never numpy's or Python's words from deep inside; a number of rounds that would exhaust
memory is refused before the first round. A task whose method returns garbage is refused naming
that method; one whose method raises passes its own exception on (the run ends, its finished
rounds kept: tests/pbt/test_pbt.py).

The hand-picked cases found by this round's exploration are the table at the end.
"""

from __future__ import annotations

import json
import re
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import HealthCheck, given, seed, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from interactive_hpo import Categorical, Float, HPOError, Int, InvalidParameterError, SearchSpace, StorageError
from interactive_hpo.pbt import checks
from interactive_hpo.pbt.baselines import compare_with_fixed, train_fixed
from interactive_hpo.pbt.explore import explore, quantile_split
from interactive_hpo.pbt.result import PBTResult, best_per_round
from interactive_hpo.pbt.training import PopulationBasedTraining


class TaskError(Exception):
    """What a task's method raises here: passed on as it is, the person's own error."""


def mine(model):
    """``model`` if it is one of ToyTask's; TaskError otherwise. PBT hands a task the models its own
    methods made: one that returned another object meets its own error, as a real task would."""
    if not (isinstance(model, list) and len(model) == 1 and isinstance(model[0], float)):
        raise TaskError(f"not a model: {model!r}")
    return model


class ToyTask:
    """A model that is one number; ``n_steps`` costs nothing (its cost is the task's, not PBT's)."""

    space = SearchSpace([Float("lr", 1e-3, 1.0, log=True), Int("width", 1, 10), Categorical("mode", ["go", "stop"])])
    direction = "maximize"

    def new_model(self, params, seed):
        return [float(np.random.default_rng(seed).normal())]

    def train(self, model, params, n_steps, *, seed=None):
        mine(model)[0] += params["lr"] * (1.0 - model[0]) if params["mode"] == "go" else 0.0
        return model

    def score(self, model):
        return -abs(1.0 - mine(model)[0])

    def copy(self, model):
        return list(mine(model))


def task_with(method, value):
    """A ToyTask whose ``method`` returns ``value`` (or raises TaskError for the value TaskError)."""
    def replaced(self, *args, **kwargs):
        if value is TaskError:
            raise TaskError(method)
        return value

    return type("Changed", (ToyTask,), {method: replaced})()


TASK = ToyTask()
GOOD = {"lr": 0.1, "width": 2, "mode": "go"}
RESULT = PopulationBasedTraining(TASK.space, TASK, n_members=3, ready_every=1, seed=0).run(2)
DATA = json.loads(json.dumps(RESULT.to_dict()))


def pbt(**arguments):
    run = PopulationBasedTraining(arguments.pop("space"), arguments.pop("task"), **arguments)
    return run.run(2), run.best_model()


#: The owner its errors must name -> (the call, good arguments by name); a population of three, two rounds.
CALLS = {
    "PopulationBasedTraining": (pbt, {"space": TASK.space, "task": TASK, "n_members": 3, "ready_every": 1,
                                      "quantile": 0.3, "perturb": (0.8, 1.2), "resample_probability": 0.25,
                                      "steps_per_round": 1, "initial": None, "seed": 0}),
    "PopulationBasedTraining.run": (lambda n_rounds: PopulationBasedTraining(TASK.space, TASK, n_members=2,
                                                                             seed=0).run(n_rounds), {"n_rounds": 2}),
    "train_fixed": (train_fixed, {"task": TASK, "params": GOOD, "n_rounds": 2, "n_members": 2, "steps_per_round": 1,
                                  "seed": 0}),
    "compare_with_fixed": (compare_with_fixed, {"result": RESULT, "task": TASK, "fixed": GOOD, "label": None}),
    "explore": (explore, {"params": GOOD, "space": TASK.space, "rng": np.random.default_rng(0), "perturb": (0.8, 1.2),
                          "resample_probability": 0.25}),
    "quantile_split": (quantile_split, {"scores": [0.1, 0.5, 0.3], "direction": "maximize", "quantile": 0.3}),
    "best_per_round": (best_per_round, {"scores": np.ones((2, 3)), "direction": "maximize"}),
    "PBTResult.ancestry": (lambda member: RESULT.ancestry(member), {"member": 1}),
}
CASES = [(owner, name) for owner, (_, good) in CALLS.items() for name in good]

#: Anything a person might pass: numbers of every kind (huge ones and sizes past every cap among them), text,
#: None, objects, parameter names, lists and dicts of them, and numpy arrays of any kind and shape.
numbers = st.one_of(st.integers(-3, 40), st.integers(2, 10**12), st.integers(min_value=10**300, max_value=10**400),
                    st.floats(), st.integers(-10**6, 10**6).map(np.int64), st.booleans())
scalars = st.one_of(numbers, st.text(max_size=3), st.none(), st.builds(object),
                    st.sampled_from(["lr", "width", "mode", "go", "maximize"]))
arrays = hnp.arrays(st.sampled_from([np.float64, np.int64, np.bool_, np.dtype("U2"), np.complex128, np.dtype("O")]),
                    hnp.array_shapes(min_dims=0, max_dims=3, min_side=0, max_side=4))
configurations = st.dictionaries(st.sampled_from(["lr", "width", "mode"]), st.one_of(scalars, st.sampled_from(
    [0.5, 3, "stop", Fraction(1, 3)])))
#: Tasks whose methods return garbage (NaN, None, the wrong type or shape) or raise, and whose attributes are wrong.
tasks = st.one_of(
    st.tuples(st.sampled_from(["new_model", "train", "score", "copy"]),
              st.one_of(scalars, arrays, st.just(TaskError))).map(lambda pair: task_with(*pair)),
    st.tuples(st.sampled_from(["space", "direction", "train"]), scalars).map(
        lambda pair: type("Changed", (ToyTask,), {pair[0]: pair[1]})()))
objects = st.sampled_from([TASK, TASK.space, RESULT, np.random.default_rng(0), lambda x: np.nan, [GOOD] * 3])
values = st.one_of(scalars, st.lists(scalars, max_size=3), configurations, st.lists(configurations, max_size=3),
                   arrays, objects, tasks)


def works(result) -> None:
    """An accepted call gives a result a person can read (and write: JSON without NaN)."""
    repr(result)
    for run in (result if isinstance(result, tuple) else (result,)):
        if isinstance(run, PBTResult):
            run.best_curve, run.parents, run.best_params  # noqa: B018 - reading them is the check
            json.dumps(run.to_dict(), allow_nan=False)


@seed(21)
@settings(max_examples=400, deadline=None, suppress_health_check=list(HealthCheck), database=None)
@given(case=st.sampled_from(CASES), value=values)
def test_pbt_works_or_refuses_naming_itself(case, value):
    owner, name = case
    call, good = CALLS[owner]
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(checks, "MAX_RECORDS", 100)  # the cap, not the minutes a million records take, is tested
        try:
            result = call(**{**good, name: value})
        except HPOError as error:
            message = str(error)
            # PopulationBasedTraining's case calls its run too, which names itself.
            assert re.match(rf"`[\w\[\]'`.(), ]+ of {re.escape(owner)}(\.run)? must be ", message), message
            return
        except TaskError:
            assert name == "task"  # only a task's own methods raise it
            return
    works(result)


#: A field of a saved run (a path into its JSON) replaced by a generated value.
FIELDS = [("version",), ("space",), ("direction",), ("settings",), ("rounds",), ("settings", "n_members"),
          ("settings", "seed"), ("settings", "steps_per_round"), ("rounds", 0), ("rounds", 0, "scores"),
          ("rounds", 0, "params"), ("rounds", 0, "exploits"), ("rounds", 0, "next_params"), ("rounds", 0, "round"),
          ("rounds", 1, "exploits", 0)]


@seed(21)
@settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck), database=None)
@given(path=st.sampled_from(FIELDS), value=st.one_of(scalars, st.lists(scalars, max_size=3), configurations))
def test_a_damaged_record_is_read_or_refused_as_a_storage_error(path, value):
    data = json.loads(json.dumps(DATA))
    node = data
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value
    try:
        result = PBTResult.from_dict(data)
    except StorageError:
        return
    except InvalidParameterError as error:  # not a record at all (its rounds are no list)
        assert str(error).startswith("`data` of PBTResult.from_dict must be"), error
        return
    works(result)
    result.ancestry(0)


class CopiesNothing(ToyTask):
    def copy(self, model):
        return None


class SharesTheModel(ToyTask):
    def copy(self, model):
        return model  # the receiver would train the donor's model too


class TrainsWithoutSeed(ToyTask):
    def train(self, model, params, n_steps):
        return model


def saved(settings=None, rounds=None):
    """RESULT's record with other ``settings`` or ``rounds``."""
    data = json.loads(json.dumps(DATA))
    data["settings"], data["rounds"] = settings or data["settings"], data["rounds"] if rounds is None else rounds
    return data


@pytest.mark.parametrize(("call", "message"), [
    # Fuzz round 6: each of these was Python's or numpy's error from inside, the wrong owner, or (*) accepted.
    (lambda: PopulationBasedTraining(TASK.space, TASK, perturb=(10**400,)),  # OverflowError from math.isfinite
     "`perturb` of PopulationBasedTraining must be a non-empty sequence of positive finite factors; got (1000"),
    (lambda: quantile_split([0.5], "maximize", 0.5),  # (*) member 0 was bottom and top: it would copy itself
     "`scores` of quantile_split must be an array-like of shape (n_members,) of real numbers, n_members >= 2; got "
     "array([0.5])."),
    (lambda: best_per_round([["a"]], "maximize"),  # numpy's "could not convert string to float"
     "`scores` of best_per_round must be an array of shape (n_rounds, n_members) of real numbers; got [['a']]."),
    (lambda: PopulationBasedTraining(TASK.space, type("T", (ToyTask,), {"space": None})()),  # AttributeError
     "`task.space` of PopulationBasedTraining must be a SearchSpace (the hyperparameters `train` accepts); got None."),
    (lambda: train_fixed(type("T", (ToyTask,), {"direction": "up"})(), GOOD, 1),  # named PopulationBasedTraining
     "`task.direction` of train_fixed must be one of ['maximize', 'minimize']; got 'up'."),
    (lambda: PopulationBasedTraining(TASK.space, TrainsWithoutSeed()),  # TypeError in round 0, models built
     "`task.train` of PopulationBasedTraining must be a method callable as train(model, params, n_steps, seed=...); "
     "got <bound method TrainsWithoutSeed.train"),
    (lambda: PopulationBasedTraining(TASK.space, task_with("new_model", None)),  # None reached train
     "`Changed.new_model(params, seed)` of PopulationBasedTraining must be the new model; got None."),
    (lambda: PopulationBasedTraining(TASK.space, CopiesNothing(), n_members=2, ready_every=1, seed=0).run(1),
     "`CopiesNothing.copy(model)` of PopulationBasedTraining must be an independent copy of the model (a new "
     "object); got None. It was member 0's exploit in round 0, which is not recorded"),  # None reached train
    (lambda: PopulationBasedTraining(TASK.space, SharesTheModel(), n_members=2, ready_every=1, seed=0).run(1),
     "`SharesTheModel.copy(model)` of PopulationBasedTraining must be an independent copy of the model (a new "
     "object); got 'the model itself'."),  # (*) two members trained one model
    (lambda: PopulationBasedTraining(TASK.space, TASK, n_members=2, initial=[GOOD, {"lr": 5.0}]),
     "`initial[1]` of PopulationBasedTraining must be a dict with keys ['lr', 'width', 'mode']; got {'lr': 5.0}. "
     "Missing parameter(s): 'width', 'mode'."),
    (lambda: explore({"lr": 0.1}, TASK.space, np.random.default_rng(0)), "`params` of explore must be a dict with "
                                                                        "keys ['lr', 'width', 'mode']"),
    (lambda: train_fixed(TASK, [GOOD, {**GOOD, "mode": "run"}], 1),  # named `initial` of PopulationBasedTraining
     "`params[1]` of train_fixed must be a configuration of the search space (a dict of its parameters' values); "
     "got {'lr': 0.1, 'width': 2, 'mode': 'run'}. The space refuses it: `mode` of the search space must be one of"),
    (lambda: train_fixed(TASK, GOOD, 1, steps_per_round=10**30),  # named PopulationBasedTraining (r203 #7)
     "`steps_per_round` of train_fixed must be an int in [1, "),
    (lambda: train_fixed(TASK, GOOD, 1, seed=-1),  # named PopulationBasedTraining
     "`seed` of train_fixed must be a non-negative int, a numpy.random.Generator or None; got -1."),
    (lambda: compare_with_fixed(RESULT, TASK, {**GOOD, "lr": 2.0}), "`fixed` of compare_with_fixed must be a "
                                                                    "configuration of the search space"),
    # (*) a billion rounds were started, each kept in memory (about 0.5 kB a member and round).
    (lambda: train_fixed(TASK, GOOD, 10**9), "`n_rounds` of train_fixed must be an int in [0, 125000]; got "
                                             "1000000000. That is 8 member records (one a round) each, and at most "
                                             "1,000,000 are held at once."),
    (lambda: PopulationBasedTraining(TASK.space, TASK, n_members=1000, seed=0).run(1001),
     "`n_rounds` of PopulationBasedTraining.run must be an int in [0, 1000]; got 1001."),
    (lambda: PBTResult.from_dict(saved({**DATA["settings"], "n_members": 10**12}, rounds=[])).parents,
     "settings['n_members'] is 1000000000000, not an int in [2, 10000]"),  # no rounds: `parents` wanted 7 TiB
    (lambda: PBTResult.from_dict(saved(["n_members", "steps_per_round", "seed"])),  # TypeError
     "A PBT header is malformed: TypeError(\"its settings are ['n_members', 'steps_per_round', 'seed'], not a dict\")"),
    (lambda: PBTResult.from_dict(saved(rounds=[np.int64(0)])), "A PBT round record is malformed: IndexError("),
    (lambda: PBTResult.from_dict(saved(rounds=[{**DATA["rounds"][0], "scores": [10**400] * 3}])),  # OverflowError
     "A PBT round record is malformed: OverflowError("),
])
def test_input_errors(call, message):
    with pytest.raises((InvalidParameterError, StorageError), match=re.escape(message)):
        call()


def test_a_fixed_configuration_given_as_fractions_is_labelled():
    """Before: the label formatted the value as typed, and a Fraction has no "g" format (TypeError)."""
    comparison = compare_with_fixed(RESULT, TASK, {"lr": Fraction(1, 10), "width": 2, "mode": "go"})
    assert comparison.label == "fixed lr=0.1, width=2, mode=go"


def test_a_used_journal_path_is_refused_before_any_model_is_built(tmp_path):
    """Before: every member's model was built first (minutes, for large models), then the path refused."""
    built = []

    class Counting(ToyTask):
        def new_model(self, params, seed):
            built.append(seed)
            return super().new_model(params, seed)

    path = tmp_path / "pbt.jsonl"
    path.write_text("{}\n")
    with pytest.raises(InvalidParameterError, match="`storage` of PopulationBasedTraining must be a path to a new"):
        PopulationBasedTraining(TASK.space, Counting(), n_members=4, storage=path)
    assert built == []
