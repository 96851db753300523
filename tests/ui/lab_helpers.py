"""The small objective, fast settings and mouse presses the Lab tests share."""

from __future__ import annotations

from matplotlib.backend_bases import MouseButton, MouseEvent, NavigationToolbar2

from interactive_hpo import Float, SearchSpace, Study

LINE = SearchSpace([Float("x", -2.0, 2.0)])
#: Two parameters, for the maps: :func:`bowl`'s space.
PLANE = SearchSpace([Float("x", 0.0, 1.0), Float("y", 0.0, 1.0)])
#: A GP that proposes quickly: a short initial design, few restarts and raw samples.
FAST = {"n_initial": 3, "num_restarts": 2, "raw_samples": 64}
#: Presses on a figure that choose nothing: the right button, the second press of a double
#: click (the first was a click), and a left press with the toolbar's zoom or pan tool on (the
#: start of a drag).
NOT_CLICKS = ("right button", "double click", "zoom tool", "pan tool")


def quad(params):
    return (params["x"] - 1.0) ** 2


def bowl(params):
    return (params["x"] - 0.3) ** 2 + (params["y"] - 0.6) ** 2


def lay_out(figure):
    """Draw ``figure`` where it changed since it was last drawn, so that its Axes sit where a
    person sees them (its layout engine places them at a draw); an unchanged one (a second press
    on the same picture) is not drawn again."""
    if figure.stale:
        figure.canvas.draw()


def press(figure, ax, x, y, how="click"):
    """Press the mouse on ``ax`` of ``figure`` at (x, y) in data units, as matplotlib reports it
    from the browser: a plain left ``"click"``, or one of :data:`NOT_CLICKS`."""
    lay_out(figure)
    px, py = ax.transData.transform((x, y))
    tool = {"zoom tool": "zoom", "pan tool": "pan"}.get(how)
    toolbar = NavigationToolbar2(figure.canvas) if tool else None  # ipympl's toolbar is one of these
    if toolbar is not None:
        getattr(toolbar, tool)()  # the tool on: its mode is "zoom rect" or "pan/zoom"
    event = MouseEvent("button_press_event", figure.canvas, px, py, dblclick=how == "double click",
                       button=MouseButton.RIGHT if how == "right button" else MouseButton.LEFT)
    figure.canvas.callbacks.process("button_press_event", event)
    if toolbar is not None:
        getattr(toolbar, tool)()  # off again
        figure.canvas.toolbar = None


def lab_after(objective, space, n_trials, **study_options):
    """A Lab over a study of ``n_trials`` run beforehand: the trials ``Lab(objective, space=space,
    **study_options).run(n_trials)`` makes (same seed, same optimizer), but ``Study.run`` draws
    nothing, where the Lab's Run redraws every panel after each trial, and the tests read only
    what the Lab draws at the end. Tests of the Run itself use ``lab.run``."""
    study = Study(space, study_options.pop("optimizer", "bo"), **study_options)
    study.run(objective, n_trials=n_trials, progress=False)
    from interactive_hpo.ui import Lab

    return Lab(study, objective)
