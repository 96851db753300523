"""Fuzzing the public plots (issue 21's rule, DESIGN.md section 3): one argument of a good call
replaced by a generated value is drawn, or refused by the package's error naming the plot the
person called, not a helper it calls (``plot_landscape`` for ``plot_trajectory``, ``SurrogateMaps``
for ``plot_surrogate_2d``) and not numpy or matplotlib deep inside.

The hand-picked cases with their exact messages are the ``test_input_errors`` tables beside.
"""

from __future__ import annotations

import inspect
from types import SimpleNamespace

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from hypothesis import HealthCheck, given, seed, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402
from hypothesis.extra import numpy as hnp  # noqa: E402

from interactive_hpo import Float, HPOError, SearchSpace, Study  # noqa: E402
from interactive_hpo import plots as P  # noqa: E402
from interactive_hpo.landscape import Landscape  # noqa: E402
from interactive_hpo.study.curves import Curve, Lineage  # noqa: E402
from interactive_hpo.views import PopulationSnapshot, SurrogatePrediction  # noqa: E402

SPACE = SearchSpace([Float("a", 0.0, 1.0), Float("b", 1e-3, 1.0, log=True)])
STUDY = Study(SPACE, seed=0)
STUDY.run(lambda p: p["a"], n_trials=4)
HISTORY = STUDY.history()
LEVELS = [SPACE.axis(name) for name in SPACE.names]
LAND = Landscape(("a", "b"), ((0, 1, 2), ("x", "y")), (True, False), np.arange(6.0))
PARETO = P.pareto_info([[1, 3], [2, 2], [3, 3]], ["minimize", "minimize"], reference=[4, 4])
SNAPSHOT = PopulationSnapshot(generation=1, X=np.array([[0.1, 0.5], [0.9, 0.25]]), losses=np.array([2.0, np.nan]),
                              states=np.array(["told", "pending"], dtype=object), ids=np.array([10, 11]),
                              parents=((4,), (4, 5)), best_x=np.array([0.1, 0.5]), best_loss=2.0)
SCORES = np.array([[0.5, 0.4], [0.7, 0.3]])
LR = np.array([[1e-3, 1e-2], [1e-3, 1e-2]])
RESULT = SimpleNamespace(scores=SCORES, schedules={"lr": LR}, scales={"lr": "log"}, exploits=((0, 1, 0),),
                         direction="maximize", best_member=0)
ROW = {"bracket": 0, "rung": 0, "config": 0, "number": 0, "budget": 1.0, "loss": 0.5, "scheduler": None,
       "human": None}
TRACE = SimpleNamespace(spent=np.array([1.0, 2.0]), best_full=np.array([1.0, 0.5]), best_any=np.array([1.0, 0.5]),
                        full_budget=2.0)


def prediction(m):
    mean = np.linspace(0.0, 1.0, m)
    return SurrogatePrediction(mean=mean, std=np.full(m, 0.1), noise_std=np.full(m, 0.05), acquisition=mean[::-1],
                               acquisition_name="ucb")


