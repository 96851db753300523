"""A journal replays to the promotions it recorded, whatever the rule says when it is loaded.

The journals here are written under the rule before 94d879b (a job without constraints, in a
constrained study, counted as feasible; now it is of unknown feasibility and ranks after the
others), so their rung-1 jobs are not the ones the current rule would pick (review r186 M3).
"""

from __future__ import annotations

import pytest

from interactive_hpo import Float, InvalidParameterError, SearchSpace, Study, SuccessiveHalving
from interactive_hpo.optimizers import feasibility
from interactive_hpo.optimizers.multifidelity import halving
from interactive_hpo.study.branching import fork_study, remap_study
from interactive_hpo.trial import Evaluation

SPACE = SearchSpace([Float("x", 0, 1), Float("y", 0, 1)])
SETTINGS = {"min_budget": 1, "max_budget": 9}


def sometimes(params, budget=None):
    """Reports no constraints for x < 0.3: feasible under the old rule, unknown under the new."""
    x = params["x"]
    return Evaluation(x + params["y"], constraints=None if x < 0.3 else [0.7 - x])


def old_rule(constraints):
    return 0.0 if constraints is None else feasibility.violation_of(constraints)


def table(study_or_scheduler):
    """The rung table, without the column the rule change changes (a job without constraints:
    violation 0 then, NaN now)."""
    optimizer = getattr(study_or_scheduler, "optimizer", study_or_scheduler)
    rows = [{k: v for k, v in row.items() if k != "violation"} for row in optimizer.rung_table()]
    return sorted(rows, key=lambda row: (row["bracket"], row["rung"], row["config"]))


def rung_configs(study, rung):
    return [t.user_attrs["config"] for t in study.trials if t.user_attrs["rung"] == rung]


@pytest.fixture(scope="module")
def old_journals(tmp_path_factory):
    """Journals of 10 and 13 trials (a first rung-1 job; the whole first bracket) per scheduler,
    written under the old rule, with the written study's rung table."""
    written = {}
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(halving, "violation_of", old_rule)
        for name in ("halving", "hyperband"):
            for n_trials in (10, 13):
                path = tmp_path_factory.mktemp("old") / f"{name}{n_trials}.jsonl"
                study = Study(SPACE, name, seed=3, optimizer_settings=SETTINGS, storage=path)
                study.run(sometimes, n_trials=n_trials, progress=False)
                written[name, n_trials] = path, study
    return written


def test_the_old_rule_promoted_others_than_the_current_one(old_journals):
    now = Study(SPACE, "halving", seed=3, optimizer_settings=SETTINGS)
    now.run(sometimes, n_trials=12, progress=False)
    assert sorted(rung_configs(old_journals["halving", 13][1], 1)) == [0, 2, 5]
    assert sorted(rung_configs(now, 1)) == [1, 4, 6]


@pytest.mark.parametrize("name", ["halving", "hyperband"])
def test_a_journal_replays_to_the_state_it_recorded(old_journals, name):
    path, written = old_journals[name, 13]
    # Before: rung 0 said "stop" for configs 0, 2 and 5 that ran at rung 1, and rung 1 held 6.
    assert table(Study.load(path)) == table(written)


@pytest.mark.parametrize("name", ["halving", "hyperband"])
def test_a_recorded_promotion_stands_and_the_rule_makes_the_rest(old_journals, name):
    path, written = old_journals[name, 10]
    assert rung_configs(written, 1) == [0]
    resumed = Study.load(path)
    rows = {(row["rung"], row["config"]): row for row in table(resumed)}
    promoted = sorted(config for (rung, config), row in rows.items() if rung == 0 and row["scheduler"] == "promote")
    # Config 0 (trial 9) as recorded, then the current rule's best two; before: 0 "stop", 1, 6, 4 queued.
    assert promoted == sorted(config for rung, config in rows if rung == 1) == [0, 1, 6]
    resumed.run(sometimes, n_trials=3, progress=False)
    assert sorted(rung_configs(resumed, 1)) == [0, 1, 6] and len(rung_configs(resumed, 2)) == 1


def test_promotions_told_before_their_rung_completes_count_among_those_it_keeps(old_journals):
    """A scheduler told a rung-1 job while rung 0 is still running keeps that promotion when the
    rung decides, and the two others it learns afterwards: the state the study recorded."""
    written = old_journals["halving", 13][1]
    trials = sorted(written.trials, key=lambda t: t.number)
    early = [*trials[:8], trials[9], trials[8], *trials[10:]]  # config 0 at rung 1 before the last of rung 0
    scheduler = SuccessiveHalving(SPACE, **SETTINGS, seed=0)
    for trial in early:
        scheduler.tell(trial, trial.value)
    assert table(scheduler) == table(written)


@pytest.mark.parametrize(("name", "n_trials"), [("halving", 3), ("halving", 9), ("asha", 3), ("asha", 9)])
def test_a_job_another_process_is_running_is_not_handed_out_again(tmp_path, name, n_trials):
    """A study loaded while another (alive) runs a job of its journal: that job's configuration
    number and promotion are taken, as other optimizers take a running trial's point. Before, the
    second study started the same promotion again (halving after 9, asha after 3) or numbered a
    new configuration as the running one (config 3 twice, for two points)."""
    first = Study(SPACE, name, seed=0, optimizer_settings=SETTINGS, storage=tmp_path / "s.jsonl")
    first.run(sometimes, n_trials=n_trials, progress=False)
    running = first.ask()
    second = Study.load(tmp_path / "s.jsonl")
    assert second.ask().user_attrs["config"] != running.user_attrs["config"]


def test_a_journal_of_a_scheduler_with_one_rung_opens_with_a_warning(tmp_path):
    # Refused since 2026-12-07 where a person types it, such a scheduler was written by earlier
    # versions: loading said "line 1: ... The file is corrupted or was edited by hand".
    path = tmp_path / "one_rung.jsonl"
    Study(SPACE, "hyperband", seed=0, storage=path,
          optimizer_settings={"min_budget": 1 / 3}).run(lambda p, budget=None: p["x"], n_trials=3, progress=False)
    lines = path.read_text().splitlines(keepends=True)
    path.write_text(lines[0].replace('"min_budget":0.3333333333333333', '"min_budget":0.5') + "".join(lines[1:]))
    with pytest.warns(UserWarning, match=r"Hyperband: this journal's scheduler has one rung, \[1\] \(min_budget=0.5 "):
        study = Study.load(path)
    assert study.optimizer.budgets == [1.0] and len(study.trials) == 3
    study.run(lambda p, budget=None: p["x"], n_trials=1, progress=False)
    study.add_manual({"x": 0.5, "y": 0.5}, 1.0)
    study.undo_manual()  # rebuilds the optimizer from its settings: it refused them, after the undo was written
    assert len(study.trials) == 4 and Study.load(path).optimizer.budgets == [1.0]
    assert fork_study(study, 2).study.optimizer.budgets == [1.0]  # carried as they are
    assert remap_study(study, SearchSpace([Float("x", 0, 0.5)])).study.optimizer.budgets == [1.0]  # (r198)
    with pytest.raises(InvalidParameterError, match="`min_budget` of Hyperband must be at most"):
        Study(SPACE, "hyperband", seed=0, optimizer_settings={"min_budget": 0.5})  # typed: refused still
