"""Pick a registered optimizer and its settings; applying it switches the study's optimizer.

The form is built from the optimizer's constructor signature (its defaults give each setting's
type) and its ``setting_choices``, so optimizers registered later get a form for free.
"""

from __future__ import annotations

import html
import inspect
from collections.abc import Callable, Mapping
from typing import Any

import ipywidgets as widgets

from .._validation import fail
from ..optimizers.hypergradient import GRADIENT_ATTR
from ..optimizers.registry import available_optimizers, optimizer_class
from ._checks import check_callback, error_log
from .closing import close_widgets
from .errors import ErrorLog
from .labels import fit_descriptions

__all__ = ["OptimizerPanel", "setting_defaults"]

HIDDEN = ("self", "space", "seed")  # the study derives the seed; the space is the study's
#: The narrowest label column of a settings form (em): short forms keep one look.
FORM_LABEL_EM = 9.0
#: Said under the form of an optimizer that needs what not every objective gives: no objective
#: declares whether it reports hypergradients (a plain function may), so "hypergradient" stays
#: offered, and says so (chosen for one that reports none, every Step evaluated its start again).
NEEDS = {"hypergradient": f"<i>Steps on the gradient each trial reports in <code>user_attrs['{GRADIENT_ATTR}']</code> "
                          "(<code>{name: d value / d ln(param)}</code> for a log Float, <code>d value / d param</code> "
                          "for a linear one), as a <code>BilevelObjective</code>'s do: "
                          "for an objective that reports none, every Step evaluates its start again.</i>"}


def setting_defaults(name: str) -> dict[str, Any]:
    """The settings a form shows for optimizer ``name``, with their defaults (seed excluded)."""
    signature = inspect.signature(optimizer_class(name).__init__)
    return {p.name: p.default for p in signature.parameters.values()
            if p.name not in HIDDEN and p.kind is p.KEYWORD_ONLY}


def _setting_widget(setting: str, value: Any, choices: tuple[str, ...] | None) -> widgets.ValueWidget:
    if choices:
        return widgets.Dropdown(options=list(choices), value=value, description=setting)
    if isinstance(value, bool):
        return widgets.Checkbox(value=value, description=setting)
    if isinstance(value, int):
        return widgets.IntText(value=value, description=setting)
    if isinstance(value, float):
        return widgets.FloatText(value=value, description=setting)
    # None ("automatic") or free text: typed as text, read back as a number when it is one.
    return widgets.Text(value="" if value is None else str(value), placeholder="auto", description=setting)


def _read(widget: widgets.ValueWidget) -> Any:
    if not isinstance(widget, widgets.Text):
        return widget.value
    text = widget.value.strip()
    if not text or text == "None":  # "automatic" typed as Python writes it: the string 'None' was sent
        return None
    for convert in (int, float):
        try:
            return convert(text)
        except ValueError:
            pass
    return text


