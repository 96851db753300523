"""The what-if panel: other acquisition, beta, kernel or lengthscales, shown at once, committed by Step."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import re  # noqa: E402

import numpy as np  # noqa: E402
import pytest  # noqa: E402

from interactive_hpo import (  # noqa: E402
    Categorical,
    Float,
    Int,
    InvalidParameterError,
    SearchExhausted,
    SearchSpace,
    Study,
)
from interactive_hpo.plots import axis_positions  # noqa: E402
from interactive_hpo.ui import Lab  # noqa: E402

from .lab_helpers import FAST, LINE, lab_after, quad  # noqa: E402

GRID = LINE.slice1d("x", resolution=200)



@pytest.fixture
def lab():
    return lab_after(quad, LINE, 5, seed=1, optimizer_settings=FAST)


def marker(lab):
    return lab.surrogate_panel.curve.markers[0].get_xdata()[0]


def test_a_what_if_moves_the_proposal_and_the_surfaces_without_touching_the_study(lab):
    optimizer, n = lab.study.optimizer, len(lab.study.trials)
    panel = lab.what_if
    panel.active.value = True
    panel.acquisition.value = "ucb"
    panel.beta.value = 9.0
    expected = optimizer.propose(acquisition="ucb", beta=9.0).x
    assert marker(lab) == pytest.approx(axis_positions(GRID.axis, expected[:1])[0])
    assert "What if acquisition=ucb, beta=9" in panel.caption.value
    assert lab.study.optimizer is optimizer and optimizer.acquisition == "logei" and len(lab.study.trials) == n
    assert not lab.errors.errors


def test_scaling_the_lengthscales_redraws_mean_and_std_from_the_edited_model(lab):
    lab.what_if.active.value = True
    lab.what_if.lengthscale.value = 4.0
    edited = lab.study.surrogate(lengthscale_scale=4.0).predict(GRID.points)
    np.testing.assert_allclose(lab.surrogate_panel.curve.mean_line.get_ydata(), edited.mean)
    assert not np.allclose(edited.mean, lab.study.surrogate().predict(GRID.points).mean)
    before = lab.study.optimizer
    lab.step()   # the lengthscales are a thought experiment: nothing to commit
    assert lab.study.optimizer is before and not lab.what_if.active.value


def test_step_commits_the_settings_of_the_what_if(lab):
    lab.what_if.active.value = True
    lab.what_if.acquisition.value = "ucb"
    lab.what_if.beta.value = 9.0
    trial = lab.step()
    optimizer = lab.study.optimizer
    assert (optimizer.acquisition, optimizer.beta, optimizer.n_initial) == ("ucb", 9.0, 3)
    assert trial.user_attrs["acquisition"] == "ucb" and not lab.what_if.active.value
    assert lab.optimizer_panel.fields["acquisition"].value == "ucb"


def test_a_step_committing_a_what_if_redraws_the_model_once(lab, monkeypatch):
    # It redrew three times (1.3-2.1 s at 110 trials): for the switch, the what-if turned off, the trial.
    draws = []  # what each redraw drew: the trials then, the optimizer's acquisition then
    update = lab.surrogate_panel.update
    monkeypatch.setattr(lab.surrogate_panel, "update", lambda *args, **options: (
        draws.append((len(lab.study.trials), lab.study.optimizer.acquisition)), update(*args, **options)))
    lab.what_if.active.value = True
    lab.what_if.acquisition.value = "ucb"
    n, draws[:] = len(lab.study.trials), []
    lab.step()
    assert draws == [(n + 1, "ucb")] and not lab.errors.errors  # once, after the trial
    draws.clear()
    lab.step()  # a plain Step: once, as before
    assert draws == [(n + 2, "ucb")]


def test_a_held_step_s_redraw_error_goes_to_the_log_and_holds_nest(lab, monkeypatch):
    # The redraw at the hold's end raised out of lab.step() after its trial was told (r321); an
    # inner hold ended the outer one and dropped the redraw it had been asked for.
    n = len(lab.study.trials)
    monkeypatch.setattr(lab.history_panel, "update", lambda *args, **options: 1 / 0)
    done = lab.step()
    assert done.number == n and isinstance(lab.errors.errors[-1], ZeroDivisionError)
    monkeypatch.undo()
    draws = []
    monkeypatch.setattr(lab, "_show_status", lambda: draws.append(1))
    with lab._one_redraw():
        lab.refresh()
        with lab._one_redraw():
            pass
        assert draws == []
    assert draws == [1]


def test_only_the_settings_the_acquisition_reads_are_offered_said_and_committed(lab):
    # ucb with beta 5, then pi: the caption said "What if acquisition=pi, beta=5" and Step committed beta 5 with pi.
    panel = lab.what_if
    assert panel.xi.disabled and panel.acquisition.disabled and not panel.active.disabled  # unticked: the box only
    panel.active.value = True
    assert panel.beta.disabled and not panel.xi.disabled  # log-EI reads xi, not beta
    panel.acquisition.value = "ucb"
    panel.beta.value = 5.0
    assert not panel.beta.disabled and panel.xi.disabled
    assert "What if acquisition=ucb, beta=5:" in panel.caption.value
    panel.acquisition.value = "pi"
    assert panel.beta.disabled and not panel.xi.disabled
    assert "What if acquisition=pi:" in panel.caption.value and panel.settings_changed() == {"acquisition": "pi"}
    panel.acquisition.value = "thompson"  # reads neither
    assert panel.beta.disabled and panel.xi.disabled
    panel.acquisition.value = "pi"
    lab.step()
    assert (lab.study.optimizer.acquisition, lab.study.optimizer.beta) == ("pi", 2.0) and not lab.errors.errors


def test_with_constraints_only_xi_is_offered_as_constrained_log_ei_reads_nothing_else():
    # It greyed out xi, which still moved the proposal, and committed the acquisition and beta, which did not.
    from interactive_hpo import Evaluation

    lab = lab_after(lambda p: Evaluation(quad(p), constraints=[p["x"] - 1.0]), LINE, 5, seed=1,
                    optimizer_settings={**FAST, "acquisition": "ucb"})
    panel = lab.what_if
    assert "constrained log-EI" in panel.note.value
    panel.active.value = True
    assert panel.acquisition.disabled and panel.beta.disabled and not panel.xi.disabled
    panel.acquisition.value, panel.beta.value, panel.xi.value = "pi", 5.0, 0.5
    assert panel.settings_changed() == {"xi": 0.5} and not lab.errors.errors


def test_back_to_current_resets_every_control(lab):
    panel = lab.what_if
    panel.active.value = True
    panel.kernel.value = "rbf"
    panel.lengthscale.value = 0.5
    panel.reset_button.click()
    assert panel.overrides() == {} and panel.kernel.value == "matern"


def test_the_panel_hides_for_optimizers_without_a_model():
    lab = Lab(quad, space=LINE, optimizer="random", seed=0)
    lab.run(2)
    assert lab.what_if.widget.layout.display == "none"


def test_a_beta_above_two_is_shown_as_it_is_and_not_committed_by_a_step():
    """The beta slider is a FloatLogSlider, whose min and max are exponents: the panel clamped a
    beta of 9 to 2, and ticking "what if" then Step set beta = 2 without the user touching it."""
    lab = Lab(quad, space=LINE, seed=1, optimizer_settings={**FAST, "acquisition": "ucb", "beta": 9.0})
    lab.run(4)
    panel = lab.what_if
    assert panel.beta.value == pytest.approx(9.0)
    panel.active.value = True
    assert panel.settings_changed() == {}
    panel.beta.value = 10 ** 0.95  # the browser's echo of 9 snapped to the slider's step
    assert panel.settings_changed() == {}
    lab.step()
    assert lab.study.optimizer.beta == 9.0
    panel.active.value = True
    panel.beta.value = 20.0  # the user's move
    assert panel.settings_changed() == {"beta": 20.0}


def test_the_controller_states_the_present_belief_under_a_what_if():
    """The Lab reads what the Model tab shows from the controller, in plain records."""
    from interactive_hpo.ui.controller import LabController

    study = Study(LINE, "bo", seed=1, optimizer_settings=FAST)  # the ``lab`` fixture's, without the Lab's widgets
    study.run(quad, n_trials=5, progress=False)
    controller = LabController(study, quad)
    history = study.history()
    usual = controller.present(history)
    assert usual.view is not None and usual.usual_proposal is None and usual.caption == ""
    what_if = controller.present(history, {"acquisition": "ucb", "beta": 9.0})
    np.testing.assert_array_equal(what_if.usual_proposal, usual.proposal)
    np.testing.assert_array_equal(what_if.proposal, study.optimizer.propose(acquisition="ucb", beta=9.0).x)
    assert len(study.trials) == 5  # nothing evaluated


@pytest.mark.parametrize("start_over", [
    lambda lab: lab.reset_button.click(),
    lambda lab: lab.controller.set_space(SearchSpace([Float("x", -1.5, 2.0)])),  # the Search space tab's Apply
    lambda lab: lab.fork(),
], ids=["reset", "space edit", "fork"])
def test_another_study_starts_without_the_what_if(lab, start_over):
    # After Reset the what-if stayed ticked (UCB, beta 9) and the next Run committed it to the new study.
    panel = lab.what_if
    panel.active.value = True
    panel.acquisition.value = "ucb"
    panel.beta.value = 9.0
    start_over(lab)
    assert not panel.active.value and panel.overrides() == {} and panel.acquisition.value == "logei"
    assert panel.caption.value == "" and not lab.errors.errors
    lab.run(4)
    assert lab.study.optimizer.acquisition == "logei"


def used_up_lab(folder):
    """A Lab over a BO journaled in ``folder`` that has evaluated every configuration of its space
    (4 of them), with a what-if ticked (UCB), and its journal's path."""
    space = SearchSpace([Categorical("k", ["a", "b"]), Int("n", 1, 2)])
    study = Study(space, "bo", seed=0, storage=folder / "study.jsonl", optimizer_settings=FAST)

    def objective(params):
        return params["n"] + (params["k"] == "a")

    study.run(objective, n_trials=4, progress=False)
    lab = Lab(study, objective)
    assert not lab.controller.can_step
    lab.what_if.active.value = True
    lab.what_if.acquisition.value = "ucb"
    return lab, folder / "study.jsonl"


