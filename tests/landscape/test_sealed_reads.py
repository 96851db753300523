"""A landscape's test losses are a read of the sealed test split (audit a427): the task records
it, its next test_score warns naming the landscape, and replaying the test losses warns."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from interactive_hpo import InvalidParameterError

pytest.importorskip("sklearn")

from interactive_hpo.landscape import LandscapeObjective, build_landscape, paper_task  # noqa: E402
from interactive_hpo.objectives import SealedTestSetWarning  # noqa: E402


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    folder = tmp_path_factory.mktemp("landscapes")
    task = paper_task("svm", "wine", seed=0)
    return task, build_landscape(task, resolution=3, cache_dir=folder), folder


def test_the_task_records_the_landscapes_read_and_its_next_look_warns(built):
    task, land, _ = built
    assert task.test_reads == ("build_landscape: the test scores of 9 configurations",) and task.test_looks == ()
    chosen = land.params(int(np.argmin(land.other("test").losses)))   # chosen on the test split
    with pytest.warns(SealedTestSetWarning, match="look number 1 at the sealed test split of svm on wine after "
                                                  "build_landscape: the test scores of 9 configurations"):
        task.test_score(chosen)
    assert len(task.test_looks) == 1   # a look is still a look; the read is kept apart


def test_a_landscape_read_from_the_cache_is_recorded_too(built):
    _, _, folder = built
    again = paper_task("svm", "wine", seed=0)
    build_landscape(again, resolution=3, cache_dir=folder)   # no evaluation: the cached losses
    assert again.test_reads == ("build_landscape: the test scores of 9 configurations",)


def test_replaying_the_test_losses_warns_and_the_others_do_not(built):
    _, land, _ = built
    with pytest.warns(SealedTestSetWarning, match=r"holds the sealed test split's losses \(landscape.other"):
        LandscapeObjective(land.other("test"))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        LandscapeObjective(land)
        LandscapeObjective(land.other("train"))


def test_the_same_seed_shares_the_record_of_looks_and_reads():
    task = paper_task("svm", "iris", seed=0)
    params = {"svc__C": 1.0, "svc__gamma": 0.1}
    task.test_score(params)
    same, other = task.with_seed(0), task.with_seed(1)
    with pytest.warns(SealedTestSetWarning, match="look number 2"):   # the same rows, looked at again
        same.test_score(params)
    assert len(task.test_looks) == len(same.test_looks) == 2 and other.test_looks == ()
    task.record_test_read("a look by hand")
    assert same.test_reads == ("a look by hand",) and other.test_reads == ()


@pytest.mark.parametrize("reader", ["", None, 3])
def test_a_read_names_its_reader(reader):
    task = paper_task("svm", "iris", seed=0)
    with pytest.raises(InvalidParameterError, match="^`reader` of SklearnCV.record_test_read must be a non-empty str"):
        task.record_test_read(reader)
