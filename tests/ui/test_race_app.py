"""RaceApp refuses what is not a race with the package's one message template."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import pytest  # noqa: E402

from interactive_hpo import InvalidParameterError  # noqa: E402
from interactive_hpo.ui import RaceApp  # noqa: E402

from .lab_helpers import quad  # noqa: E402


@pytest.mark.parametrize("race", [None, quad, ["random", "bo"]])
def test_what_is_not_a_race_is_refused_by_name_rule_and_value(race):
    # It said "RaceApp needs a Race; got function" (a TypeError, outside the message template).
    with pytest.raises(InvalidParameterError, match=r"^`race` of RaceApp must be a Race; got .+\. RaceApp\(Race\("):
        RaceApp(race)
