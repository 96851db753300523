"""A trial of yours that repeats a configuration is said with what the earlier one gave (audit
a439: a typed value contradicting a deterministic objective's went in without a word)."""

from __future__ import annotations

from interactive_hpo import Categorical, Int, SearchSpace, Study
from interactive_hpo.ui.status import yours_note


def test_a_repeated_configuration_is_said_with_the_last_earlier_trials_value():
    study = Study(SearchSpace([Int("depth", 1, 5), Categorical("kind", ["a", "b"])]), "random", seed=0)
    study.add_manual({"depth": 3, "kind": "a"}, 0.5)
    study.add_manual({"depth": 4, "kind": "a"}, 0.4)
    first = study.add_manual({"depth": 3, "kind": "a"}, 0.25)
    assert yours_note(study, first) == "Your trial 2: depth=3, kind=a -> 0.25 (the best so far); " \
                                       "same configuration as trial 0 -> 0.5"
    again = study.add_manual({"depth": 3, "kind": "a"}, 0.25)
    assert yours_note(study, again).endswith("(best 0.25, trial 2); same configuration as trial 2 -> 0.25")
    new = study.add_manual({"depth": 5, "kind": "b"}, 0.75)
    assert "same configuration" not in yours_note(study, new)
    assert yours_note(study, again, undone=True) == "Undid trial 3 (depth=3, kind=a -> 0.25)"
