"""Lab.close frees what the Lab made: every widget, and its hold on the study; a Reset or a new
search space closes the panels and forms it replaced."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import ipywidgets  # noqa: E402
import ipywidgets.widgets.widget as widget_module  # noqa: E402
import pytest  # noqa: E402

from interactive_hpo import Float, SearchSpace, Study, TrialStateError  # noqa: E402
from interactive_hpo.ui import Lab  # noqa: E402
from interactive_hpo.ui.closing import widgets_of  # noqa: E402

from .lab_helpers import LINE, quad  # noqa: E402


def open_widgets() -> set[str]:
    """The model ids of the widgets ipywidgets keeps (every widget made and not closed)."""
    return set(widget_module._instances)


def test_a_closed_lab_leaves_no_widget_open_and_no_longer_follows_its_study():
    # Re-running `lab = Lab(study, f)` kept the old Lab's widgets (about 380, 9 MB) and its
    # subscription: it redrew on each of the study's trials, behind the new one.
    study = Study(LINE, "random", seed=0)
    before = open_widgets()
    lab = Lab(study, quad)
    lab.run(2)
    lab.optimizer_panel.choice.value = "cmaes"  # another optimizer's form, then the first again
    lab.optimizer_panel.choice.value = "random"
    assert len(open_widgets() - before) > 100
    lab.close()
    assert open_widgets() - before == set()
    shown = lab.status.value
    study.run(quad, n_trials=2)  # the study goes on without it
    assert len(study.trials) == 4 and lab.status.value == shown


def test_a_closed_lab_refuses_every_action_and_says_how_to_open_its_study_again(tmp_path):
    lab = Lab(quad, space=LINE, optimizer="random", seed=0)
    lab.run(1)
    lab.controller.add_manual({"x": 0.5}, 1.0)
    lab.close()
    # Through its controller too: a trial of yours, an Undo, a switch of optimizer still changed the study.
    controller = lab.controller
    for action in (lab.step, lambda: lab.run(1), controller.reset, lambda: controller.evaluate({"x": 0.0}),
                   lambda: controller.add_manual({"x": 0.0}, 1.0), controller.undo,
                   lambda: controller.switch_optimizer("sobol"), lambda: controller.change_settings({"seed": 1}),
                   lambda: controller.set_space(lab.study.space), lambda: controller.override(0, "stop"),
                   lambda: controller.travel(0), lambda: lab.export(str(tmp_path / "closed.html"))):
        with pytest.raises(TrialStateError, match=r"this Lab was closed \(Lab.close\)\. Lab\(lab.study, objective\)"):
            action()
    assert len(lab.study.trials) == 2 and lab.study.optimizer.name == "random" and controller.viewing is None
    assert not list(tmp_path.iterdir())  # the closed Lab exported its steps
    again = Lab(lab.study, quad)
    again.step()
    assert len(again.study.trials) == 3


def test_switching_the_optimizer_form_closes_the_last_form_s_fields():
    lab = Lab(quad, space=LINE, optimizer="bo", seed=0)
    fields = list(lab.optimizer_panel.fields.values())
    lab.optimizer_panel.choice.value = "random"
    assert fields and all(field.comm is None for field in fields)


def test_a_reset_and_a_new_search_space_close_what_they_replaced():
    # A space edit left the last space's panels open (about 200 widgets), a Reset its forms.
    space = SearchSpace([Float("x", -2.0, 2.0), Float("y", -2.0, 2.0)])
    before = open_widgets()
    lab = Lab(lambda p: p["x"] ** 2 + p["y"] ** 2, space=space, optimizer="random", seed=0)
    lab.run(3)
    lab.controller.reset()
    lab.space_editor.load(SearchSpace([Float("x", -1.0, 1.0), Float("y", -2.0, 2.0)]))
    lab.space_editor.apply.click()
    assert lab.study.space != space and not lab.errors.errors
    assert len(open_widgets() - before) == len(widgets_of(lab))


class SliderObjective(ipywidgets.FloatSlider):
    """An objective that is a widget (it reads its own slider): the person's, not the Lab's."""

    def __call__(self, params):
        return (params["x"] - self.value) ** 2


def test_closing_leaves_what_the_person_passed_in_and_a_closed_lab_shows_a_line_saying_so():
    objective = SliderObjective(value=0.5, min=-2.0, max=2.0)
    lab = Lab(objective, space=LINE, optimizer="random", seed=0)
    lab.close()
    assert objective.comm is not None  # still shown where the person displayed it
    assert lab._repr_mimebundle_() == {
        "text/plain": "A closed Lab (Lab.close): Lab(lab.study, objective) opens its study again."}
    Lab(lab.study, objective).step()  # its study reopens with the same objective


def test_closing_during_a_run_ends_it_after_the_trial_in_progress():
    # The Run button's run, paused between its trials (where the kernel handles clicks).
    before = open_widgets()
    lab = Lab(quad, space=LINE, optimizer="random", seed=0)
    run = lab.controller.steps(5)
    next(run)
    lab.close()
    assert list(run) == [] and not lab.controller.running and len(lab.study.trials) == 1
    assert open_widgets() - before == set()