def what_if_held(lab, journal, before, n_trials):
    """True when ``lab`` still has its 4 trials (``n_trials``), the what-if of UCB ticked and not
    committed, and its ``journal`` reads ``before``: what a refused Step or Run leaves."""
    return (lab.study.optimizer.settings()["acquisition"] == "logei" and lab.what_if.active.value
            and lab.what_if.settings_changed() == {"acquisition": "ucb"} and len(lab.study.trials) == n_trials
            and journal.read_bytes() == before)


@pytest.fixture(scope="module")
def refusing_lab(tmp_path_factory):
    """``used_up_lab``, shared by tests of actions it refuses (a refusal changes nothing: each test
    checks that it is as built before it starts), and its journal's bytes as built."""
    lab, journal = used_up_lab(tmp_path_factory.mktemp("used_up"))
    return lab, journal, journal.read_bytes()


@pytest.fixture
def used_up(refusing_lab):
    lab, journal, before = refusing_lab
    assert what_if_held(lab, journal, before, 4), "a test before this one changed the shared Lab"
    return lab, journal


@pytest.mark.parametrize("action", [lambda lab: lab.step(), lambda lab: lab.run(3)], ids=["step", "run"])
def test_a_step_or_run_with_nothing_left_to_propose_is_refused_before_it_commits_the_what_if(used_up, action):
    # The refused Step switched the optimizer to the what-if's UCB first (a "switched" line in the
    # journal), and the Run did so too, then ran nothing and said nothing.
    lab, journal = used_up
    before = journal.read_bytes()
    with pytest.raises(SearchExhausted, match="GaussianProcessBO has nothing left to propose"):
        action(lab)
    assert lab.study.optimizer.settings()["acquisition"] == "logei" and lab.what_if.active.value
    assert lab.what_if.settings_changed() == {"acquisition": "ucb"}
    assert journal.read_bytes() == before


