"""An int past a float's range (10**400) where numbers are expected is refused in the package's
words, naming the parameter: ``np.asarray(..., dtype=float)`` raises OverflowError for it, which
the checks that caught only TypeError and ValueError let through as Python's own error."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import pytest  # noqa: E402

from interactive_hpo import InvalidParameterError  # noqa: E402

HUGE = 10**400


def pareto_values():
    from interactive_hpo.plots import pareto_info

    pareto_info([[HUGE, 1.0]], ["minimize", "minimize"])


def pareto_reference():
    from interactive_hpo.plots import pareto_info

    pareto_info([[1.0, 1.0]], ["minimize", "minimize"], reference=[HUGE, 1.0])


def pareto_losses():
    from interactive_hpo.pareto import pareto_mask

    pareto_mask([[HUGE, 1.0]])


def max_hypervolume():
    from interactive_hpo.objectives import ZDT1

    ZDT1(dim=2).max_hypervolume([HUGE, 1.0])


def partial_dependence_map():
    from interactive_hpo.plots import plot_partial_dependence_2d

    plot_partial_dependence_2d([1, 2], [1, 2], [[HUGE, 1.0], [1.0, 1.0]], x_name="a", y_name="b")


def hyperparameter_path():
    from interactive_hpo.plots import plot_hyperparameter_path

    plot_hyperparameter_path([HUGE, 1.0])


def race_reference():
    from interactive_hpo import Race
    from interactive_hpo.objectives import ZDT1

    Race(ZDT1(dim=2), ["random"], n_trials=2, seed=0, reference=[HUGE, 1.0])


def zdt_study():
    from interactive_hpo import Study
    from interactive_hpo.objectives import ZDT1

    problem = ZDT1(dim=2)
    study = Study(problem.space, "random", seed=0, directions=problem.directions)
    study.run(problem, n_trials=2)
    return study


def export_reference():
    from matplotlib.figure import Figure

    from interactive_hpo.plots.export import draw_step

    draw_step(zdt_study(), 1, Figure(), reference=[HUGE, 1.0])


def panel_reference():
    from interactive_hpo.ui.pareto_panel import ParetoPanel

    ParetoPanel(zdt_study().goals).set_reference([HUGE, 1.0])


@pytest.mark.parametrize("call, parameter", [
    (pareto_values, "values"), (pareto_reference, "reference"), (pareto_losses, "losses"),
    (max_hypervolume, "reference"), (partial_dependence_map, "mean"), (hyperparameter_path, "values"),
    (race_reference, "reference"), (export_reference, "reference"), (panel_reference, "reference"),
])
def test_an_int_past_a_floats_range_is_refused_naming_the_parameter(call, parameter):
    with pytest.raises(InvalidParameterError, match=f"^`{parameter}` of "):
        call()
