"""Fuzzing the optimizers' steppable contract (issue 21's rule, DESIGN.md sections 2 and 3), for
every optimizer the registry lists: what a person, a study or the Optuna sampler adapter can hand
one (each keyword of its constructor, trials and losses to ``tell``, running trials to
``note_running``, batch sizes to ``ask_batch``) is used, after which the next ask gives a point
of the unit cube of the right shape, or refused with the package's error naming the argument
and the public owner: the optimizer class for a setting (``Study(..., optimizer_settings=...)``
builds the class, so its errors name the key the person typed), ``Class.tell`` and the like for
the rest. A replay of trials whose recorded attributes were edited asks on as well.

Bayesian optimization is kept cheap (two or three initial points, four raw samples): each GP fit
costs time. The hand-picked cases this round's exploration found are the table at the end.
"""

from __future__ import annotations

import inspect
import json
import os
import re

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
    SearchExhausted,
    SearchSpace,
    StorageError,
    Study,
    Trial,
    TrialStateError,
)
from interactive_hpo.optimizers.registry import available_optimizers, make_optimizer, optimizer_class

pytest.importorskip("botorch")
pytest.importorskip("cma")

SPACE = SearchSpace([Float("x", -2.0, 2.0), Int("n", 1, 5), Categorical("c", ["a", "b"])])
SMALL = SearchSpace([Int("n", 1, 2), Categorical("c", ["a", "b"])])  # four configurations: grids run out
NAMES = available_optimizers()
BAYES = {"bo", "parego", "ehvi"}
SEVERAL = {"ehvi", "nsga2"}  # told several losses here (the others that serve several take one)
#: Small settings, so that a case is quick: the GP's effort, the populations, a short budget ladder.
CHEAP = {"bo": {"n_initial": 3, "num_restarts": 1, "raw_samples": 4},
         "parego": {"n_initial": 3, "num_restarts": 1, "raw_samples": 4},
         "ehvi": {"n_initial": 3, "num_restarts": 1, "raw_samples": 4, "mc_samples": 2},
         "halving": {"min_budget": 1, "max_budget": 9}, "hyperband": {"min_budget": 1, "max_budget": 9},
         "asha": {"min_budget": 1, "max_budget": 9}, "ga": {"population_size": 3}, "de": {"population_size": 4},
         "nsga2": {"population_size": 3}, "cmaes": {"population_size": 3}, "grid": {"resolution": 2}}
SETTINGS = [(name, key) for name in NAMES
            for key in inspect.signature(optimizer_class(name).__init__).parameters if key not in ("self", "space")]
FUZZ = settings(deadline=None, suppress_health_check=list(HealthCheck), database=None)

#: Anything a person might type for a setting: numbers of every kind (NaN, inf, negatives, huge ints, bools,
#: numpy scalars), names some settings take, text, None, objects, lists, dicts and numpy arrays of any kind.
numbers = st.one_of(st.integers(-3, 40), st.integers(2, 10**12), st.integers(min_value=10**300, max_value=10**400),
                    st.floats(), st.floats(0, 1), st.floats(1e-320, 1e-300), st.integers(-10**6, 10**6).map(np.int64),
                    st.floats(allow_nan=False).map(np.float64), st.booleans(), st.just(np.True_))
scalars = st.one_of(numbers, st.text(max_size=3), st.none(), st.builds(object),
                    st.sampled_from(["random", "bo", "adam", "sgd", "matern", "rbf", "auto", "fixed", "learned",
                                     "none", "rank", "ucb", "thompson", "mes", "x", "tolfun", "CMA_mu"]))
arrays = hnp.arrays(st.sampled_from([np.float64, np.int64, np.bool_, np.dtype("U2"), np.complex128]),
                    hnp.array_shapes(min_dims=0, max_dims=2, min_side=0, max_side=3))
values = st.one_of(scalars, st.lists(scalars, max_size=3), arrays,
                   st.dictionaries(st.sampled_from(["x", "n", "c", "z", "tolfun", "CMA_mu", "CMA_rankmu", "seed"]),
                                   scalars, max_size=3))


