"""Fuzzing gradient-based HPO (issue 21's rule, DESIGN.md section 3): one argument of a good call
replaced by a generated value gives a result that works, or the package's error naming the
argument and the function the person called (``hypergradient``, not the method it dispatches to;
``compare_with_black_box``, not the Study it builds), never numpy's or torch's words from deep
inside; a number of steps that would take hours, or an unrolled run that would fill memory, is
refused before either is spent. A problem whose loss is not one number is refused naming that
method; one whose loss is NaN gives NaN (a diverged run, a failed trial in a study).

The hand-picked cases found by this round's exploration are the table at the end.
"""

from __future__ import annotations

import math
import re

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from hypothesis import HealthCheck, given, seed, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402
from hypothesis.extra import numpy as hnp  # noqa: E402

from interactive_hpo import HPOError, InvalidParameterError  # noqa: E402
from interactive_hpo.gradient import (  # noqa: E402
    BilevelObjective,
    Hypergradient,
    LogisticProblem,
    MLPProblem,
    RidgeProblem,
    Split,
    bilevel,
    exact_ridge,
    experiments,
    finite_differences,
    forward_mode,
    hypergradient,
    implicit,
    online_learning_rate,
    reverse_mode,
)
from interactive_hpo.gradient.experiments import (  # noqa: E402
    NeumannRate,
    compare_with_black_box,
    implicit_errors,
    mode_costs,
    neumann_rate,
)

RIDGE = RidgeProblem()
MLP = MLPProblem(hidden=4, steps=3)
LOGISTIC = LogisticProblem()
OBJECTIVE = BilevelObjective(RIDGE)
X, Y = np.arange(16.0).reshape(8, 2), np.array([0, 1] * 4)


class NanLoss(RidgeProblem):
    """A training loss that diverged: NaN everywhere."""

    def inner_loss(self, w, theta, rows=None):
        return super().inner_loss(w, theta, rows) * math.nan


class VectorLoss(RidgeProblem):
    """A validation loss per row, not their mean."""

    def outer_loss(self, w, part="val"):
        X, y = self.split.part(part)
        return (X @ w - y) ** 2


class ListLoss(RidgeProblem):
    """A training loss that is no tensor."""

    def inner_loss(self, w, theta, rows=None):
        return [float(super().inner_loss(w, theta, rows))]


def objective_call(**arguments):
    objective = BilevelObjective(**arguments)
    return objective(objective.problem.middle())


#: The owner its errors must name -> (the call, good arguments by name); problems small, a few steps each.
CALLS = {
    "Split.of": (Split.of, {"X": X, "y": Y, "seed": 0, "regression": False}),
    "RidgeProblem": (RidgeProblem, {"per_feature": False, "features": "linear", "seed": 0}),
    "LogisticProblem": (LogisticProblem, {"dataset": "breast_cancer", "per_feature": False, "seed": 0}),
    "MLPProblem": (MLPProblem, {"hidden": 4, "steps": 3, "seed": 0}),
    "exact_ridge": (exact_ridge, {"problem": RIDGE, "theta": [0.0]}),
    "reverse_mode": (reverse_mode, {"problem": MLP, "theta": [-7.0, 0.0], "steps": 3, "truncate": None, "w0": None}),
    "forward_mode": (forward_mode, {"problem": RIDGE, "theta": [0.0], "steps": 3, "w0": None}),
    "implicit": (implicit, {"problem": RIDGE, "theta": [0.0], "solver": "cg", "rtol": 1e-6, "iterations": 50, "w": None,
                            "w0": None}),
    "finite_differences": (finite_differences, {"problem": RIDGE, "theta": [0.0], "steps": None, "eps": 1e-4,
                                                "w0": None}),
    "hypergradient": (hypergradient, {"problem": RIDGE, "theta": [0.0], "method": "implicit", "iterations": 50}),
    "BilevelObjective": (objective_call, {"problem": RIDGE, "method": "implicit", "warm_start": None,
                                          "iterations": 50}),
    "BilevelObjective.__call__": (OBJECTIVE, {"params": {"alpha": 0.1}}),
    "BilevelProblem.theta": (RIDGE.theta, {"params": {"alpha": 0.1}}),
    "BilevelProblem": (RIDGE.params, {"theta": [0.0]}),
    "train": (RIDGE.train, {"theta": [0.0], "steps": 3, "w0": None}),
    "solve": (LOGISTIC.solve, {"theta": [-3.0], "w0": None}),
    "online_learning_rate": (online_learning_rate, {"problem": MLP, "params": None, "learning_rate": 0.1,
                                                    "beta": 0.01, "steps": 3, "batch_size": 8, "seed": 0}),
    "mode_costs": (mode_costs, {"problem": RIDGE, "theta": [0.0], "horizons": [1, 2], "truncate": 1}),
    "implicit_errors": (implicit_errors, {"problem": RIDGE, "theta": [0.0], "iterations": [0, 2], "solvers": "cg"}),
    "neumann_rate": (neumann_rate, {"problem": RIDGE, "theta": [0.0]}),
    "NeumannRate.terms": (NeumannRate(0.1, np.ones(2), 0.9).terms, {"reduction": 10.0}),
    "compare_with_black_box": (compare_with_black_box, {"problem": RIDGE, "steps": 2, "optimizer": "random",
                                                        "start": None, "step_size": 0.1, "method": None, "seed": 0,
                                                        "match": "evaluations"}),
}
CASES = [(owner, name) for owner, (_, good) in CALLS.items() for name in good]

