"""The what-if panel: change the acquisition, its parameter, the kernel or the lengthscales, and
watch the proposal and the surfaces move, without committing anything.

While "what if" is ticked, the Model tab draws the belief and the proposal under the settings
here (``study.surrogate(**what_if)``, ``optimizer.propose(**what_if)``): the same data, the
same fit where the kernel is unchanged, so the picture moves at once. Nothing changes in the
study until Step (or Run): then the Lab switches the optimizer to these settings and steps.
Reset, a search-space edit and another branch start without a what-if; so does an optimizer
without a model (the panel hides: back to "bo", the controls show its settings, unticked). When
the optimizer's settings change under a what-if (the Optimizer tab), the what-if is reset, and a
line says so: a box left ticked over controls showing the new settings overrode nothing.
What-ifs are about the present: while the timeline shows a past step the controls are disabled
and a line beside the box says so (a what-if left ticked is set aside, and drawn again back at
live). That line is one line, cut short with an ellipsis where the tab is narrow, its whole
sentence a tooltip: two lines added above the controls moved the timeline a person was dragging
56 px down as it left live, and back up at live (audit a444).
The lengthscale factor is a thought experiment on the fitted model (no refit) and is never
committed: the next fit estimates lengthscales from the data again.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from typing import Any

import ipywidgets as widgets

from .._validation import check_bool, check_int, check_one_of, fail, float_array, is_real
from ._checks import check_callback, error_log
from .errors import ErrorLog
from .labels import fit_descriptions
from .slice_sliders import within_a_step

__all__ = ["WhatIfPanel", "WHAT_IF_SETTINGS"]

#: The optimizer settings the panel edits (the lengthscale factor is not a setting).
WHAT_IF_SETTINGS = ("acquisition", "beta", "xi", "kernel")
#: The acquisitions' own parameters, and which acquisition reads each (``optimizers.bayes.acquisition``:
#: UCB's ``beta``; the improvement over ``best + xi * scale`` of EI, log-EI and PI; Thompson
#: sampling and MES read neither). The panel offers, captions and commits only those the
#: acquisition chosen reads: "ucb, beta 5", then "pi", said and committed "pi, beta=5".
READ_BY = {"beta": ("ucb",), "xi": ("ei", "logei", "pi")}
#: Said when the optimizer has nothing left to propose (``WhatIfPanel.show(exhausted=True)``).
EXHAUSTED_NOTE = ("<i>The optimizer has nothing left to propose: a what-if redraws the model, but there "
                  "is no proposal to move (switch optimizer in the Optimizer tab to go on).</i>")
#: Said when the study's trials report constraints (``WhatIfPanel.show(constrained=True)``).
CONSTRAINED_NOTE = ("<i>With constraints, each proposal maximizes constrained log-EI (log EI plus log "
                    "P(feasible)) whatever the acquisition: xi moves it, the acquisition and beta do not.</i>")


class WhatIfPanel:
    """Controls for a what-if view of a model-based optimizer.

    Parameters
    ----------
    errors : ErrorLog

    Examples
    --------
    >>> from interactive_hpo.ui.errors import ErrorLog
    >>> panel = WhatIfPanel(ErrorLog())
    >>> panel.show({"acquisition": "logei", "beta": 2.0, "xi": 0.0, "kernel": "matern"},
    ...            {"acquisition": ("logei", "ucb", "pi"), "kernel": ("matern", "rbf")})
    >>> panel.active.value = True
    >>> panel.acquisition.value = "ucb"
    >>> panel.overrides(), panel.settings_changed()
    ({'acquisition': 'ucb'}, {'acquisition': 'ucb'})
    >>> panel.beta.value = 5.0
    >>> panel.acquisition.value = "pi"  # PI reads no beta: it is greyed out, and not committed
    >>> panel.settings_changed(), panel.beta.disabled
    ({'acquisition': 'pi'}, True)
    """

    def __init__(self, errors: ErrorLog):
        self.errors = errors = error_log(errors, "WhatIfPanel", optional=False)

        def layout() -> widgets.Layout:  # one each: an optimizer without an acquisition setting hides some
            return widgets.Layout(width="22em")

        self.active = widgets.Checkbox(value=False, description="what if", indent=False,
                                       layout=widgets.Layout(width="7em"))
        self.acquisition = widgets.Dropdown(description="acquisition", layout=layout())
        self.kernel = widgets.Dropdown(description="kernel", layout=layout())
        self.beta = widgets.FloatLogSlider(value=2.0, min=-2, max=2, description="beta (UCB)",
                                           layout=layout(), readout_format=".3g", continuous_update=False)
        self.xi = widgets.FloatSlider(value=0.0, min=0.0, max=2.0, step=0.01, description="xi (EI/PI)",
                                      layout=layout(), continuous_update=False)
        self.lengthscale = widgets.FloatLogSlider(value=1.0, min=-1, max=1, description="lengthscales x",
                                                  layout=layout(), readout_format=".3g",
                                                  continuous_update=False)
        # One width for both columns, fitting the longest label ("lengthscales x" was cut; issue 25).
        fit_descriptions([self.acquisition, self.kernel, self.beta, self.xi, self.lengthscale])
        self.reset_button = widgets.Button(description="Back to current", icon="undo",
                                           layout=widgets.Layout(width="auto"),
                                           tooltip="set every control to the optimizer's current settings")
        self.caption = widgets.HTML()
        self.note = widgets.HTML()  # what the panel leaves out for this optimizer
        # Why the controls are disabled while a past step is shown: in the first row, one line
        # whatever it says (nowrap, cut with an ellipsis; the whole sentence is its tooltip).
        self.past = widgets.HTML(layout=widgets.Layout(flex="1 1 0%", min_width="0", overflow="hidden"))
        self.past.add_class("ihpo-whatif-past")
        self.dropped = widgets.HTML()  # a what-if reset by a change of the optimizer's settings (show)
        self.dropped.add_class("ihpo-whatif-dropped")
        # The controls' errors show right under the last of them (ErrorLog.spot), not atop the Lab.
        self.error = errors.spot()
        self.widget = widgets.VBox([
            widgets.HBox([self.active, self.reset_button, self.past]),
            self.note,  # the same at live and past: on a line of its own, the first row's width is the past line's
            self.dropped,
            widgets.HBox([widgets.VBox([self.acquisition, self.beta, self.xi]),
                          widgets.VBox([self.kernel, self.lengthscale])]),
            self.error,
            self.caption])
        self.widget.add_class("ihpo-whatif")
        self.widget.layout.display = "none"
        self._current: dict[str, Any] = {}
        self._placed: dict[str, Any] = {}
        self._showing = False  # controls being set from the optimizer: not a what-if
        self._constrained = False  # constrained log-EI proposes, whatever the acquisition (show)
        self._viewing: int | None = None  # the past step the timeline shows (show): controls disabled
        self._callback: Callable[[], Any] | None = None
        for control in (self.active, self.acquisition, self.kernel, self.beta, self.xi, self.lengthscale):
            control.observe(errors.guard(self._changed, at=self.error), names="value")
        for control in (self.active, self.acquisition):
            control.observe(errors.guard(lambda _: self._enable(), at=self.error), names="value")
        self.reset_button.on_click(errors.guard(lambda _: self.reset(), at=self.error))

    def on_change(self, callback: Callable[[], Any]) -> None:
        """``callback()`` whenever the what-if changes (the Lab redraws the model)."""
        self._callback = check_callback(callback, "WhatIfPanel.on_change", "callback()")

    def show(self, settings: Mapping[str, Any] | None, choices: Mapping[str, tuple[str, ...]],
             lengthscales: bool = True, constrained: bool = False, exhausted: bool = False,
             viewing: int | None = None) -> None:
        """The optimizer's current ``settings`` (None, or no kernel to vary: the panel hides).

        Without an ``acquisition`` setting ("ehvi": its log-EHVI is the method itself) only the
        kernel is offered; ``lengthscales=False`` hides the lengthscale factor (an optimizer that
        refuses ``lengthscale_scale``, as "ehvi" with its GP per objective does). ``constrained``:
        the study's trials report constraints, so each proposal maximizes constrained log-EI
        (``optimizers.bayes.constrained``), which reads ``xi`` and sets the acquisition chosen and
        ``beta`` aside: those are greyed out and not committed. ``exhausted``: the optimizer has
        nothing left to propose, so a what-if moves no proposal (the panel says so). ``viewing``:
        the past step the timeline shows (None: live); what-ifs are about the present, so there
        every control is disabled and :attr:`past` says why and how to try one (a what-if left
        ticked is set aside: Live draws it again, Step commits it as it would at live).
        Checked before a control changes: a kernel not among ``choices`` was refused by its
        dropdown, in traitlets' words, after the acquisition had changed.

        Hidden, the panel forgets the what-if and the settings: shown again, it starts unticked
        from that optimizer's settings. ``settings`` other than those shown last reset a what-if
        (unticked, every control to the new settings; :attr:`dropped` names it), unless they are
        the what-if's own settings (a Step committed it): a ticked box always overrides what the
        controls show.
        """
        _check_shown(settings, choices, lengthscales)
        check_bool(exhausted, "exhausted", "WhatIfPanel.show")
        if viewing is not None:
            viewing = check_int(viewing, "viewing", "WhatIfPanel.show", 0)
        if settings is None or "kernel" not in settings:
            self.widget.layout.display = "none"
            self.clear()
            self._current = {}  # shown again (back to "bo"): its settings, not the last what-if's
            return
        self.widget.layout.display = None
        current = {name: settings[name] for name in WHAT_IF_SETTINGS if name in settings}
        acquisition = "acquisition" in current
        for control in (self.acquisition, self.beta, self.xi):
            control.layout.display = None if acquisition else "none"
        self.lengthscale.layout.display = None if lengthscales else "none"
        self.note.value = (CONSTRAINED_NOTE if acquisition and constrained else "" if acquisition else
                           "<i>The acquisition is not a setting of this optimizer: what if its GPs had another "
                           "kernel?</i>") + (EXHAUSTED_NOTE if exhausted else "")
        if (constrained, viewing) != (self._constrained, self._viewing):
            self._constrained, self._viewing = constrained, viewing
            self._enable()
        if current != self._current:
            self._settings_changed_to(current)
            self._show_current(current, choices, acquisition)
        # After the controls are set: says whether a what-if is kept.
        self.past.value, self.past.tooltip = ("", None) if viewing is None else self._past_line(viewing)

    def _settings_changed_to(self, current: Mapping[str, Any]) -> None:
        """Untick a what-if the optimizer's new ``current`` settings leave behind, quietly (the
        caller redraws), saying so in :attr:`dropped` unless those settings are the what-if's own
        (a Step committing it: a Run in a kernel commits before it unticks)."""
        lost = self.overrides()
        changed = self.settings_changed()
        committed = bool(changed) and all(_same(current.get(name), value) for name, value in changed.items())
        self.dropped.value = "" if committed or not lost or not self._current else (
            f"<i>The optimizer's settings changed: your what-if ({self._what()}) was reset to them.</i>")
        self._showing = True
        try:
            self.active.value = False
        finally:
            self._showing = False

    def _show_current(self, current: dict[str, Any], choices: Mapping[str, tuple[str, ...]],
                      acquisition: bool) -> None:
        """Every control set to the optimizer's ``current`` settings, offering ``choices``."""
        self._current = current
        self._showing = True
        try:
            if acquisition:
                self.acquisition.options = list(choices.get("acquisition", (current["acquisition"],)))
            self.kernel.options = list(choices.get("kernel", (current["kernel"],)))
            self._set(current)
            self._enable()
        finally:
            self._showing = False

    def reset(self) -> None:
        """Every control back to the optimizer's current settings (as the button does)."""
        self._set(self._current)

    def clear(self) -> None:
        """Off, every control back to the current settings, quietly (the caller redraws): another
        study has no what-if (one left ticked after Reset was drawn there and committed by its
        next Step)."""
        self._showing = True
        try:
            self.active.value = False
            self.reset()
        finally:
            self._showing = False
        self.dropped.value = ""

    def _set(self, values: Mapping[str, Any]) -> None:
        for name, value in values.items():
            control = getattr(self, name)
            control.value = _within_range(control, value) if name in ("beta", "xi") else value
        # What was put there: a control still within a step of it was not moved by the user, even
        # when the slider could not show the value exactly (a beta beyond its range, a browser
        # snapping it to its step), so a Step does not commit the difference.
        self._placed = {name: getattr(self, name).value for name in values}
        self.lengthscale.value = 1.0

    def overrides(self) -> dict[str, Any]:
        """What differs from the current settings, lengthscale factor included; empty when off."""
        if not self.active.value:
            return {}
        out = self.settings_changed()
        if not math.isclose(self.lengthscale.value, 1.0) and self.lengthscale.layout.display != "none":
            out["lengthscale_scale"] = float(self.lengthscale.value)
        return out

    def settings_changed(self) -> dict[str, Any]:
        """The optimizer settings a Step would commit (those that differ from the current ones)."""
        if not self.active.value:
            return {}
        return {name: getattr(self, name).value for name in WHAT_IF_SETTINGS
                if name in self._current and self._read(name)
                and not within_a_step(getattr(self, name), getattr(self, name).value, self._placed.get(name))}

    def _read(self, name: str) -> bool:
        """Whether the proposal reads setting ``name``: with constraints, constrained log-EI reads
        ``xi`` and neither the acquisition chosen nor ``beta``; else the acquisition chosen reads
        those of :data:`READ_BY` it is listed for (any other setting: yes)."""
        if self._constrained and (name == "acquisition" or name in READ_BY):
            return name == "xi"
        return name not in READ_BY or self.acquisition.value in READ_BY[name]

    def _enable(self) -> None:
        """Disable every control while a past step is shown; at live, grey out all but the box
        while it is unticked (a what-if left there looked applied: "ucb" beside a "Why this
        point?" of logei, audit a418; ticked again, it is drawn again), and the acquisition and its
        parameters where the proposal does not read them."""
        past = self._viewing is not None
        idle = past or not self.active.value
        self.active.disabled = past
        for control in (self.reset_button, self.kernel, self.lengthscale):
            control.disabled = idle
        for name in ("acquisition", *READ_BY):
            getattr(self, name).disabled = idle or not self._read(name)

    def _past_line(self, step: int) -> tuple[str, str]:
        """What :attr:`past` says while the timeline shows ``step`` (HTML, one line) and its
        tooltip (the whole sentence, plain text): why nothing here can be used, how to try a
        what-if, and what becomes of one left ticked."""
        if self.overrides():  # ticked and changed: set aside, not lost
            line = f"Your what-if is set aside at step {step}, not lost: tick <b>live</b> to see it again."
            whole = (f"What-ifs apply to the present: your what-if ({self._what()}) is set aside while step "
                     f"{step} is shown. Tick live under the timeline to see it again (Step commits it, as at live).")
        else:
            line = ("What-ifs apply to the present: tick <b>live</b> to try one, or <b>Fork here</b> to go on "
                    f"from step {step}.")
            whole = ("What-ifs apply to the present: go back to the live step (tick live under the timeline) "
                     f"to try one, or Fork here to go on from step {step} with other settings (the Optimizer tab's).")
        style = "white-space: nowrap; overflow: hidden; text-overflow: ellipsis"
        return f'<div style="{style}"><i>{line}</i></div>', whole

    def _what(self) -> str:
        """The what-if's changes in words ("acquisition=ucb, beta=25"), lengthscale factor included."""
        return ", ".join(f"{k}={v:g}" if isinstance(v, float) else f"{k}={v}" for k, v in self.overrides().items())

    def describe(self, before: Any, after: Any) -> None:
        """Caption the what-if: how far the proposal moved (unit-cube points of shape (d,)).

        Named as the Model tab draws it: the star on the maps, the dotted red "next proposal"
        line on the curve of a single parameter (d = 1). At a past step, a what-if set aside
        keeps its caption's place, the caption hidden: emptied, it moved the timeline below one
        or two lines up as a person dragged its slider off live, and down again at live.
        """
        rule = "None or a unit-cube point of the shape of the other"
        owner = "WhatIfPanel.describe"
        was, now = [None if point is None else float_array(point, name, owner, rule)
                    for name, point in (("before", before), ("after", after))]
        if was is not None and now is not None and (was.ndim != 1 or was.shape != now.shape):
            raise fail("after", owner, rule, after)
        set_aside = self._viewing is not None and self.active.value
        self.caption.layout.visibility = "hidden" if set_aside else None
        if set_aside:
            return
        if not self.active.value or was is None or now is None:
            self.caption.value = ""
            return
        moved = float(sum((a - b) ** 2 for a, b in zip(after, before, strict=True)) ** 0.5)
        mark = "the next proposal (the dotted red line)" if now.shape == (1,) else "the star"
        self.caption.value = (f"<i>What if {self._what() or 'nothing changed'}:</i> {mark} moved {moved:.3f} "
                              "(unit-cube distance) from the current proposal. Step commits the settings"
                              + (" (not the lengthscales, which the next fit estimates again)."
                                 if "lengthscale_scale" in self.overrides() else "."))

    def _changed(self, _: Any) -> None:
        if self._showing:
            return
        self.dropped.value = ""  # the person is at the controls again: the reset is old news
        if self._callback is not None:
            self._callback()


