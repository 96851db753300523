"""A seed among the optimizer's settings is refused where a person types it (Study, Lab,
switch_optimizer): it overrode ``seed`` unseen. A fork, which keeps the optimizer of then seed and
all, and journals recording a seed in the optimizer's settings still open and replay."""

from __future__ import annotations

import json

import pytest

from interactive_hpo import Float, Int, InvalidParameterError, SearchSpace, Study, make_optimizer
from interactive_hpo.study.branching import fork_study

SPACE = SearchSpace([Float("x", 0.0, 1.0), Int("n", 1, 5)])


def _loss(params):
    return params["x"] + params["n"] / 10


@pytest.mark.parametrize("seed", [5, None])
def test_study_refuses_a_seed_among_its_optimizer_settings(seed):
    with pytest.raises(InvalidParameterError, match=r"`optimizer_settings` of Study must be settings without 'seed' .*"
                                                    r"got \{'seed': 3\}\. .*pass seed=3 instead\."):
        Study(SPACE, "random", seed=seed, optimizer_settings={"seed": 3})


@pytest.mark.parametrize("typed", [{"seed": 3}, {"optimizer_settings": {"seed": 3}}])
def test_switch_optimizer_refuses_a_seed_and_says_how_to_choose_one(typed):
    study = Study(SPACE, "random", seed=5)
    with pytest.raises(InvalidParameterError, match=r"of Study\.switch_optimizer must be settings without 'seed' .*"
                                                    r"switch_optimizer\(make_optimizer\('sobol', study\.space, "
                                                    r"seed=3\)\)"):
        study.switch_optimizer("sobol", **typed)
    assert study.optimizer.name == "random" and study.state.n_optimizers == 1  # nothing changed
    study.switch_optimizer(make_optimizer("sobol", SPACE, seed=3))  # the way the message gives
    assert study.optimizer.settings()["seed"] == 3


def test_lab_refuses_a_seed_among_its_optimizer_settings():
    pytest.importorskip("ipywidgets")
    from interactive_hpo.ui import Lab

    with pytest.raises(InvalidParameterError, match=r"`optimizer_settings` of Lab must be settings without 'seed'"):
        Lab(_loss, space=SPACE, optimizer="random", seed=1, optimizer_settings={"seed": 3})


def test_a_fork_keeps_its_optimizer_seed_and_its_journal_replays(tmp_path):
    study = Study(SPACE, "random", seed=0, storage=tmp_path / "main.jsonl")
    study.run(_loss, n_trials=4, progress=False)
    study.switch_optimizer("sobol")  # its seed drawn from the study's seed and its place (1)
    study.run(_loss, n_trials=3, progress=False)
    sobol_seed = study.optimizer.settings()["seed"]
    branch = fork_study(study, 6, optimizer_settings={"scramble": True}, storage=tmp_path / "fork.jsonl").study
    assert branch.optimizer.settings()["seed"] == sobol_seed and branch.seed == study.seed
    header = json.loads((tmp_path / "fork.jsonl").read_text().splitlines()[0])
    assert header["optimizer"]["settings"]["seed"] == sobol_seed  # recorded: Study.load rebuilds it so
    branch.save(tmp_path / "copy.jsonl")
    reopened = Study.load(tmp_path / "copy.jsonl")
    assert reopened.optimizer.settings() == branch.optimizer.settings()
    assert [reopened.ask().params for _ in range(3)] == [branch.ask().params for _ in range(3)]
    assert Study.load(tmp_path / "main.jsonl").optimizer.settings()["seed"] == sobol_seed
    with pytest.raises(InvalidParameterError, match=r"^`optimizer_settings` of fork_study must be settings without "
                                                    r"'seed'"):
        fork_study(study, 6, optimizer_settings={"seed": 3})


def test_a_study_built_inside_the_package_is_refused_a_seed_too():
    """The refusal held only for calls from outside the package (a call-stack check), so a
    study another part of the package built from a person's settings passed their seed on."""
    from interactive_hpo.ui.lab_goals import study_from

    with pytest.raises(InvalidParameterError, match=r"`optimizer_settings` of Study must be settings without 'seed'"):
        study_from(_loss, None, None, "random", 1, {"seed": 3}, None, SPACE, None, None, None)


def test_a_fork_s_refusal_says_how_to_choose_a_seed():
    """It said "pass seed=3 instead", and fork_study, remap_study and Lab.fork have no seed (r438)."""
    study = Study(SPACE, "random", seed=0)
    study.run(_loss, n_trials=3, progress=False)
    with pytest.raises(InvalidParameterError) as error:
        fork_study(study, 1, optimizer_settings={"seed": 3})
    assert "pass seed=" not in str(error.value) and "optimizer=make_optimizer(name, study.space, seed=...)" in \
        str(error.value)
    pytest.importorskip("ipywidgets")
    from interactive_hpo.ui import Lab

    lab = Lab(study, _loss)
    with pytest.raises(InvalidParameterError, match=r"^`settings` of Lab\.fork must be settings without 'seed'; got "
                                                    r"\{'seed': 3\}\. A branch goes on with the seed"):
        lab.fork(1, "random", {"seed": 3})
