"""An optimizer instance serves one study, and enters it new (review a380).

The study tells an optimizer it is given every finished trial itself; an optimizer's state is a
function of its settings, seed and the trials it was told (DESIGN section 2). A used instance
learnt the study's trials twice (a journal's replay then proposed another point), and one instance
given to two studies shifted both studies' random streams.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from interactive_hpo import Float, InvalidParameterError, SearchSpace, Study
from interactive_hpo.optimizers.registry import make_optimizer
from interactive_hpo.optimizers.simple import RandomSearch, SobolSearch
from interactive_hpo.study.branching import fork_study
from interactive_hpo.ui import Lab

SPACE = SearchSpace([Float("x", 0.0, 1.0), Float("y", 0.0, 1.0)])


def bowl(params):
    return (params["x"] - 0.3) ** 2 + (params["y"] - 0.6) ** 2


def test_a_switch_to_the_study_s_own_optimizer_is_refused_and_changes_nothing(tmp_path):
    path = tmp_path / "own.jsonl"
    study = Study(SPACE, "sobol", seed=0, storage=path)
    study.run(bowl, n_trials=4)
    with pytest.raises(InvalidParameterError, match=r"It has seen 4 trial\(s\)"):
        study.switch_optimizer(study.optimizer)  # was accepted: told every trial again (8 told)
    assert study.optimizer.n_seen == 4 and len(study.state.events) == len(Study.load(path, read_only=True).state.events)
    np.testing.assert_array_equal(study.optimizer.ask().x, Study.load(path, read_only=True).optimizer.ask().x)


def test_one_instance_serves_one_study():
    optimizer = SobolSearch(SPACE, seed=0)
    first = Study(SPACE, optimizer)
    with pytest.raises(InvalidParameterError, match="Another study uses it already"):
        Study(SPACE, optimizer)  # before any trial: the two studies took turns in one Sobol sequence
    first.run(bowl, n_trials=3)
    alone = Study(SPACE, SobolSearch(SPACE, seed=0))
    alone.run(bowl, n_trials=3)
    assert [t.params for t in first.trials] == [t.params for t in alone.trials]
    with pytest.raises(InvalidParameterError, match=r"`optimizer` of Study.switch_optimizer must be a new Optimizer"):
        Study(SPACE, "random", seed=0).switch_optimizer(optimizer)


def test_an_optimizer_a_study_built_by_name_is_that_study_s():
    study = Study(SPACE, "random", seed=0)
    with pytest.raises(InvalidParameterError, match="Another study uses it already"):
        Study(SPACE, study.optimizer)


def test_an_instance_given_to_a_study_that_was_refused_may_be_given_again(tmp_path):
    path = tmp_path / "other.jsonl"
    Study(SearchSpace([Float("z", 0.0, 1.0)]), storage=path)
    optimizer = RandomSearch(SPACE, seed=0)
    with pytest.raises(Exception, match="another search space"):
        Study(SPACE, optimizer, storage=path)
    assert Study(SPACE, optimizer).optimizer is optimizer


def test_a_journal_resumed_with_a_new_instance_switches_to_it(tmp_path):
    path = tmp_path / "resume.jsonl"
    Study(SPACE, "random", seed=0, storage=path).run(bowl, n_trials=3)
    optimizer = SobolSearch(SPACE, seed=5)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        study = Study(SPACE, optimizer, storage=path)
    assert study.optimizer is optimizer and optimizer.n_seen == 3
    assert any("switching to the optimizer given" in str(w.message) for w in caught)


def test_a_fork_and_the_lab_refuse_a_used_optimizer_where_it_was_typed():
    study = Study(SPACE, "random", seed=0)
    study.run(bowl, n_trials=3)
    with pytest.raises(InvalidParameterError, match=r"`optimizer` of fork_study must be a new Optimizer"):
        fork_study(study, 2, optimizer=study.optimizer)
    assert fork_study(study, 2, optimizer=RandomSearch(SPACE, seed=1)).study.optimizer.n_seen == 2
    with pytest.raises(InvalidParameterError, match=r"`optimizer` of Lab must be a new Optimizer"):
        Lab(bowl, space=SPACE, optimizer=study.optimizer)


def test_an_instance_whose_study_is_gone_may_be_given_again_and_ownership_is_by_identity():
    import gc

    # A study garbage-collected before it asked anything left its optimizer refused for good
    # ("a study uses it already"), and a class defining __eq__ (unhashable) could serve no study.
    optimizer = RandomSearch(SPACE, seed=0)
    Study(SPACE, optimizer)
    gc.collect()
    assert Study(SPACE, optimizer).optimizer is optimizer

    class Equal(RandomSearch):
        name = "random"

        def __eq__(self, other):
            return type(other) is type(self) and other.settings() == self.settings()

    first, twin = Equal(SPACE, seed=0), Equal(SPACE, seed=0)
    study = Study(SPACE, first)
    assert Study(SPACE, twin).optimizer is twin  # equal to another study's optimizer, but not it
    with pytest.raises(InvalidParameterError, match="Another study uses it already"):
        Study(SPACE, first)
    assert study.optimizer is first


def test_a_refused_study_gives_an_instance_back_without_its_sources_and_a_switch_back_is_named(tmp_path):
    # Review r396: a study refused (a journal of another space) left the warm-start sources in
    # the instance it was given: the next study, given no sources, asked the source's best first.
    source = Study(SPACE, "random", seed=1)
    source.run(bowl, n_trials=6)
    other = tmp_path / "other.jsonl"
    Study(SearchSpace([Float("z", 0.0, 1.0)]), storage=other)
    optimizer = make_optimizer("bo", SPACE, seed=0)
    with pytest.raises(Exception, match="another search space"):
        Study(SPACE, optimizer, storage=other, warm_start={"old": source})
    study = Study(SPACE, optimizer)
    assert study.warm_start == () and "source_start" not in study.ask().user_attrs
    # A switch back to the study's own earlier optimizer said "Another study uses it already".
    first = RandomSearch(SPACE, seed=3)
    switching = Study(SPACE, first)
    switching.switch_optimizer("sobol")
    with pytest.raises(InvalidParameterError, match=r"This study had it before \(a switch away does not give"):
        switching.switch_optimizer(first)
