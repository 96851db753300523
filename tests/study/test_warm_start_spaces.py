"""A warm-start source from a space without the parent of one of this space's conditions (an
old flat SVM study moved into a space with a kernel): the source's missing parameter is named,
as for a parameter added without a condition; it was a bare KeyError from inside (a442)."""

from __future__ import annotations

import pytest

from interactive_hpo import Categorical, Float, InvalidParameterError, SearchSpace, Study
from interactive_hpo.study.branching import remap_study

FLAT = SearchSpace([Float("C", 1e-3, 1e3, log=True), Float("gamma", 1e-4, 10.0, log=True)])
KERNELS = SearchSpace([Float("C", 1e-3, 1e3, log=True),
                       Float("gamma", 1e-4, 10.0, log=True, condition=("kernel", ["rbf"])),
                       Categorical("kernel", ["rbf", "linear"])])


@pytest.fixture(scope="module")
def flat():
    study = Study(FLAT, "random", seed=0)
    study.run(lambda p: p["C"], n_trials=3, progress=False)
    return study


def test_a_source_without_a_conditions_parent_is_named(flat):
    with pytest.raises(InvalidParameterError, match=r"has no value for kernel\)\"\. This study's space has kernel, "
                                                    r"which 'source 1' never set"):
        Study(KERNELS, "bo", warm_start=[flat])


def test_remap_into_a_space_with_the_parent_drops_the_trials_saying_why(flat):
    remapped = remap_study(flat, KERNELS)
    assert len(remapped.study.trials) == 0 and len(remapped.dropped) == 3
    assert all("kernel" in why for why in remapped.dropped.values())


def test_a_switch_to_an_optimizer_without_sources_says_they_go_unused(flat):
    study = Study(FLAT, "bo", seed=0, warm_start={"old": flat}, optimizer_settings={"n_initial": 2})
    with pytest.warns(UserWarning, match=r"Study\.switch_optimizer: 'random' does not use related studies, so the "
                                         r"warm-start sources \['old'\] go unused while it is in charge"):
        study.switch_optimizer("random")
    assert [r.name for r in study.warm_start] == ["old"]  # kept for the next that uses them
