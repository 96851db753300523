"""One look for every tutorial's figures, read from the back of a lecture room.

Notebooks call :func:`use_projector_style` once, in their first cell, so that a fix to how
figures read (issue 26, item 9: 6-pt labels, offset tick labels, legends over data) is made
here once and not again in each notebook. Matplotlib is imported when a function is called.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from matplotlib.typing import RcKeyType

__all__ = ["PROJECTOR", "projector_style", "use_projector_style"]

#: Matplotlib settings for a projector: text of at least 9 pt (matplotlib's "x-small" at its
#: default 10 pt is 6.9 pt), no offset or scientific tick labels on linear axes ("1e-5+1.05e-1"),
#: legends on a half-opaque box placed where they hide the fewest points, thicker lines, and
#: constrained layout so titles, labels and colourbars do not overlap. Tick labels are plain
#: text, not mathtext: with it every number on a linear axis went through matplotlib's mathtext
#: parser, a fifth of each figure's drawing (0.52 -> 0.42 s of CPU for three maps with colour
#: bars; 9-18% of notebooks 05, 13 and 14), for the same digits; the one difference is a
#: scientific axis's corner label, "1e-6" for "x10^-6". Log axes keep their "10^-3" labels.
PROJECTOR: dict[RcKeyType, Any] = {
    "font.size": 12.0,
    "axes.titlesize": "medium",
    "axes.labelsize": "medium",
    "xtick.labelsize": "small",
    "ytick.labelsize": "small",
    "legend.fontsize": "small",
    "legend.loc": "best",
    "legend.framealpha": 0.85,
    "axes.formatter.useoffset": False,
    "axes.formatter.limits": (-4, 5),
    "axes.formatter.use_mathtext": False,
    "lines.linewidth": 2.0,
    "lines.markersize": 7.0,
    "figure.constrained_layout.use": True,
}


def use_projector_style() -> None:
    """Apply :data:`PROJECTOR` to every figure drawn afterwards in this session.

    Examples
    --------
    >>> import matplotlib
    >>> from interactive_hpo.plots import use_projector_style
    >>> with matplotlib.rc_context():   # only so that this example leaves the session's style as it was
    ...     use_projector_style()
    ...     matplotlib.rcParams["font.size"]
    12.0

    For the figures of one ``with`` block only, see :func:`projector_style`.
    """
    import matplotlib

    matplotlib.rcParams.update(PROJECTOR)


def projector_style() -> Any:
    """:data:`PROJECTOR` for the figures drawn inside a ``with`` block (``matplotlib.rc_context``)."""
    import matplotlib

    return matplotlib.rc_context(PROJECTOR)
