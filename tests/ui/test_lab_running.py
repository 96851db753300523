"""While a run steps the study in the background, nothing may put another study in its place."""

from __future__ import annotations

import asyncio
import os
import signal
import time

import matplotlib

matplotlib.use("Agg")

import pytest  # noqa: E402

from interactive_hpo import InvalidParameterError, Study, TrialStateError  # noqa: E402
from interactive_hpo.ui import Lab, lab_controls  # noqa: E402

from .lab_helpers import FAST, LINE, quad  # noqa: E402


def fork_button(lab):
    lab.timeline.fork_button.click()


def other_branch(lab):
    lab.timeline.branch.value = "fork@2"


def edited_space(lab):
    lab.space_editor.rows[0].high.value = "3"
    lab.space_editor.apply.click()


def reset(lab):
    lab.controller.reset()  # the button is disabled during a run; from code, the controller refuses


# Where each action's refusal shows: a control's under its row (ErrorLog.spot), code's atop the Lab.
SHOWN_AT = {fork_button: lambda lab: lab.timeline.fork_error, other_branch: lambda lab: lab.timeline.fork_error,
            edited_space: lambda lab: lab.space_editor.apply_error, reset: lambda lab: lab.errors.widget}


@pytest.mark.parametrize("action", [fork_button, other_branch, edited_space, reset])
def test_a_run_in_progress_stays_on_its_study(action):
    # Looking at another branch in the middle of a run moved the rest of the run to that branch
    # (and a fork or a space edit to the new study), silently: the main line stopped short.
    lab = Lab(quad, space=LINE, optimizer="random", seed=0)
    lab.run(2)
    lab.fork()
    lab.switch_branch("main")
    main = lab.study

    async def act_during_the_run():
        task = asyncio.ensure_future(lab._run_in_background(10))
        while len(main.trials) < 5:
            await asyncio.sleep(0)
        assert lab.timeline.fork_button.disabled and lab.timeline.branch.disabled
        try:
            action(lab)
        except TrialStateError as error:
            lab.errors.show(error)  # from code it raises; here it stands for what a button shows
        await task

    asyncio.run(act_during_the_run())
    assert lab.study is main and lab.branch_name == "main" and len(main.trials) == 12
    assert list(lab.branches) == ["main", "fork@2"] and len(lab.branches["fork@2"].trials) == 2
    shown = SHOWN_AT[action](lab).value
    assert "while a run is in progress" in shown and "Click Stop" in shown
    assert not lab.timeline.fork_button.disabled and not lab.timeline.branch.disabled
    lab.timeline.branch.value = "fork@2"  # after the run: as before
    assert lab.study is lab.branches["fork@2"]


def test_an_action_refused_after_stop_says_the_run_is_stopping():
    # Stop lets the trial in progress finish; an Apply clicked meanwhile was refused with "Click
    # Stop (...), then try again", to someone who had just clicked Stop.
    lab = Lab(quad, space=LINE, optimizer="random", seed=0)

    async def stop_then_apply():
        task = asyncio.ensure_future(lab._run_in_background(10))
        while len(lab.study.trials) < 2:
            await asyncio.sleep(0)
        lab.stop_button.click()
        edited_space(lab)  # before the run has had its turn to stop
        await task

    asyncio.run(stop_then_apply())
    shown = lab.space_editor.apply_error.value  # under Apply, where the user clicked
    assert "The run is stopping" in shown and "Click Stop" not in shown
    edited_space(lab)  # once it has stopped, as asked
    assert lab.study.space["x"].high == 3.0 and len(lab.study.trials) == 2


def test_kernel_interrupt_reaches_a_trial_of_a_background_run():
    # ipykernel ignores SIGINT between messages, and a background Run's trials run between
    # messages: Kernel -> Interrupt did nothing, and a hung objective held the kernel for good.
    def interrupted_at_the_third(params):
        calls.append(params)
        if len(calls) == 3:
            os.kill(os.getpid(), signal.SIGINT)  # what Kernel -> Interrupt sends
            time.sleep(5)  # a long trial: the interrupt ends it at once
        return quad(params)

    calls: list = []
    lab = Lab(interrupted_at_the_third, space=LINE, optimizer="random", seed=0)
    ignored = signal.signal(signal.SIGINT, signal.SIG_IGN)  # as ipykernel has it between messages
    try:
        asyncio.run(lab._run_in_background(10))
        assert signal.getsignal(signal.SIGINT) is signal.SIG_IGN  # put back after the run
    finally:
        signal.signal(signal.SIGINT, ignored)
    assert [t.state.value for t in lab.study.trials] == ["COMPLETE", "COMPLETE", "FAILED"]
    assert lab.study.trials[2].error == "interrupted by the user (KeyboardInterrupt)"
    assert "Interrupt ended the run" in lab.errors.widget.value and not lab.controller.running
    assert lab.stop_button.disabled and not lab.run_button.disabled  # the buttons are back


