"""Fuzzing the study room (issue 21's rule, DESIGN.md section 3): one argument of a good call of
``Study``'s methods (those ``tests/test_fuzz.py`` leaves aside), ``fork_study``, ``remap_study``,
the curves and the pruner, replaced by a generated value, gives a study that goes on working, or
the package's error naming the argument and the function the person called; a refused call leaves
the study, its trials and every journal as they were.

The hand-picked cases found by this round's exploration are the table at the end.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import re
import shutil
import tempfile
import warnings
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, seed, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from interactive_hpo import (
    Categorical,
    Float,
    HPOError,
    Int,
    InvalidParameterError,
    MedianStoppingRule,
    SearchSpace,
    StorageError,
    Study,
    TrialStateError,
)
from interactive_hpo.optimizers.registry import available_optimizers, optimizer_class
from interactive_hpo.study import curves
from interactive_hpo.study.branching import fork_study, next_journal, remap_study

SPACE = SearchSpace([Float("x", -2.0, 2.0), Int("n", 1, 5), Categorical("c", ["a", "b"])])
OTHER = SearchSpace([Float("x", 0.0, 2.0), Categorical("c", ["a", "b"])])
PARAMS = {"x": 0.0, "n": 1, "c": "a"}
FOLDER = Path(tempfile.mkdtemp(prefix="fuzz-study-"))
atexit.register(shutil.rmtree, FOLDER, True)  # the journals and files the examples wrote


def loss(params):
    return params["x"] ** 2 + params["n"]


def fresh() -> Study:
    """A study of three finished trials and a running one (trial 3): a millisecond to build."""
    study = Study(SPACE, "random", seed=0)
    study.run(loss, 3, progress=False)
    study.ask()
    return study


#: A journal every example checks is left byte for byte as it was (a path the fuzz may pass as storage).
JOURNAL = FOLDER / "kept.jsonl"
KEPT = Study(SPACE, "random", seed=0, storage=JOURNAL)
KEPT.run(loss, 3, progress=False)
KEPT.ask()  # a running trial of a live process: a resume leaves it running
JOURNAL_BYTES = JOURNAL.read_bytes()
GA = Study(SPACE, "ga", seed=0)
GA.run(loss, 12, progress=False)
LINEAGE = curves.lineage(GA)


def resumed(**arguments) -> Study:
    """``Study(SPACE, storage=a copy of JOURNAL, **arguments)``: a resume, on a copy of its own."""
    copy = Path(tempfile.mkdtemp(dir=FOLDER)) / "copy.jsonl"
    shutil.copyfile(JOURNAL, copy)
    try:
        return Study(SPACE, storage=copy, **arguments)
    except HPOError:
        assert copy.read_bytes() == JOURNAL_BYTES  # a refused resume leaves the journal as it was
        raise


#: The owner its errors must name -> (the call, taking the study it works on and the arguments by name; good
#: arguments). Sizes are small, so an accepted one is cheap.
CALLS = {
    "Study.report": (lambda s, **a: s.report(**a), {"trial": 3, "value": 0.5, "step": 1}),
    "Study.stop": (lambda s, **a: s.stop(**a), {"trial": 3}),
    "Study.promote": (lambda s, **a: s.promote(**a), {"trial": 3}),
    "Study.ask_batch": (lambda s, **a: s.ask_batch(**a), {"q": 2}),
    "Study.switch_optimizer": (lambda s, optimizer, **a: s.switch_optimizer(optimizer, **a),
                               {"optimizer": "grid", "resolution": 3, "seed": 1}),
    "Study.step": (lambda s, **a: s.step(**a), {"objective": loss}),
    "Study.run": (lambda s, **a: s.run(**a), {"objective": loss, "n_trials": 2, "callbacks": (), "timeout": 0.05,
                                              "progress": False, "on_worker_loss": "fail", "on_interrupt": "wait"}),
    "Study.evaluate": (lambda s, **a: s.evaluate(**a), {"trial": 3, "objective": loss}),
    "Study.history": (lambda s, **a: s.history(**a), {"objective": None}),
    "Study.trials_dataframe": (lambda s, **a: s.trials_dataframe(**a), {"attrs": ("number", "value", "params"),
                                                                        "multi_index": False}),
    "Study.surrogate": (lambda s, **a: s.surrogate(**a), {"step": None}),
    "Study.population": (lambda s, **a: s.population(**a), {"step": 1}),
    "Study.finished_before": (lambda s, **a: s.finished_before(**a), {"step": 1}),
    "Study.add_evaluated": (lambda s, **a: s.add_evaluated(**a), {"params": PARAMS, "objective": loss,
                                                                  "user_attrs": None}),
    "Study.add_completed": (lambda s, **a: s.add_completed(**a), {"params": PARAMS, "value": 0.5, "source": "mine",
                                                                  "user_attrs": None, "constraints": None}),
    "Study.add_finished": (lambda s, **a: s.add_finished(**a), {
        "params": PARAMS, "state": "PRUNED", "value": 0.5, "source": "optuna", "user_attrs": None,
        "intermediate_values": {0: 1.0}, "budget": None, "generation": None, "constraints": None,
        "datetime_start": None, "datetime_complete": None}),
    "Study.subscribe": (lambda s, **a: s.subscribe(**a), {"callback": print}),
    "Study.save": (lambda s, **a: s.save(**a), {"path": "saved.jsonl"}),
    "Study.load": (lambda s, **a: Study.load(**a), {"path": JOURNAL}),
    "fork_study": (lambda s, **a: fork_study(**a), {"study": None, "step": 2, "optimizer": None,
                                                    "optimizer_settings": None, "storage": None}),
    "remap_study": (lambda s, **a: remap_study(**a), {"study": None, "space": OTHER, "optimizer": None,
                                                      "optimizer_settings": None, "storage": None, "trials": None}),
    "next_journal": (lambda s, **a: next_journal(**a), {"path": "study.jsonl"}),
    "learning_curves": (lambda s, **a: curves.learning_curves(**a), {"study": None}),
    "config_curves": (lambda s, **a: curves.config_curves(**a), {"study": None}),
    "budget_trace": (lambda s, **a: curves.budget_trace(**a), {"study": None, "full_budget": None}),
    "lineage": (lambda s, **a: curves.lineage(**a), {"study": GA}),
    "Lineage.ancestry": (lambda s, **a: LINEAGE.ancestry(**a), {"individual": 11}),
    "MedianStoppingRule": (lambda s, **a: MedianStoppingRule(**a), {"n_startup_trials": 5, "n_warmup_steps": 0,
                                                                    "n_min_trials": 1}),
    # warm_start.py: the sources a study is given; replay.py: what a resume is given besides its journal.
    "Study": (lambda s, **a: Study(SPACE, "ga", seed=0, **a), {"warm_start": None}),
    "Study (resumed)": (lambda s, **a: resumed(**a), {"optimizer": "random", "optimizer_settings": None, "seed": None,
                                                      "pruner": None}),
}
CASES = [(owner, name) for owner, (_, good) in CALLS.items() for name in good]
#: Settings are checked by the optimizer they are for: their errors name it (`resolution` of GridSearch).
OPTIMIZERS = sorted({optimizer_class(name).__name__ for name in available_optimizers()})
NAMED = {"Study (resumed)": ["Study", *OPTIMIZERS], "Study.switch_optimizer": ["Study.switch_optimizer", *OPTIMIZERS],
         "fork_study": ["fork_study", *OPTIMIZERS], "remap_study": ["remap_study", *OPTIMIZERS]}

#: Anything a person might pass: numbers of every kind (huge ones among them), text (names of optimizers, states and
#: attributes too), None, objects, lists and dicts of them, numpy arrays of any kind and shape, and the room's objects:
#: studies, trials, spaces, callables (one that returns NaN, one that takes nothing), the kept journal's path.
numbers = st.one_of(st.integers(-3, 40), st.integers(2, 10**12), st.integers(min_value=10**300, max_value=10**400),
                    st.floats(), st.integers(-10**6, 10**6).map(np.int64), st.booleans())
scalars = st.one_of(numbers, st.text(max_size=3), st.none(), st.builds(object),
                    st.sampled_from(["x", "n", "c", "random", "sobol", "grid", "ga", "halving", "median", "COMPLETE",
                                     "PRUNED", "FAILED", "value", "params", "id", "config", "parents"]))
arrays = hnp.arrays(st.sampled_from([np.float64, np.int64, np.bool_, np.dtype("U2"), np.dtype("O")]),
                    hnp.array_shapes(min_dims=0, max_dims=2, min_side=0, max_side=3))
objects = st.sampled_from([SPACE, OTHER, GA, KEPT, GA.trials[0], KEPT.trials[1], loss, print, lambda p: float("nan"),
                           lambda: 1.0, str(JOURNAL), JOURNAL, LINEAGE, MedianStoppingRule()])
values = st.one_of(scalars, st.lists(scalars, max_size=3), st.dictionaries(st.sampled_from(["x", "n", "c"]), scalars),
                   st.dictionaries(st.one_of(numbers, st.text(max_size=2)), scalars, max_size=2), arrays, objects)


@contextlib.contextmanager
def in_a_new_folder():
    """Relative paths (a generated str is one) land in a folder of their own, not the tests' folder."""
    previous = os.getcwd()
    os.chdir(tempfile.mkdtemp(dir=FOLDER))
    try:
        yield
    finally:
        os.chdir(previous)