#: Anything a person might pass: numbers of every kind (huge ones and sizes past every cap among them), text,
#: None, objects, the room's names, lists and dicts of them, and numpy arrays of any kind and shape.
numbers = st.one_of(st.integers(-3, 40), st.integers(2, 10**12), st.integers(min_value=10**300, max_value=10**400),
                    st.floats(), st.integers(-10**6, 10**6).map(np.int64), st.booleans())
scalars = st.one_of(numbers, st.text(max_size=3), st.none(), st.builds(object), st.sampled_from(
    ["alpha", "cg", "neumann", "exact", "reverse", "forward", "implicit", "finite-differences", "digits", "quadratic",
     "random", "bo", "hyperband", "time"]))
arrays = hnp.arrays(st.sampled_from([np.float64, np.int64, np.bool_, np.dtype("U2"), np.complex128, np.dtype("O")]),
                    hnp.array_shapes(min_dims=0, max_dims=3, min_side=0, max_side=4))
#: Log-hyperparameters and weights of about the right size, finite or not, in bounds or not.
vectors = hnp.arrays(np.float64, st.sampled_from([1, 2, 10, 31]), elements=st.one_of(st.floats(-10, 3), st.floats()))
#: The room's objects, tensors of every kind, and problems whose losses are NaN, a vector or no tensor.
objects = st.sampled_from([RIDGE, MLP, LOGISTIC, OBJECTIVE, RIDGE.space, lambda x: np.nan, torch.zeros(10),
                           torch.zeros(1), torch.tensor(0.0), torch.zeros(10, dtype=torch.complex128),
                           torch.zeros(1, dtype=torch.bfloat16), torch.zeros(10, requires_grad=True), NanLoss(),
                           VectorLoss(), ListLoss(), {"alpha": 0.1}, {"weight_decay": 1e-3}])
values = st.one_of(scalars, st.lists(scalars, max_size=3), arrays, vectors, objects,
                   st.dictionaries(st.sampled_from(["alpha", "weight_decay", "learning_rate"]), scalars))


def works(result) -> None:
    """An accepted call gives a result a person can read: a hypergradient of the problem's size
    (NaN where the training diverged), a problem that evaluates, a comparison that summarizes."""
    repr(result)
    if isinstance(result, Hypergradient):
        assert result.gradient.shape == (len(result.gradient),) and isinstance(result.value, float)
    if isinstance(result, bilevel.BilevelProblem):
        hypergradient(result, np.log([result.middle()[name] for name in result.names]), "forward", steps=1)
    if isinstance(result, experiments.BlackBoxComparison):
        result.summary()


@seed(21)
@settings(max_examples=300, deadline=None, suppress_health_check=list(HealthCheck), database=None)
@given(case=st.sampled_from(CASES), value=values)
def test_a_gradient_tool_works_or_refuses_naming_itself(case, value):
    owner, name = case
    call, good = CALLS[owner]
    with pytest.MonkeyPatch.context() as patch:  # the caps, not the minutes of 10,000 steps, are tested
        patch.setattr(bilevel, "MAX_STEPS", 20)
        patch.setattr(experiments, "MAX_STEPS", 20)
        patch.setattr(experiments, "MAX_DESCENT_STEPS", 3)
        try:
            result = call(**{**good, name: value})
        except HPOError as error:
            message = str(error)
            assert re.match(rf"`[\w\[\]'`.(), ]+ of {re.escape(owner)} must be ", message), message
            return
    works(result)