def refused_naming(error: BaseException, argument: str | tuple[str, ...], owner: str) -> None:
    """The package's error, in the template "`argument` of owner must be ...", for the argument given."""
    assert isinstance(error, HPOError), repr(error)
    names = (argument,) if isinstance(argument, str) else argument
    assert re.match(rf"`({'|'.join(names)})` of {re.escape(owner)} must be ", str(error)), str(error)


def in_the_cube(x: np.ndarray, space: SearchSpace) -> None:
    assert isinstance(x, np.ndarray) and x.shape == (space.dim,), x
    assert np.all(np.isfinite(x)) and np.all((x >= 0.0) & (x <= 1.0)), x


def loss_for(name: str, i: int) -> float | np.ndarray:
    return np.array([float(i % 3), -float(i)]) if name in SEVERAL else float((7 * i) % 5)


def asked(space: SearchSpace, name: str, number: int, suggestion, **fields) -> Trial:
    """The trial a study makes of ``suggestion`` (``fields`` change it)."""
    made = {"number": number, "params": space.from_unit(suggestion.x), "x": space.snap(suggestion.x),
            "state": "COMPLETE", "value": 1.0, "source": name, "budget": suggestion.budget,
            "generation": suggestion.generation, "user_attrs": dict(suggestion.info)}
    return Trial(**{**made, **fields})


def asks_on(optimizer, name: str, space: SearchSpace, n: int) -> None:
    """``n`` asks and tells, each ask a point of the cube (a finite space may run out, a synchronous
    scheduler wait: their own errors)."""
    for i in range(n):
        if optimizer.exhausted or optimizer.waiting:
            return
        suggestion = optimizer.ask()
        in_the_cube(suggestion.x, space)
        optimizer.tell(asked(space, name, 1000 + i, suggestion), loss_for(name, i))


# -- settings --------------------------------------------------------------------------------------------
@seed(21)
@settings(FUZZ, max_examples=300)
@given(case=st.sampled_from(SETTINGS), value=values, via_study=st.booleans())
def test_a_setting_works_or_refuses_naming_itself(case, value, via_study):
    name, key = case
    cls = optimizer_class(name)
    typed = {**CHEAP.get(name, {}), key: value}
    try:
        if via_study:  # how a person types it; the study builds the class with the settings as they are
            several = {"directions": ["minimize", "minimize"]} if name in SEVERAL else {}
            optimizer = Study(SPACE, name, optimizer_settings=typed, **several).optimizer
        else:
            optimizer = cls(SPACE, **typed)
    except HPOError as error:
        if via_study and key == "seed":  # the study's own `seed=` seeds its optimizer: refused by the study
            assert str(error).startswith("`optimizer_settings` of Study must be settings without 'seed'"), error
            return
        # min_budget's default against a smaller max_budget: the error names max_budget, which was typed;
        # a reduction_factor above max_budget / min_budget leaves one rung: min_budget's rule names all three.
        budgets = "budget" in key or (key == "reduction_factor" and name in ("halving", "hyperband", "asha"))
        return refused_naming(error, (key, "max_budget", "min_budget") if budgets else key, cls.__name__)
    import json

    json.dumps(optimizer.settings(), allow_nan=False)  # what the journal writes
    # Accepted: it asks and learns. Bayesian optimization stays in its initial design (a setting's
    # largest accepted effort would make a GP's proposal slow), unless the setting is that design's size.
    asks_on(optimizer, name, SPACE, 2 if name in BAYES else 4)


# -- tell, note_running, ask_batch -------------------------------------------------------------------------
coordinates = st.one_of(st.floats(0, 1), st.floats(), st.sampled_from([0.0, 1.0, 1 + 1e-16, -1e-300, np.nan, np.inf]))
points = st.one_of(hnp.arrays(np.float64, st.sampled_from([(3,), (2,)]), elements=coordinates),
                   hnp.arrays(np.float64, hnp.array_shapes(min_dims=0, max_dims=2, max_side=4), elements=coordinates))