def works(study: Study, result) -> None:
    """An accepted call leaves a study a person can go on with, and gives a result they can read."""
    repr(result)
    study.history()
    study.trials_dataframe()  # dates, params, attributes: every trial's fields are readable
    for read in (curves.learning_curves, curves.config_curves, curves.budget_trace, curves.lineage):
        read(study)
    if isinstance(result, Study):
        works_again(result)
    elif hasattr(result, "study"):  # fork_study's and remap_study's Remapped
        works_again(result.study)


def works_again(study: Study) -> None:
    study.history()
    study.trials_dataframe()
    if study.storage != str(JOURNAL):  # Study.load(JOURNAL) opens the kept journal itself
        study.tell(study.ask(), 1.0)


@seed(21)
@settings(max_examples=500, deadline=None, suppress_health_check=list(HealthCheck), database=None)
@given(case=st.sampled_from(CASES), value=values)
def test_a_call_of_the_study_room_works_or_refuses_naming_itself(case, value):
    owner, name = case
    call, good = CALLS[owner]
    study = fresh()
    arguments = {**good, name: value}
    for key in ("study",):  # the functions of a study take the fresh one unless it is the generated argument
        if key in good and good[key] is None and name != key:
            arguments[key] = study
    trials, events = study.trials, len(study.state.events)
    with in_a_new_folder(), warnings.catch_warnings():
        warnings.simplefilter("ignore")  # a resume's "switching to the optimizer given", a subscriber's error
        try:
            result = call(study, **arguments)
        except InvalidParameterError as error:
            message = str(error)
            owners = "|".join(re.escape(o) for o in NAMED.get(owner, [owner]))
            assert re.match(rf"`[\w\[\]'`, ]+ of ({owners}) must be ", message), message
            assert study.trials == trials and len(study.state.events) == events  # a refusal changes nothing
            return
        except (TrialStateError, StorageError) as error:  # a trial already told; a file that is no journal
            assert re.match(r"(Trial \d+ is|.* holds no journal|.* is not an interactive_hpo journal)", str(error)), \
                str(error)
            assert study.trials == trials and len(study.state.events) == events
            return
        finally:
            assert JOURNAL.read_bytes() == JOURNAL_BYTES  # a journal the call was not for is never written
        works(study, result)