@pytest.mark.parametrize(("call", "message"), [
    # Fuzz round 6: each of these was torch's, numpy's or Python's error from inside, the wrong owner, or (*) accepted.
    (lambda: mode_costs(RIDGE, [0.0], horizons=2), "`horizons` of mode_costs must be a non-empty list of ints in "
                                                   "[1, 10000] (at most 10000 steps in all); got 2."),  # TypeError
    (lambda: implicit_errors(RIDGE, [0.0], iterations=13), "`iterations` of implicit_errors must be a non-empty "
                                                           "list of ints in [0, 10000]"),  # TypeError
    (lambda: implicit_errors(RIDGE, [0.0], solvers=True), "`solvers` of implicit_errors must be one of ['cg', "
                                                          "'neumann'] or a non-empty list of them; got True."),
    # (*) a typo of 10**9 steps ran for days; unrolled, it would also fill memory.
    (lambda: reverse_mode(RIDGE, [0.0], steps=10**9), "`steps` of reverse_mode must be an int in [1, 10000]; got "
                                                      "1000000000."),
    (lambda: MLPProblem(steps=10**6), "`steps` of MLPProblem must be an int in [1, 10000]; got 1000000."),
    (lambda: online_learning_rate(MLP, steps=10**9), "`steps` of online_learning_rate must be an int in [1, 10000]"),
    (lambda: implicit(RIDGE, [0.0], iterations=10**9), "`iterations` of implicit must be an int in [1, 10000]"),
    (lambda: mode_costs(RIDGE, [0.0], horizons=[6000, 6000]),
     "`horizons` of mode_costs must be a non-empty list of ints in [1, 10000] (at most 10000 steps in all); got "
     "[6000, 6000]. These make 12,000."),
    (lambda: compare_with_black_box(RIDGE, steps=10**6), "`steps` of compare_with_black_box must be an int in "
                                                         "[1, 1000]; got 1000000."),
    # Named the function hypergradient dispatched to, or a trial's failure where the objective was built.
    (lambda: hypergradient(RIDGE, {"alpha": 0.1}), "`theta` of hypergradient must be finite log-hyperparameters"),
    (lambda: hypergradient(RIDGE, [0.0], solver="lu"), "`solver` of hypergradient must be one of ['cg', 'neumann']"),
    (lambda: BilevelObjective(RIDGE, solver="lu"), "`solver` of BilevelObjective must be one of ['cg', 'neumann']; "
                                                   "got 'lu'."),  # (*) until its first trial
    (lambda: BilevelObjective(MLP, "reverse", truncate=99), "`truncate` of BilevelObjective must be an int in [1, 3]"),
    (lambda: BilevelObjective(MLP, "finite-differences"),  # (*) until its first trial
     "`method` of BilevelObjective must be 'reverse' or 'forward' for this problem; got 'finite-differences'. "
     "['learning_rate'] act through training, which differences of the minimizer do not see"),
    (lambda: OBJECTIVE({"alpha": 100.0}), "`params` of BilevelObjective.__call__ must be a configuration of the search "
                                          "space (a dict of its parameters' values); got {'alpha': 100.0}."),
    (lambda: RIDGE.theta(3), "`params` of BilevelProblem.theta must be a dict with keys ['alpha']; got 3."),
    (lambda: online_learning_rate(MLP, {"weight_decay": 5.0}), "`params` of online_learning_rate must be a "
                                                               "configuration of the search space"),
    (lambda: compare_with_black_box(RIDGE, method="exact?"), "`method` of compare_with_black_box must be one of"),
    (lambda: compare_with_black_box(RIDGE, seed=-1), "`seed` of compare_with_black_box must be a non-negative int"),
    (lambda: compare_with_black_box(RIDGE, optimizer=None), "`optimizer` of compare_with_black_box must be the name "
                                                            "of a registered optimizer; got None."),
    (lambda: compare_with_black_box(RIDGE, start={"alpha": 100.0}), "`start` of compare_with_black_box must be a "
                                                                    "configuration of the search space"),
    (lambda: compare_with_black_box(RIDGE, optimizer="hyperband"),  # Study.run's refusal, after the whole descent
     "`optimizer` of compare_with_black_box must be an optimizer that evaluates every configuration in full"),
    (lambda: MLPProblem(seed=2**64), "`seed` of MLPProblem must be a non-negative int below 2**63"),  # OverflowError
    (lambda: Split.of([["a"]] * 4, Y[:4], 0, False), "`X` of Split.of must be an array of shape (n, d) of finite "
                                                     "numbers, n >= 4 (rows for every part); got [['a'],"),  # TypeError
    (lambda: Split.of(X[:3], Y[:3], 0, True), "`X` of Split.of must be an array of shape (n, d)"),  # (*) NaN targets
    (lambda: Split.of(X, Y + 0.5, 0, False), "`y` of Split.of must be an array of shape (8,) of class indices (ints "
                                             "from 0); got array([0.5,"),  # (*) truncated to 0 and 1
    # (*) a complex tensor lost its imaginary part with a warning only (an array of them was refused).
    (lambda: implicit(RIDGE, torch.zeros(1, dtype=torch.complex128)), "`theta` of implicit must be finite "
                                                                      "log-hyperparameters of shape (1,)"),
    (lambda: reverse_mode(RIDGE, [0.0], steps=2, w0=torch.zeros(10, dtype=torch.complex128)),
     "`w0` of reverse_mode must be None or finite weights of shape (10,) (a tensor or an array); got tensor([0.+0.j"),
    # A problem's own loss that is not one number: torch's "grad can be implicitly created only for scalar outputs".
    (lambda: reverse_mode(VectorLoss(), [0.0], steps=2), "`VectorLoss.outer_loss(w)` of reverse_mode must be a 0-d "
                                                         "float tensor (the loss); got 'a torch.float64 tensor of "
                                                         "shape (110,)'."),
    (lambda: online_learning_rate(ListLoss(), steps=2), "`ListLoss.inner_loss(w, theta)` of online_learning_rate "
                                                        "must be a 0-d float tensor (the loss); got [0.5"),
    (lambda: mode_costs(VectorLoss(), [0.0], [1]), "`VectorLoss.outer_loss(w)` of mode_costs must be"),  # reverse_mode
    (lambda: Split.of(torch.zeros(3, 2, requires_grad=True), Y[:3], 0, False),  # torch's "Can't call numpy()"
     "`X` of Split.of must be an array of shape (n, d) of finite numbers, n >= 4 (rows for every part); got tensor("),
])
def test_input_errors(call, message):
    with pytest.raises(InvalidParameterError, match=re.escape(message)):
        call()