@pytest.fixture(scope="module")
def counting_lab(tmp_path_factory):
    """A Lab over 4 trials of a journaled BO with a what-if ticked (UCB), its journal and the
    journal's bytes as built: shared by the refused counts (each test checks it is as built)."""
    journal = tmp_path_factory.mktemp("counts") / "study.jsonl"
    study = Study(LINE, "bo", seed=1, storage=journal, optimizer_settings=FAST)
    study.run(quad, n_trials=4, progress=False)
    lab, before = Lab(study, quad), journal.read_bytes()
    lab.what_if.active.value = True
    lab.what_if.acquisition.value = "ucb"
    return lab, journal, before


@pytest.mark.parametrize("count", ["x", -1, 2.5, None])
def test_a_run_of_a_bad_count_is_refused_before_it_commits_the_what_if(counting_lab, count):
    # lab.run("x") switched the optimizer to the what-if's UCB (a "switched" line in the journal),
    # then the count was refused.
    lab, journal, before = counting_lab
    assert what_if_held(lab, journal, before, 4), "a test before this one changed the shared Lab"
    with pytest.raises(InvalidParameterError, match=re.escape(f"`n_trials` of Lab.run must be an int in [0, inf); "
                                                              f"got {count!r}")):
        lab.run(count)
    assert lab.study.optimizer.settings()["acquisition"] == "logei" and lab.what_if.active.value
    assert journal.read_bytes() == before and len(lab.study.trials) == 4
    assert not lab.run_button.disabled and lab.stop_button.disabled


def test_a_what_if_with_nothing_left_to_propose_redraws_the_model_and_says_why_no_proposal_moves(tmp_path):
    # Each change of the what-if put "SearchExhausted: GaussianProcessBO has nothing left to propose"
    # in the error log.
    lab, _ = used_up_lab(tmp_path)  # its own: it changes the what-if
    lab.what_if.kernel.value = "rbf"
    assert not lab.errors.errors
    assert "nothing left to propose" in lab.what_if.note.value and lab.what_if.caption.value == ""