losses = st.one_of(st.floats(), st.floats(-10, 10), st.integers(-10**400, 10**400), st.booleans(), st.none(),
                   st.text(max_size=2), st.floats(allow_nan=False).map(np.float64), st.integers(-5, 5).map(np.int64),
                   hnp.arrays(np.float64, hnp.array_shapes(min_dims=0, max_dims=2, max_side=3),
                              elements=st.one_of(st.floats(-5, 5), st.floats())),
                   st.lists(st.one_of(st.floats(-5, 5), st.text(max_size=1)), min_size=1, max_size=3),
                   st.tuples(st.floats(-3, 3), st.floats(-3, 3)),
                   st.tuples(st.floats(-3, 3), st.floats(-3, 3)).map(list))
#: The keys optimizers record with their proposals, and others, with values of every kind: a trial built
#: by hand, or a person's own attributes under the same names.
attributes = st.dictionaries(
    st.sampled_from(["config", "bracket", "rung", "generation", "member", "pool", "run", "known_before", "phase",
                     "gp_state", "gp_data", "gp_settings", "sobol_position", "source_start", "hypergradient",
                     "constraint_gp_state"]),
    st.one_of(st.integers(-3, 5), st.integers(10**6, 10**12), st.text(max_size=2), st.none(), st.floats(),
              st.lists(st.integers(0, 3), max_size=2), st.dictionaries(st.text(max_size=2), st.floats(), max_size=2)),
    max_size=4)
budgets = st.one_of(st.none(), st.floats(), st.sampled_from([1.0, 3.0, 9.0]), st.text(max_size=2),
                    st.integers(-3, 10**6))
states = st.sampled_from(["COMPLETE", "COMPLETE", "FAILED", "PRUNED", "RUNNING"])
constraints = st.one_of(st.none(), st.tuples(st.floats(-2, 2)), st.tuples(st.floats(), st.floats(-1, 1)))
steps = st.one_of(
    st.tuples(st.just("ask")),
    st.tuples(st.just("ask_batch"), st.one_of(st.integers(-2, 6), st.booleans(), st.integers(2, 5).map(np.int64),
                                              st.floats(0, 4), st.none(), st.just(10**9))),
    # its own trial, told once or twice, with a loss of any kind and attributes of any kind
    st.tuples(st.just("tell"), st.integers(0, 5), states, losses, attributes, st.booleans(), constraints),
    # a trial it never asked: any point, budget and source (its own name too)
    st.tuples(st.just("foreign"), points, states, losses, st.sampled_from(["manual", "NAME", "random"]), budgets,
              attributes, constraints),
    st.tuples(st.just("note_running"), points, st.sampled_from(["manual", "NAME"]), attributes),
)


def run_steps(name: str, space: SearchSpace, sequence, **fewer) -> None:
    optimizer = make_optimizer(name, space, seed=0, **{**CHEAP.get(name, {}), **fewer})
    cls = type(optimizer).__name__
    asked_ones, number = [], 0
    for step in sequence:
        kind = step[0]
        try:
            if kind == "ask":
                suggestion = optimizer.ask()
                in_the_cube(suggestion.x, space)
                asked_ones.append(suggestion)
            elif kind == "ask_batch":
                batch = optimizer.ask_batch(step[1])
                assert batch
                for suggestion in batch:
                    in_the_cube(suggestion.x, space)
                asked_ones.extend(batch)
            elif kind == "tell" and asked_ones:
                _, which, state, loss, attrs, twice, met = step
                suggestion = asked_ones[which % len(asked_ones)]
                trial = asked(space, name, number, suggestion, state=state, constraints=met,
                              user_attrs={**suggestion.info, **attrs})
                number += 1
                for _ in range(1 + twice):
                    optimizer.tell(trial, loss)
            elif kind == "foreign":
                _, x, state, loss, source, budget, attrs, met = step
                number += 1
                optimizer.tell(Trial(number=number - 1, params={}, x=x, state=state, value=1.0, budget=budget,
                                     source=name if source == "NAME" else source, user_attrs=attrs,
                                     constraints=met), loss)
            elif kind == "note_running":
                _, x, source, attrs = step
                number += 1
                optimizer.note_running(Trial(number=number - 1, params={}, x=x, state="RUNNING", user_attrs=attrs,
                                             source=name if source == "NAME" else source))
        except (SearchExhausted, TrialStateError):
            # a finite space used up, a synchronous scheduler waiting for results: asks may say so
            assert kind in ("ask", "ask_batch"), kind
        except HPOError as error:
            argument = {"ask_batch": "q", "tell": ("trial", "loss"), "foreign": ("trial", "loss"),
                        "note_running": "trial"}[kind]
            refused_naming(error, argument, f"{cls}.{'tell' if kind == 'foreign' else kind}")
    if not (optimizer.exhausted or optimizer.waiting):
        in_the_cube(optimizer.ask().x, space)