def test_tensors_of_every_real_dtype_are_read_as_numbers():
    # Read through numpy, which has no bfloat16 ("Got unsupported ScalarType BFloat16"); ints and bools count too.
    for dtype in (torch.bfloat16, torch.float32, torch.int64, torch.bool):
        result = reverse_mode(RIDGE, torch.zeros(1, dtype=dtype), steps=2, w0=torch.zeros(10, dtype=dtype))
        assert np.all(np.isfinite(result.gradient))


def test_an_unrolled_run_that_would_fill_memory_is_refused_after_two_steps(monkeypatch):
    """Before: MLPProblem(hidden=4096) kept about 70 MB a step, so its default 100 steps took 7 GB
    (the cap on `hidden` counted weights, not the activations reverse mode keeps)."""
    from interactive_hpo.gradient import hypergradients

    steps = []
    monkeypatch.setattr(hypergradients, "MAX_STORED_BYTES", 2**22)  # 4 MiB; the MLP of 4 units keeps 0.4 MB a step
    inner_loss = MLP.inner_loss
    monkeypatch.setattr(MLP, "inner_loss", lambda *args: steps.append(1) or inner_loss(*args))
    with pytest.raises(InvalidParameterError, match=re.escape("`truncate` of reverse_mode must be an int in [1, ")):
        reverse_mode(MLP, [-7.0, 0.0], steps=50, truncate=50)
    assert len(steps) <= 3  # the losses checked, then two unrolled steps


def test_the_neumann_rate_of_a_diverged_training_loss_is_nan():
    """Before: torch's eigh failed to converge on the NaN Hessian (LinAlgError)."""
    rate = neumann_rate(NanLoss(), [0.0])
    assert np.isnan(rate.radius) and np.isnan(rate.curvatures).all() and not rate.converges


def test_implicit_errors_reference_stays_within_the_step_cap(monkeypatch):
    """Before: the reference ran as many CG iterations as weights, so a problem with more weights
    than MAX_STEPS was refused naming `iterations` of implicit, which the person never called."""
    monkeypatch.setattr(bilevel, "MAX_STEPS", 20)  # fewer than logistic regression's 31 weights
    monkeypatch.setattr(experiments, "MAX_STEPS", 20)
    assert implicit_errors(LOGISTIC, [-3.0], iterations=[0], solvers="cg")["cg"].tolist() == [1.0]