@pytest.mark.parametrize(("call", "message"), [
    # Fuzz round on the study room: each of these was Python's, numpy's or pandas' error from inside, named
    # another function, or (*) was accepted and broke something later.
    (lambda: fresh().run(loss, 2, callbacks=print), "`callbacks` of Study.run must be a list of callables "
                                                    "callback(study, trial); got <built-in function print>. One "
                                                    "callback goes in a list: callbacks=[callback]."),
    # (*) a callback of the wrong signature failed the run after its first trial, with Python's TypeError
    (lambda: fresh().run(loss, 2, callbacks=[lambda trial: None]), "Each is called as callback(study, trial) "
     "after each trial; its signature (trial) does not fit: too many positional arguments."),
    (lambda: fresh().trials_dataframe(attrs=[]), "`attrs` of Study.trials_dataframe must be a tuple of names among "
                                                 "['number', "),
    (lambda: fresh().trials_dataframe(multi_index=np.array([1, 2])),  # (*) any value was taken for its truth
     "`multi_index` of Study.trials_dataframe must be a bool; got array([1, 2])."),
    (lambda: fresh().surrogate(acquisition="ucb"), "`acquisition` of Study.surrogate must be given only for an "
                                                   "optimizer with a model (what-ifs change its settings); got 'ucb'. "
                                                   "'random' keeps no model: its surrogate is None."),
    (lambda: fresh().add_evaluated(PARAMS, loss, user_attrs=["fold"]),
     "`user_attrs` of Study.add_evaluated must be a dict of JSON values with str keys, or None; got ['fold']."),
    (lambda: fresh().evaluate(None, loss), "`trial` of Study.evaluate must be a trial of this study (number in "
                                           "[0, 4)); got None."),
    (lambda: fresh().evaluate(3, 3), "`objective` of Study.evaluate must be a callable objective(params) -> float; "
                                     "got 3."),  # (*) a FAILED outcome, for the caller to tell
    # (*) Accepted; every trials_dataframe of the study, and of its journal loaded again, then failed.
    # Both were Python's "OwnTrials.add_finished() missing 1 required keyword-only argument", naming a mixin.
    # Without a value (with one, the state is COMPLETE by default), PRUNED or FAILED is the caller's to say.
    (lambda: fresh().add_finished(PARAMS, source="x"),
     "`state` of Study.add_finished must be given when no value is: 'PRUNED' or 'FAILED' (with a value, the default "
     "is 'COMPLETE'); got None."),
    (lambda: fresh().add_finished(PARAMS, state="COMPLETE", value=1.0),
     "`source` of Study.add_finished must be a non-empty str other than \"enqueued\" (where the trial comes from); "
     "got None."),
    (lambda: fresh().add_finished(PARAMS, state="COMPLETE", value=1.0, source="x", datetime_complete=1e308),
     "`datetime_complete` of Study.add_finished must be a Unix timestamp of a date within the years 1 to 9999, or None "
     "(now); got 1e+308."),
    (lambda: fresh().add_finished(PARAMS, state="COMPLETE", value=1.0, source="x", generation=2**64),
     "`generation` of Study.add_finished must be an int in [0, 9223372036854775807]; got 18446744073709551616."),
    (lambda: fork_study(fresh(), 1, optimizer_settings=[("seed", 1)]),
     "`optimizer_settings` of fork_study must be a dict or None; got [('seed', 1)]."),
    (lambda: remap_study(fresh(), None), "`space` of remap_study must be a SearchSpace; got None."),  # named Study
    (lambda: remap_study(fresh(), OTHER, storage=True), "`storage` of remap_study must be a file path"),  # Study
    (lambda: remap_study(fresh(), OTHER, trials=[0, 1]), "`trials` of remap_study must be an iterable of trials of "
                                                         "the study, such as study.trials[:5], or None; got 0."),
    (lambda: remap_study(fresh(), OTHER, trials=GA.trials[:1]), "`trials` of remap_study must be a trial of this "
                                                                "study; got Trial(number=0"),
    (lambda: fork_study(None, 0), "`study` of fork_study must be an interactive_hpo Study; got None."),
    (lambda: next_journal(b"study.jsonl"), "`path` of next_journal must be a file path (a non-empty str or "
                                           "os.PathLike); got b'study.jsonl'."),
    (lambda: next_journal("study\0.jsonl"), "`path` of next_journal must be a file path without a NUL character"),
    (lambda: curves.learning_curves(GA.trials), "`study` of learning_curves must be an interactive_hpo Study"),
    (lambda: curves.budget_trace(fresh(), "full"), "`full_budget` of budget_trace must be a finite real number in "
                                                   "(0.0, inf); got 'full'."),
    (lambda: curves.budget_trace(fresh(), 0), "`full_budget` of budget_trace must be a finite real number in "
                                              "(0.0, inf); got 0."),  # (*) every trial counted as no budget
    (lambda: LINEAGE.ancestry([3]), "`individual` of Lineage.ancestry must be an int in (-inf, inf); got [3]."),
    (lambda: Study(SPACE, "ga", warm_start={"name": "old", "params": [PARAMS], "losses": [10**400]}),
     "`warm_start` of Study must be finite losses in every source; got an int of about 401 digits."),
])
def test_input_errors(call, message):
    with pytest.raises(InvalidParameterError, match=re.escape(message)):
        call()