@seed(21)
@settings(FUZZ, max_examples=200)
@given(name=st.sampled_from(sorted(set(NAMES) - BAYES)), small=st.booleans(), sequence=st.lists(steps, max_size=8))
def test_what_it_is_told_is_used_or_refused_and_the_next_ask_works(name, small, sequence):
    run_steps(name, SMALL if small else SPACE, sequence)


@seed(21)
@settings(FUZZ, max_examples=20)
@given(name=st.sampled_from(sorted(BAYES)), small=st.booleans(), sequence=st.lists(steps, max_size=5))
def test_what_bayesian_optimization_is_told_is_used_or_refused(name, small, sequence):
    run_steps(name, SMALL if small else SPACE, sequence, n_initial=1)  # the GP proposes from the second ask


# -- replays ------------------------------------------------------------------------------------------------
edits = st.one_of(st.integers(-3, 8), st.integers(10**6, 10**18), st.text(max_size=2), st.none(), st.floats(),
                  st.booleans(), st.lists(st.integers(0, 3), max_size=2),
                  st.dictionaries(st.text(max_size=3), st.lists(st.floats(), max_size=2), max_size=2))


def replays_edited(name: str, n: int, which: int, key: str | None, value) -> None:
    """``n`` trials asked and told, one of whose recorded attributes then says ``value`` under
    ``key`` (or under one of its own keys): a fresh optimizer of the same settings and seed is told
    them all (a journal's replay) and asks a point of the cube."""
    live, trials = make_optimizer(name, SPACE, seed=0, **CHEAP.get(name, {})), []
    for i in range(n):
        if live.exhausted or live.waiting:
            break
        trial = asked(SPACE, name, i, live.ask())
        live.tell(trial, loss_for(name, i))
        trials.append(trial)
    edited = trials[which % len(trials)]
    attrs = dict(edited.user_attrs)
    attrs[key if key is not None else sorted(attrs or {"x": 0})[which % max(len(attrs), 1)]] = value
    trials[which % len(trials)] = Trial(**{**{f: getattr(edited, f) for f in ("number", "params", "x", "state", "value",
                                                                              "source", "budget", "generation")},
                                          "user_attrs": attrs})
    replay = make_optimizer(name, SPACE, seed=0, **CHEAP.get(name, {}))
    for i, trial in enumerate(trials):
        replay.tell(trial, loss_for(name, i))
    if not (replay.exhausted or replay.waiting):
        in_the_cube(replay.ask().x, SPACE)


recorded_keys = st.sampled_from(["config", "bracket", "rung", "generation", "member", "pool", "run", "known_before",
                                 "phase", "gp_state", "gp_data", "gp_settings", "sobol_position", "source_start",
                                 None])


@seed(21)
@settings(FUZZ, max_examples=150)
@given(name=st.sampled_from(sorted(set(NAMES) - BAYES)), n=st.integers(1, 7), which=st.integers(0, 6),
       key=recorded_keys, value=edits)
def test_a_replay_of_edited_records_asks_on(name, n, which, key, value):
    replays_edited(name, n, which, key, value)


@seed(21)
@settings(FUZZ, max_examples=10)
@given(name=st.sampled_from(sorted(BAYES)), n=st.integers(1, 4), which=st.integers(0, 3), key=recorded_keys,
       value=edits)
def test_a_bayesian_replay_of_edited_records_asks_on(name, n, which, key, value):
    replays_edited(name, n, which, key, value)