#: The plot's name (as its errors must say it) -> (the call, good arguments by name).
CALLS = {
    "plot_best_so_far": (P.plot_best_so_far, {"history": HISTORY}),
    "BestSoFarPlot.update": (lambda history: P.BestSoFarPlot().update(history), {"history": HISTORY}),
    "plot_parallel_coordinates": (P.plot_parallel_coordinates, {"history": HISTORY, "axes_levels": LEVELS}),
    "plot_importance": (P.plot_importance, {"names": ["a", "b"], "first": [0.1, 0.6], "total": [0.3, 0.7],
                                            "total_interval": [[0.2, 0.4], [0.6, 0.8]]}),
    "plot_partial_dependence": (P.plot_partial_dependence, {"levels": [0.01, 0.1, 1.0], "mean": [3.0, 1.0, 2.0],
                                                            "name": "C", "scale": "log", "ice": [[1, 2, 3]]}),
    "plot_partial_dependence_2d": (P.plot_partial_dependence_2d, {
        "x_levels": [1, 2, 3], "y_levels": ["a", "b"], "mean": [[0, 1], [2, 3], [4, 5]], "x_name": "n",
        "y_name": "k", "y_scale": "categorical", "best": "min"}),
    "plot_pareto_front": (P.plot_pareto_front, {"info": PARETO, "true_front": [[1, 1], [2, 0.5]]}),
    "plot_hypervolume": (P.plot_hypervolume, {"runs": {"a": PARETO, "b": [PARETO, PARETO]}, "best": 16.0}),
    "plot_landscape": (P.plot_landscape, {"land": LAND, "x": "a", "y": "b", "reduce": "mean", "direction": "maximize"}),
    "plot_trajectory": (P.plot_trajectory, {"land": LAND, "x": "a", "y": "b", "params": [{"a": 1, "b": "x"}],
                                            "values": [0.5], "show_basins": False}),
    "plot_pbt": (P.plot_pbt, {"result": RESULT, "baseline": SimpleNamespace(scores=SCORES)}),
    "plot_pbt_schedule": (P.plot_pbt_schedule, {"schedule": LR, "scale": "log", "exploits": [(0, 1, 0)]}),
    "plot_population": (P.plot_population, {"snapshot": SNAPSHOT, "x_axis": LEVELS[0], "y_axis": LEVELS[1],
                                            "dims": (0, 1)}),
    "plot_lineage": (P.plot_lineage, {"lineage": Lineage(np.array([0, 1]), np.array([0, 1]), np.array([2.0, 1.0]),
                                                         ((), (0,)), 1)}),
    "plot_surrogate_1d": (P.plot_surrogate_1d, {"axis": SPACE.axis("a", resolution=5), "prediction": prediction(5),
                                                "observed_x": [0.1], "observed_y": [0.2], "proposal": 0.5}),
    "plot_surrogate_2d": (P.plot_surrogate_2d, {"grid": SPACE.slice2d("a", "b", resolution=4),
                                                "prediction": prediction(16), "observed": [[0.1, 0.1]]}),
    "plot_rungs": (P.plot_rungs, {"rows": [ROW], "bracket": 0, "direction": "minimize"}),
    "plot_brackets": (P.plot_brackets, {"brackets": [[(9, 1.0), (3, 3.0)], [(3, 3.0)]]}),
    "plot_learning_curves": (P.plot_learning_curves, {
        "curves": [Curve(0, np.arange(3.0), np.array([1.0, 0.5, 0.4]), "COMPLETE", np.zeros(3))], "full_step": 2.0}),
    "plot_budget_trace": (P.plot_budget_trace, {"trace": TRACE, "baseline": TRACE, "normalize": True}),
    "plot_hypergradient_tangents": (P.plot_hypergradient_tangents, {
        "lams": np.logspace(-2, 3, 11), "losses": np.logspace(-1, 1.5, 11), "at": [0.1, 1.0], "values": [0.3, 1.0],
        "gradients": [1.0, 2.0]}),
}
#: Text matplotlib draws as given.
LABELS = {"name", "title", "xlabel", "ylabel", "label", "labels", "baseline_label", "x_name", "y_name"}
#: (plot, argument): every argument of every call but its labels.
CASES = [(owner, name) for owner, (call, _) in CALLS.items() for name in inspect.signature(call).parameters
         if name not in LABELS]

#: Anything a person might pass: numbers of every kind, text, None, objects, lists and dicts of them, and numpy
#: arrays of any kind and shape (a column instead of a row, an empty array, NaN and inf, booleans, text).
scalars = st.one_of(st.integers(-3, 3), st.floats(), st.booleans(), st.text(max_size=3), st.none(), st.builds(object))
arrays = hnp.arrays(st.sampled_from([np.float64, np.int64, np.bool_, np.dtype("U2")]),
                    hnp.array_shapes(min_dims=0, max_dims=3, min_side=0, max_side=4))
values = st.one_of(scalars, st.lists(scalars, max_size=3), st.lists(st.lists(st.floats(), max_size=3), max_size=3),
                   st.dictionaries(st.text(max_size=2), scalars, max_size=2), arrays)


@seed(21)
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow], database=None)
@given(case=st.sampled_from(CASES), value=values)
def test_a_plot_draws_or_refuses_naming_itself(case, value):
    owner, name = case
    call, good = CALLS[owner]
    try:
        call(**{**good, name: value})
    except HPOError as error:
        assert f"` of {owner} must be " in str(error) and str(error).startswith("`"), str(error)
    finally:
        plt.close("all")


def test_every_case_draws_with_its_good_arguments():
    for owner, (call, good) in CALLS.items():
        assert call(**good) is not None, owner
        plt.close("all")
