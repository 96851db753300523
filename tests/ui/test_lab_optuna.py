"""A Lab on an imported Optuna study: its GP is fitted on Optuna's trials, and Step goes on with
the Optuna objective (issue 29, item 3)."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import pytest  # noqa: E402

optuna = pytest.importorskip("optuna")
pytest.importorskip("botorch")

from interactive_hpo.interop import from_optuna, optuna_objective  # noqa: E402
from interactive_hpo.ui import Lab  # noqa: E402

from .lab_helpers import FAST  # noqa: E402

optuna.logging.set_verbosity(optuna.logging.WARNING)


def bowl(trial):
    a = trial.suggest_float("a", -1.0, 1.0)
    b = trial.suggest_float("b", 1e-3, 1.0, log=True)
    k = trial.suggest_categorical("k", ["u", "v"])
    trial.set_user_attr("k_is_v", k == "v")
    return (a - 0.3) ** 2 + (b - 0.1) ** 2 + (k == "v")


pytestmark = pytest.mark.usefixtures("one_torch_thread")


def test_the_lab_shows_the_gp_of_an_optuna_study_and_steps_it_on():
    theirs = optuna.create_study(sampler=optuna.samplers.TPESampler(seed=0))
    theirs.optimize(bowl, n_trials=6)
    lab = Lab(from_optuna(theirs, seed=0, optimizer_settings=FAST), optuna_objective(bowl))
    study = lab.study
    assert len(study.trials) == 6 and {t.source for t in study.trials} == {"optuna"}
    assert study.surrogate() is not None  # the GP is fitted on Optuna's trials
    panel = lab.surrogate_panel
    assert panel.message.value == "" and panel.pair == ("a", "b")
    assert len(panel.maps.points[0].get_offsets()) == 6  # Optuna's trials, drawn on the model's heatmap
    lab.step_button.click()
    assert len(study.trials) == 7 and study.trials[-1].source == "bo" and study.trials[-1].state.value == "COMPLETE"
    assert "k_is_v" in study.trials[-1].user_attrs  # what the Optuna objective stored
    assert lab.status.value.startswith("Trials: 7")


def test_a_lab_opens_an_optuna_study_directly():
    theirs = optuna.create_study(sampler=optuna.samplers.TPESampler(seed=1))
    theirs.optimize(bowl, n_trials=5)
    lab = Lab(theirs, bowl, seed=0, optimizer_settings=FAST)  # the Optuna study and its objective(trial), as they are
    assert [t.value for t in lab.study.trials] == [t.value for t in theirs.trials]
    lab.step_button.click()
    assert len(lab.study.trials) == 6 and "k_is_v" in lab.study.trials[-1].user_attrs