# -- found by this round's exploration ------------------------------------------------------------------------
LINE = SearchSpace([Float("x", 0.0, 1.0), Float("y", 0.0, 1.0)])
TRIAL = "Trial(number=0, state=COMPLETE, value=1, params={})"


def manual(x, **fields) -> Trial:
    return Trial(**{"number": 0, "params": {}, "x": np.array(x, dtype=float), "state": "COMPLETE", "value": 1.0,
                    **fields})


def told(name, trial, loss=1.0, **settings):
    optimizer = make_optimizer(name, LINE, seed=0, **{**CHEAP.get(name, {}), **settings})
    optimizer.tell(trial, loss)
    return optimizer


def told_twice(name, first, second):
    optimizer = make_optimizer(name, LINE, seed=0, **CHEAP.get(name, {}))
    optimizer.tell(manual([0.5, 0.5]), first)
    optimizer.tell(manual([0.2, 0.7], number=1), second)


def cmaes_until_refused(options):
    optimizer = make_optimizer("cmaes", LINE, seed=0, population_size=3, options=options)
    for i in range(60):
        optimizer.tell(asked(LINE, "cmaes", i, optimizer.ask()), float(i % 4))


@pytest.mark.parametrize(("call", "message"), [
    # Each was numpy's, torch's, pycma's or Python's error from inside (or the wrong owner's), at the next ask
    # more often than at the call that caused it; (*) was accepted, (!) took all of the memory.
    (lambda: make_optimizer("asha", LINE, min_budget=1e-300, max_budget=1e300),  # OverflowError
     "`min_budget` of ASHA must be a finite real number in (0, 1e+300) with max_budget / min_budget a finite float; "
     "got 1e-300."),
    (lambda: Study(LINE, "hyperband", optimizer_settings={"max_budget": -1}),  # its default min_budget is -1/27
     "`max_budget` of Hyperband must be a finite real number in (0, inf); got -1."),
    (lambda: make_optimizer("hypergradient", LINE, start={"z": 1.0}),  # `params` of SearchSpace
     "`start` of HypergradientDescent must be a dict with keys among ['x', 'y']; got {'z': 1.0}. Unknown parameter(s): "
     "'z'."),
    (lambda: told("ga", manual([np.nan, 0.5])),  # `x` of SearchSpace, at the next ask
     f"`trial` of GeneticAlgorithm.tell must be a Trial of this search space (dim 2); got {TRIAL}. Its x "
     "array([nan, 0.5]) is not a finite point of the unit cube [0, 1]^2."),
    (lambda: told("bo", manual([1.5, 0.5])),  # (*), then "the kernel matrix is not positive definite"
     f"`trial` of GaussianProcessBO.tell must be a Trial of this search space (dim 2); got {TRIAL}. Its x "
     "array([1.5, 0.5]) is not a finite point of the unit cube [0, 1]^2."),
    (lambda: told("asha", manual([0.5, 0.5], budget=float("nan")), sampler="bo"),  # (*) a GP for budget NaN
     f"`trial` of ASHA.tell must be a Trial of this search space (dim 2); got {TRIAL}. Its budget nan is not None "
     "or a finite number > 0."),
    (lambda: told("bo", manual([0.5, 0.5], constraints=(np.inf,))),  # (*), then NaN in the constraint GP
     "`trial` of GaussianProcessBO.tell must be a Trial of this search space (dim 2); got Trial(number=0, "
     "state=COMPLETE, value=1, infeasible, params={}). Its constraints (inf,) are not all finite."),
    (lambda: make_optimizer("cmaes", LINE).note_running(Trial(number=0, params={}, x=np.array([0.5, np.inf]))),
     "`trial` of CMAES.note_running must be a RUNNING Trial of this search space; got Trial(number=0, "
     "state=RUNNING, params={}). Its x array([0.5, inf]) is not a finite point of the unit cube [0, 1]^2."),
    (lambda: told("random", manual([0.5, 0.5]), 10**400),  # OverflowError from math.isfinite
     "`loss` of RandomSearch.tell must be a finite float for a COMPLETE trial (or finite losses of shape (m,)); "
     "got an int of about 401 digits."),
    (lambda: told("nsga2", manual([0.5, 0.5]), ["a", "b"]),  # could not convert string to float
     "`loss` of NSGA2.tell must be finite losses of shape (m,), one per objective; got ['a', 'b']."),
    (lambda: told_twice("parego", (1.0, 2.0), (1.0, 2.0, 3.0)),  # (*), then a ragged array in the scalarization
     "`loss` of ParEGO.tell must be 2 loss(es), as every trial told before; got (1.0, 2.0, 3.0)."),
    (lambda: told_twice("asha", 1.0, (1.0, 2.0)),  # (*), then "'<' not supported" ranking a rung
     "`loss` of ASHA.tell must be 1 loss(es), as every trial told before; got (1.0, 2.0)."),
    (lambda: make_optimizer("parego", LINE).ask_batch(0),  # named GaussianProcessBO.ask_batch
     "`q` of ParEGO.ask_batch must be an int in [1, 128]; got 0."),
    (lambda: make_optimizer("bo", LINE).ask_batch(512),  # (*) 100 s for one batch on two coordinates
     "`q` of GaussianProcessBO.ask_batch must be an int in [1, 128]; got 512."),
    (lambda: make_optimizer("random", LINE).ask_batch(10**9),  # (*) hours, and the memory
     "`q` of RandomSearch.ask_batch must be an int in [1, 10000]; got 1000000000."),
    (lambda: make_optimizer("cmaes", LINE, options={"CMA_rankmu": -0.3}),  # pycma's ValueError at the first ask
     "`options` of CMAES must be a dict of pycma options that pycma accepts; got {'CMA_rankmu': -0.3}. pycma "
     "raised ValueError in a trial generation: On input"),
    (lambda: make_optimizer("cmaes", LINE, options={"vv": 0}),  # TypeError at the first ask
     "`options` of CMAES must be a dict of pycma options that pycma accepts; got {'vv': 0}. pycma raised TypeError"),
    (lambda: cmaes_until_refused({"CMA_const_trace": 33}),  # pycma's ValueError a few generations in
     "`options` of CMAES must be a dict of pycma options that pycma accepts; got {'CMA_const_trace': 33}. pycma "
     "raised ValueError breeding generation"),
    (lambda: make_optimizer("cmaes", LINE, options={"CMA_mu": 10**12}),  # (!) at the first ask
     "`options` of CMAES must be a dict whose CMA_mu is None or in [1, population_size=6]; got {'CMA_mu': "
     "1000000000000}."),
    # (*) 12 s, a population of a million
    (lambda: make_optimizer("cmaes", LINE, options={"CMA_recombination_weights": 10**6}),
     "`options` of CMAES must be a dict of pycma options CMAES does not set itself; got "
     "'CMA_recombination_weights'. CMAES sets 'CMA_recombination_weights' itself: give it population_size=."),
])
def test_input_errors(call, message):
    with pytest.raises(InvalidParameterError, match=re.escape(message)):
        call()