class OptimizerPanel:
    """A dropdown of registered optimizers, a form of the chosen one's settings, and "Switch".

    Parameters
    ----------
    errors : ErrorLog, optional
        Where callback errors go (an invalid setting: the optimizer's own message); None: a log of
        its own, placed in the panel.
    offered : callable, optional
        ``offered()`` lists the optimizers the dropdown offers (default: every registered one;
        the Lab offers a study of several objectives only those that serve it).
    shown : (str, dict), optional
        The optimizer shown first and its settings, as :meth:`show` takes them (the Lab's: its
        study's); None: the first offered, with its defaults. A form built for another was
        thrown away, and the first offered, "bo", imported torch and botorch for a Lab over CMA-ES.

    Examples
    --------
    >>> panel = OptimizerPanel()
    >>> panel.show("random", {})
    >>> received = []
    >>> _ = panel.on_apply(lambda name, settings: received.append((name, settings)))
    >>> panel.choice.value = "grid"
    >>> panel.fields["resolution"].value = 4
    >>> panel.apply.click()
    >>> received
    [('grid', {'resolution': 4})]
    """

    def __init__(self, errors: ErrorLog | None = None, offered: Callable[[], list[str]] = available_optimizers,
                 shown: tuple[str, Mapping[str, Any]] | None = None):
        self.errors = error_log(errors, "OptimizerPanel")
        self._offered = check_callback(offered, "OptimizerPanel", "offered() -> list of optimizer names", "offered")
        self.choice = widgets.Dropdown(options=self._offered_names(), description="optimizer")
        self.fields: dict[str, widgets.ValueWidget] = {}
        self._form = widgets.VBox()
        self.apply = widgets.Button(description="Switch", tooltip="continue the study with this optimizer; it "
                                    "learns from every finished trial first", icon="exchange")
        self.apply.add_class("ihpo-switch")
        self._callbacks: list[Callable[[str, dict[str, Any]], Any]] = []
        self._shown: tuple[str, dict[str, Any]] | None = None
        self._showing = False
        self.choice.observe(self.errors.guard(self._on_choice), names="value")
        # A refused setting shows right under the button, where the user clicked (ErrorLog.spot): the
        # area at the Lab's top was off screen and pushed the button down (browser audit a470).
        self.apply_error = self.errors.spot()
        self.apply.on_click(self.errors.guard(lambda _: self.apply_choice(), at=self.apply_error))
        # A log of its own is shown here: a refused setting's message went to a log nobody displayed.
        own_log = [self.errors.view] if errors is None else []
        self.widget = widgets.VBox([self.choice, self._form, self.apply, self.apply_error, *own_log])
        self.widget.add_class("ihpo-optimizer")
        if shown is None:
            self._build_form(self.choice.value, {})
        elif isinstance(shown, tuple) and len(shown) == 2:
            self.show(*shown)
        else:
            raise fail("shown", "OptimizerPanel", "None or (name, settings) of the optimizer shown first", shown)

    def show(self, name: str, settings: Mapping[str, Any]) -> None:
        """Show optimizer ``name`` with ``settings`` (the study's current optimizer)."""
        if not isinstance(name, str):  # html.escape's AttributeError, or a form for another optimizer's name
            raise fail("name", "OptimizerPanel.show", "an optimizer's name (a str)", name)
        if not isinstance(settings, Mapping):
            raise fail("settings", "OptimizerPanel.show", "a dict of the optimizer's settings", settings)
        if (name, dict(settings)) == self._shown:
            return  # the app calls this on every redraw: rebuilding the form costs ~40 ms
        self._shown = (name, dict(settings))
        self._showing = True  # the dropdown's own observer would rebuild the form with defaults
        try:
            # The study's optimizer is listed even when it is not offered: a user's own Optimizer
            # subclass, not registered, made the dropdown refuse it and the Lab fail to open.
            offered = self._offered_names()
            options = offered if name in offered else [*offered, name]
            if list(self.choice.options) != options:  # one registered meanwhile
                self.choice.options = options
            self.choice.value = name
        finally:
            self._showing = False
        self._build_form(name, settings)

    def _offered_names(self) -> list[str]:
        """What ``offered()`` lists, checked: the dropdown's options (a TraitError from the
        Dropdown, or a form built for None, otherwise)."""
        names = self._offered()
        if not isinstance(names, (list, tuple)) or not names or not all(isinstance(n, str) for n in names):
            raise fail("offered", "OptimizerPanel", "a callable returning a non-empty list of optimizer names", names)
        return list(names)

    def settings(self) -> dict[str, Any]:
        """The settings as typed, for the chosen optimizer (its constructor validates them)."""
        return {setting: _read(widget) for setting, widget in self.fields.items()}

    def on_apply(self, callback: Callable[[str, dict[str, Any]], Any]) -> None:
        """Call ``callback(name, settings)`` when "Switch" is clicked."""
        self._callbacks.append(check_callback(callback, "OptimizerPanel.on_apply", "callback(name, settings)"))

    def chosen(self) -> tuple[str, dict[str, Any]]:
        """The optimizer chosen and the settings typed that differ from its defaults."""
        name, settings = self.choice.value, self.settings()
        defaults = setting_defaults(name) if name in available_optimizers() else {}
        return name, {k: v for k, v in settings.items() if v != defaults.get(k)}

    def apply_choice(self) -> None:
        """What the "Switch" button does."""
        name, changed = self.chosen()
        for callback in self._callbacks:
            callback(name, changed)

    def _on_choice(self, change: Any) -> None:
        if not self._showing:
            self._build_form(change["new"], {})

    def _build_form(self, name: str, settings: Mapping[str, Any]) -> None:
        last = self._form.children
        if name not in available_optimizers():  # not registered: no constructor to build a form from
            self.fields = {}
            self._form.children = [widgets.HTML(f"<i>{html.escape(name)} is not a registered optimizer: its "
                                                "settings cannot be changed here.</i>")]
        else:
            choices = optimizer_class(name).setting_choices
            values = {**setting_defaults(name), **{k: v for k, v in settings.items() if k not in HIDDEN}}
            self.fields = {setting: _setting_widget(setting, value, choices.get(setting))
                           for setting, value in values.items()}
            # Wide enough for the longest name ("differential_weight" was cut at 9 em; issue 25).
            fit_descriptions(self.fields.values(), minimum_em=FORM_LABEL_EM)
            needs = [widgets.HTML(NEEDS[name])] if name in NEEDS else []
            self._form.children = [*needs, *self.fields.values()]
        # The last form's fields, once the new one is up (a form that failed to build leaves the
        # last one working): ipywidgets keeps a widget until it is closed.
        close_widgets(last)