def test_an_objective_no_trial_could_call_is_refused_by_the_lab_not_failed_trial_by_trial():
    # The Lab calls the objective through a wrapper (so that an edited space still accepts it);
    # the study's checks read the person's objective through it.
    with pytest.raises(InvalidParameterError, match=r"`objective` of Lab must be a callable objective\(params\)"):
        Lab(Study(LINE, "random", seed=0), lambda: 1.0)
    lab = Lab(Study(LINE, "random", seed=0), quad)
    # A scheduler for an objective without `budget`: refused by the switch (it was accepted, and every
    # Step after it refused), the study still with its optimizer and stepping.
    with pytest.raises(InvalidParameterError, match="`optimizer` of Lab.switch_optimizer must be an optimizer that "
                                                    "runs the objective without a budget; got 'asha'"):
        lab.controller.switch_optimizer("asha", {"min_budget": 1 / 9})
    with pytest.raises(InvalidParameterError, match="`optimizer` of Lab.fork must be"):
        lab.fork(0, "hyperband")
    with pytest.raises(InvalidParameterError, match=r"`optimizer` of Lab.fork must be one of \['asha'"):
        lab.fork(0, "magic")  # the fork's own check named fork_study, which the person never called
    # Named Study.switch_optimizer, where a settings typo in the same call named Lab.switch_optimizer.
    with pytest.raises(InvalidParameterError, match=r"^`optimizer` of Lab.switch_optimizer must be one of \['asha'.*"
                                                    r"; got 'baysian'\. Did you mean 'bo'\?$"):
        lab.controller.switch_optimizer("baysian")
    # A keyword the optimizer does not take: named as the person typed it (fork_study's argument
    # is `optimizer_settings`, the study's switch is Study.switch_optimizer), the in-charge
    # optimizer's keywords checked when none is named.
    for call, owner in [(lambda: lab.fork(0, "sobol", {"bogus": 1}), "Lab.fork"),
                        (lambda: lab.fork(0, None, {"bogus": 1}), "Lab.fork"),
                        (lambda: lab.controller.switch_optimizer("sobol", {"bogus": 1}), "Lab.switch_optimizer"),
                        (lambda: lab.controller.change_settings({"bogus": 1}), "Lab.change_settings")]:
        with pytest.raises(InvalidParameterError, match=rf"`settings` of {owner} must be keywords among .*'bogus'"):
            call()
    assert lab.study.optimizer.name == "random" and list(lab.branches) == ["main"]
    lab.step()
    assert [t.state.value for t in lab.study.trials] == ["COMPLETE"]


def test_an_optimizer_without_budgets_is_refused_for_an_objective_that_requires_one():
    def needs_budget(params, *, budget):
        return (params["x"] - 1.0) ** 2 / budget

    lab = Lab(Study(LINE, "asha", seed=0), needs_budget)
    assert lab.optimizer_panel.choice.options == ("asha", "halving", "hyperband")  # only what it can run
    with pytest.raises(InvalidParameterError, match="`optimizer` of Lab.switch_optimizer must be a multi-fidelity "
                                                    "scheduler"):
        lab.controller.switch_optimizer("sobol")
    assert lab.study.optimizer.name == "asha"


def test_a_second_run_click_in_a_kernel_is_refused_before_it_commits_the_what_if(monkeypatch):
    # The second click committed the what-if (UCB) into the running study, then was refused.
    lab = Lab(quad, space=LINE, seed=0, optimizer_settings=FAST)
    lab.run(3)  # a model to ask a what-if of
    lab.n_trials.value = 6

    async def click_run_twice():
        monkeypatch.setattr(lab_controls, "kernel_loop", asyncio.get_running_loop)  # what a kernel gives
        lab.run_button.click()
        while len(lab.study.trials) < 4:
            await asyncio.sleep(0)
        lab.what_if.active.value = True
        lab.what_if.acquisition.value = "ucb"
        lab.run_button.click()  # from code, or a click the browser sent before the button greyed out
        await lab._task

    asyncio.run(click_run_twice())
    assert "Run is not possible while a run is in progress" in str(lab.errors.errors[-1])
    assert lab.study.optimizer.settings()["acquisition"] == "logei" and lab.what_if.active.value
    assert len(lab.study.trials) == 9


def test_evaluate_in_your_trials_is_off_and_says_why_for_an_objective_that_requires_a_budget():
    # Every click was refused ("`objective` ... budget"), with nothing on the tab to say it would be.
    def needs_budget(params, *, budget):
        return (params["x"] - 1.0) ** 2 / budget

    lab = Lab(Study(LINE, "asha", seed=0), needs_budget)
    panel = lab.manual_panel
    assert panel.evaluate.disabled and "requires <code>budget</code>" in panel.evaluate_note.value
    assert not Lab(quad, space=LINE, seed=0).manual_panel.evaluate.disabled


def test_a_lab_run_waits_for_the_job_another_study_on_the_journal_runs(tmp_path, monkeypatch):
    """Halving on a shared journal, its rung's last job held by another study: the Lab's serial
    Run raised "SuccessiveHalving is waiting" at once, where Study.run waits for it (r348)."""
    import threading

    from interactive_hpo import Float, SearchSpace
    from interactive_hpo.study import waiting

    monkeypatch.setattr(waiting, "POLL_SECONDS", 0.02)
    space, settings = SearchSpace([Float("x", 0.0, 1.0)]), {"min_budget": 1, "max_budget": 9}
    path = tmp_path / "shared.jsonl"

    def objective(params, *, budget):
        return params["x"] / budget

    a = Study(space, "halving", seed=0, storage=path, optimizer_settings=settings)
    held = [a.ask() for _ in range(9)]
    for trial in held[:-1]:
        a.tell(trial, objective(trial.params, budget=trial.budget))
    lab = Lab(Study(space, "halving", seed=0, storage=path, optimizer_settings=settings), objective)
    b = lab.study
    assert b.optimizer.waiting  # built before the other study tells its job
    timer = threading.Timer(0.3, lambda: a.tell(held[-1], objective(held[-1].params, budget=held[-1].budget)))
    timer.start()
    done = lab.run(3)
    timer.join()
    assert len(done) == 3 and b.trials[8].state.value == "COMPLETE" and all(t.number > 8 for t in done)
