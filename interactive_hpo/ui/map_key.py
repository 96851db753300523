"""The key above the Model tab's maps: what its marks other than the trials' dots are.

Your trials (gold stars), the failed trials the GP learnt (red crosses) and the hollow red star:
the next proposal now, that step's proposal at a past step (the timeline's caption says so too:
"the next proposal" there claimed a point the next Step would evaluate). Only the marks drawn
are named; with none, the line stays, empty: the maps below do not move when a mark comes or goes
(a trial of yours, the star at a step without one; audit a444).
"""

from __future__ import annotations

import ipywidgets as widgets

from ..plots.surrogate import FAILED_LABEL
from .labels import ONE_LINE

__all__ = ["MapKey"]

YOURS = '<span style="color:#b8860b">&#9733;</span> yours'
FAILED = f'<span style="color:#d62728">&#10005;</span> {FAILED_LABEL}'
STAR = '<span style="color:red">&#9734;</span> '


class MapKey:
    """The maps' key, a line of HTML (empty when it names nothing, and as tall).

    Attributes
    ----------
    widget : ipywidgets.HTML
    """

    def __init__(self) -> None:
        self.widget = widgets.HTML(layout=widgets.Layout(min_height=ONE_LINE))
        self.widget.add_class("ihpo-key")

    def show(self, yours: bool = False, failed: bool = False, star: bool = False, faded: bool = False,
             step: int | None = None) -> None:
        """Name the marks drawn: ``yours``, ``failed`` trials, the ``star`` (``faded``: off the
        slice) of the next proposal, or of trial ``step``'s proposal at a past step; none: empty."""
        which = "the next proposal" if step is None else f"trial {step}, that step's proposal"
        entries = [text for text, shown in ((YOURS, yours), (FAILED, failed),
                                            (STAR + which + (" (faded: off this slice)" if faded else ""), star))
                   if shown]
        # Empty, a line of the same small text: an empty widget stood 1 px shorter (h453, in Chromium).
        self.widget.value = "<small>" + (" &middot; ".join(entries) or "&nbsp;") + "</small>"