def _check_shown(settings: Any, choices: Any, lengthscales: Any) -> None:
    """:meth:`WhatIfPanel.show`'s arguments, refused in its name."""
    owner = "WhatIfPanel.show"
    if not isinstance(choices, Mapping):
        raise fail("choices", owner, "a dict from setting name to the values it may take", choices)
    check_bool(lengthscales, "lengthscales", owner)
    if settings is None:
        return
    if not isinstance(settings, Mapping):
        raise fail("settings", owner, "None or a dict of the optimizer's settings", settings)
    for name in WHAT_IF_SETTINGS if "kernel" in settings else ():
        if name in ("beta", "xi") and name in settings and not is_real(settings[name]):
            raise fail(f"settings[{name!r}]", owner, "a real number", settings[name])
        if name in ("acquisition", "kernel") and name in settings and name in choices:
            check_one_of(settings[name], f"settings[{name!r}]", owner, choices[name], what=f"choices[{name!r}]")


def _same(a: Any, b: Any) -> bool:
    """Whether two settings' values are one (reals to rounding: a beta committed is the slider's)."""
    if is_real(a) and is_real(b):
        return math.isclose(float(a), float(b))
    return bool(a == b)


def _within_range(slider: Any, value: float) -> float:
    """``value`` clamped to what ``slider`` can show: a FloatLogSlider's ``min`` and ``max`` are
    exponents of its ``base`` (clamping a beta of 9 to its ``max`` of 2 was a bug)."""
    low, high = slider.min, slider.max
    if isinstance(slider, widgets.FloatLogSlider):
        low, high = slider.base**low, slider.base**high
    return max(min(value, high), low)