def test_the_best_of_several_objectives_is_refused_in_the_name_read():
    # Both said "`study` of Study.best_trial", which the person had not read.
    study = Study(SPACE, directions=["minimize", "maximize"], seed=0)
    study.add_manual(PARAMS, (1.0, 2.0))
    for name in ("best_value", "best_params"):
        with pytest.raises(InvalidParameterError, match=re.escape(f"`study` of Study.{name} must be a study of one "
                                                                  "objective; got '2 objectives")):
            getattr(study, name)
    # (*) budget_trace's best values were NaN throughout.
    with pytest.raises(InvalidParameterError, match=re.escape("`study` of budget_trace must be a study of one "
                                                              "objective; got '2 objectives")):
        curves.budget_trace(study)


def test_a_finished_trial_is_not_evaluated_again():
    # (*) Accepted: the objective ran, and its outcome could not be told.
    with pytest.raises(TrialStateError, match=re.escape("Trial 0 is COMPLETE; only a RUNNING trial is evaluated.")):
        fresh().evaluate(0, loss)


def test_a_fork_or_remap_into_an_existing_journal_is_refused_and_the_journal_left_as_it_was(tmp_path):
    # Study(storage=...) resumed the journal there: the branch's trials (and a switch of optimizer) were
    # appended to it, the forked study's own journal among them.
    path = tmp_path / "study.jsonl"
    study = Study(SPACE, "random", seed=0, storage=path)
    study.run(loss, 3, progress=False)
    before = path.read_bytes()
    for carry, owner in ((lambda: fork_study(study, 2, optimizer="sobol", storage=path), "fork_study"),
                         (lambda: remap_study(study, OTHER, storage=str(path)), "remap_study")):
        with pytest.raises(InvalidParameterError, match=re.escape(f"`storage` of {owner} must be a path with no "
                                                                  f"journal yet; got '{path}'. The new study gets a "
                                                                  "journal of its own; interactive_hpo.study."
                                                                  "branching.next_journal(study.storage)")):
            carry()
        assert path.read_bytes() == before and len(study.trials) == 3
    branch = fork_study(study, 2, storage=next_journal(study.storage)).study  # a new file: as before
    assert branch.storage == str(tmp_path / "study-2.jsonl") and len(Study.load(branch.storage).trials) == 2


@pytest.mark.parametrize("attrs", [{"id": "run-7"}, {"id": 1.5}, {"id": 1, "parents": "ab"}, {"id": 2**70},
                                   {"config": "resnet"}])
def test_a_persons_own_id_or_config_attribute_is_no_population_trial(attrs):
    # A trial told with the person's own {"id": "run-7"} (or a "config" of theirs) made lineage and
    # config_curves fail with Python's ValueError, TypeError or OverflowError: the Lab's panels with them.
    study = Study(SPACE, "ga", seed=0)
    study.run(loss, 4, progress=False)
    study.add_finished(PARAMS, state="COMPLETE", value=1.0, source="mine", budget=1.0, user_attrs=attrs)
    assert curves.lineage(study).ids.tolist() == [0, 1, 2, 3]
    assert curves.config_curves(study) == []


def test_bytes_are_no_constraints():
    # goals.read_constraints took bytes for a list of their byte values: b"x" was the constraint 120.0.
    with pytest.raises(InvalidParameterError, match="`constraints` of Study.add_manual must be None or a list"):
        Study(SPACE).add_manual(PARAMS, 1.0, constraints=b"x")
