"""Plot helpers refuse what they cannot draw: a lineage of no member, and wipe() of no Axes."""

from __future__ import annotations

import re

import matplotlib

matplotlib.use("Agg")

import pytest  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from interactive_hpo import InvalidParameterError  # noqa: E402
from interactive_hpo.plots import wipe  # noqa: E402
from interactive_hpo.plots.pbt import lineage_info, plot_pbt_lineage  # noqa: E402


@pytest.mark.parametrize(("call", "message"), [
    (lambda: plot_pbt_lineage([], 3, 0), "`n_members` of plot_pbt_lineage must be an int in [1, inf); got 0."),
    (lambda: lineage_info([], 3, 0, highlight=1), "`n_members` of lineage_info must be an int in [1, inf); got 0."),
    (lambda: wipe(3), "`ax` of wipe must be a matplotlib Axes; got 3."),
    (lambda: wipe(None), "`ax` of wipe must be a matplotlib Axes; got None."),
    (lambda: wipe(Figure()), "`ax` of wipe must be a matplotlib Axes; got <Figure"),
])
def test_input_errors(call, message):
    with pytest.raises(InvalidParameterError, match=re.escape(message)):
        call()


def test_one_member_has_a_lineage():
    assert lineage_info([], 2, 1, highlight=0).path.tolist() == [[0.0, 0.0], [1.0, 0.0]]
