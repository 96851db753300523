"""The Optimizer tab over a study whose optimizer is not a registered one."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import pytest  # noqa: E402

from interactive_hpo import Study  # noqa: E402
from interactive_hpo.optimizers.base import Optimizer, Suggestion  # noqa: E402
from interactive_hpo.ui import Lab  # noqa: E402

from .lab_helpers import LINE, quad  # noqa: E402


class Mine(Optimizer):
    """A user's own optimizer, as the extension interface allows, never registered."""

    name = "mine"

    def __init__(self, space, *, seed=None):
        super().__init__(space, seed=seed)

    def _ask(self, rng):
        return Suggestion(x=rng.random(self.space.dim))


def test_a_lab_opens_over_an_unregistered_optimizer_and_can_switch_away():
    # The dropdown refused the study's optimizer: Lab(study, objective) failed with a TraitError.
    lab = Lab(Study(LINE, Mine(LINE, seed=0), seed=0), quad)
    panel = lab.optimizer_panel
    assert panel.choice.value == "mine" and "mine" in panel.choice.options and not panel.fields
    assert "not a registered optimizer" in panel.widget.children[1].children[0].value
    lab.step_button.click()
    assert lab.study.trials[-1].source == "mine" and lab.status.value.endswith("optimizer: mine")
    assert panel.chosen() == ("mine", {})
    panel.choice.value = "random"
    panel.apply.click()
    assert lab.study.optimizer.name == "random" and "mine" not in panel.choice.options and not lab.errors.errors


def test_hypergradient_says_it_steps_only_on_the_gradients_the_objective_reports():
    # Offered for an objective reporting none, it evaluated its start at every Step, with a warning
    # shown once: nothing in the tab said what it needs.
    lab = Lab(quad, space=LINE, seed=0)
    panel = lab.optimizer_panel
    panel.choice.value = "hypergradient"
    shown = panel.widget.children[1].children[0].value
    assert "user_attrs['hypergradient']" in shown and "every Step evaluates its start again" in shown
    panel.choice.value = "random"
    assert all("hypergradient" not in str(getattr(field, "value", "")) for field in panel.widget.children[1].children)


def test_none_typed_in_an_optional_setting_is_none_not_the_string():
    # Typing None where the form shows "auto" sent the string 'None', which the optimizer refused.
    lab = Lab(quad, space=LINE, seed=0)
    panel = lab.optimizer_panel
    panel.choice.value = "cmaes"
    optional = next(name for name, field in panel.fields.items() if field.placeholder == "auto")
    panel.fields[optional].value = " None "
    assert panel.settings()[optional] is None and panel.chosen() == ("cmaes", {})


def test_a_lab_over_cmaes_imports_neither_torch_nor_botorch():
    # The Optimizer tab asked each registered optimizer whether it schedules budgets by importing
    # it, and built a form for "bo" first: 2 s of CPU in a kernel's first Lab().
    import json
    import subprocess
    import sys
    from pathlib import Path

    probe = ("import json, sys, matplotlib\nmatplotlib.use('Agg')\n"
             "from interactive_hpo.objectives import Branin\nfrom interactive_hpo.ui import Lab\n"
             "lab = Lab(Branin(), optimizer='cmaes', seed=0)\nlab.step()\n"
             "print(json.dumps([lab.optimizer_panel.choice.value, 'bo' in lab.optimizer_panel.choice.options,"
             " [m for m in ('torch', 'botorch', 'gpytorch') if m in sys.modules]]))")
    root = Path(__file__).resolve().parents[2]
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True, cwd=root)
    assert json.loads(out.stdout.splitlines()[-1]) == ["cmaes", True, []]


def test_the_optimizer_shown_first_is_a_name_and_its_settings():
    from interactive_hpo import InvalidParameterError
    from interactive_hpo.ui.optimizer_panel import OptimizerPanel

    assert OptimizerPanel(shown=("grid", {"resolution": 4})).fields["resolution"].value == 4
    with pytest.raises(InvalidParameterError, match="`shown` of OptimizerPanel must be None or \\(name, settings\\)"):
        OptimizerPanel(shown="grid")