def test_numpy_settings_are_written_to_a_journal(tmp_path):
    # A numpy int in the resolution or in pycma's options stayed one in settings(): the journal's
    # header failed with TypeError "Object of type int64 is not JSON serializable".
    for name, typed in [("grid", {"resolution": np.int64(3)}), ("grid", {"resolution": {"x": np.int64(2), "y": 3}}),
                        ("cmaes", {"options": {"tolfun": np.int64(1), "CMA_active": np.True_}})]:
        study = Study(LINE, name, seed=0, optimizer_settings=typed, storage=tmp_path / f"{name}{len(typed)}.jsonl")
        study.run(lambda p: p["x"], n_trials=2)
        assert Study(LINE, name, seed=0, optimizer_settings=typed, storage=study.storage).ask().number == 2
        os.remove(study.storage)


@pytest.mark.parametrize("name", ["asha", "hyperband", "halving"])
def test_switching_to_the_same_scheduler_with_other_budgets(name):
    # The old jobs' rungs were read as the new scheduler's: IndexError past its last rung, and a job at
    # budget 1/27 counted at budget 1/32. Now a job whose budget is not its rung's is data from elsewhere.
    study = Study(LINE, name, seed=0)
    study.run(lambda p, budget=None: p["x"] * budget, n_trials=40)
    study.switch_optimizer(name, min_budget=0.5, reduction_factor=2)  # rungs 0.5 and 1
    trials = study.run(lambda p, budget=None: p["x"] * budget, n_trials=5)
    assert {t.budget for t in trials} == {0.5, 1.0}
    assert [trials[0].user_attrs[key] for key in ("bracket", "rung", "config")] == [0, 0, 0]  # none of the old jobs


@pytest.mark.parametrize(("name", "attrs"), [
    ("ga", {"generation": "first"}), ("cmaes", {"member": "x"}), ("asha", {"rung": 7}),
    ("hyperband", {"bracket": 10**9}), ("bo", {"gp_state": "mine"}), ("bo", {"sobol_position": "a"}),
])
def test_a_study_resumes_when_attributes_a_person_set_take_an_optimizer_s_names(tmp_path, name, attrs):
    # Study.tell(..., user_attrs=...) kept the person's value under the key the optimizer records
    # its proposal with; the replay read it as the record: "The file is corrupted or was edited by hand"
    # (ValueError or IndexError inside), or Hyperband bred a billion brackets. Study.tell now refuses
    # them; a journal edited so resumes, each such trial learnt as one from elsewhere (but a
    # model's record, checked at load since 2026-12-07, is refused naming its line).
    settings_ = {"n_initial": 2, "num_restarts": 1, "raw_samples": 4} if name == "bo" else {}
    path = tmp_path / "study.jsonl"
    study = Study(LINE, name, seed=0, storage=path, optimizer_settings=settings_)
    for i in range(3):
        trial = study.ask()
        if set(attrs) & set(trial.user_attrs):
            with pytest.raises(InvalidParameterError, match="`user_attrs` of Study.tell must be attributes other"):
                study.tell(trial, float(i), user_attrs=attrs)
        study.tell(trial, float(i))
    events = [json.loads(line) for line in path.read_text().splitlines()]
    for event in events:
        if event.get("event") == "finished":
            event["user_attrs"] = {**event["user_attrs"], **attrs}  # as a hand edit, or an older version, left them
    path.write_text("".join(json.dumps(event) + "\n" for event in events))
    if "gp_state" in attrs:  # a model's record, which its "asked" line holds: a finish may not change it
        with pytest.raises(StorageError, match=r"line 7: `user_attrs` of this \"finished\" event must be attributes "
                                               "other than the optimizer's record of trial 2"):
            Study(LINE, name, seed=0, storage=path, optimizer_settings=settings_)
        return
    resumed = Study(LINE, name, seed=0, storage=path, optimizer_settings=settings_)
    in_the_cube(resumed.optimizer.ask().x, LINE)


@pytest.mark.parametrize(("name", "attrs"), [
    ("ga", {"generation": 10**9, "member": 0, "pool": 0}),  # bred generations for ever
    ("de", {"generation": 2, "member": 0, "pool": "all"}),  # ValueError
    ("asha", {"config": 0, "bracket": 0, "rung": float("inf")}),  # OverflowError in int()
    ("halving", {"config": 0, "bracket": 0, "rung": -1}),  # the last rung, by Python's indexing
    ("bo", {"phase": "initial", "sobol_position": 2**40}),  # scipy's ValueError past 2**30 points
    ("bo", {"gp_state": {"covar_module.raw_lengthscale": [np.nan]}, "gp_data": 1}),  # a NaN hyperparameter
])
def test_a_trial_under_its_name_whose_record_it_could_not_have_written_is_data_from_elsewhere(name, attrs):
    initial = {"n_initial": 4} if "sobol_position" in attrs else {}  # the next ask is a Sobol point
    optimizer = make_optimizer(name, LINE, seed=0, **{**CHEAP.get(name, {}), **initial})
    run = {"run": optimizer.seed} if name in ("ga", "de") else {}
    for i in range(3):
        optimizer.tell(manual([0.1 + 0.3 * i, 0.5], number=i, source=name, budget=1.0 if name in ("asha", "halving")
                              else None, user_attrs={**attrs, **run}), float(i))
    in_the_cube(optimizer.ask().x, LINE)
