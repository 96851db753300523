"""An editor for a :class:`~interactive_hpo.space.SearchSpace`: one row of widgets per parameter.

The editor never judges a value itself: each row builds ``Float``/``Int``/``Categorical`` from
what was typed and shows the message the API raises, and the space-level checks (unique names,
at least one parameter) come from ``SearchSpace``. So the Lab and a script reject the same
inputs with the same words. Only text that is not a number at all is refused here, worded with
the same template (:func:`interactive_hpo._validation.fail`). What the space is for may refuse
more, through ``check``: the Lab's editor refuses a space its objective cannot evaluate (a
parameter it does not take, a bound beyond its own), in the Lab's words, before Apply.
"""

from __future__ import annotations

import ast
import html
import json
import re
from collections.abc import Callable
from typing import Any, cast

import ipywidgets as widgets

from .._validation import fail
from ..exceptions import InvalidParameterError
from ..parameters import PARAMETER_TYPES, Parameter
from ..space import Float, SearchSpace
from .closing import close_widgets
from .errors import ErrorLog

__all__ = ["SpaceEditor", "ParameterRow", "parse_choices", "format_choices", "parse_condition", "format_condition"]

# One token of a choices list: a quoted string, in JSON's double quotes or Python's single ones
# (so "3", "True" or "a, b" can be string choices; 'rbf', as a Python user writes it, was kept
# with its quotes and matched no choice), or anything up to the next comma. The quoted branches
# are tried first and are only taken when the token ends right after the closing quote.
_TOKEN = re.compile(r'\s*(?:("(?:[^"\\]|\\.)*")|(\'(?:[^\'\\]|\\.)*\')|([^,]*?))\s*(?:,|\Z)')


def _number(text: str) -> int | float | None:
    # int first, so "3" reaches Int (and a choice list) as an int; "3.0" or "1e3" stays a float,
    # and Int's own check then explains that it wants an int.
    for convert in (int, float):
        try:
            return convert(text)
        except ValueError:
            pass
    return None


def _parse_token(token: str) -> Any:
    """int, then float, then True/False/None, else the string itself."""
    number = _number(token)
    return number if number is not None else {"True": True, "False": False, "None": None}.get(token, token)


def parse_choices(text: str) -> list[Any]:
    """Split comma-separated choices and parse each token (see :func:`format_choices`).

    Unquoted tokens become an int, a float, True/False/None, or else the stripped string;
    ``"..."`` (JSON quoting) or ``'...'`` (Python's) keeps a token a string. Empty unquoted
    tokens are dropped: a stray comma is a typo, not a choice ``''`` (write ``""`` for that).

    Examples
    --------
    >>> parse_choices('rbf, poly, 3, 0.5, True, "3", ')
    ['rbf', 'poly', 3, 0.5, True, '3']
    >>> parse_choices("'linear', '3'")
    ['linear', '3']
    """
    choices: list[Any] = []
    pos = 0
    while True:
        match = cast("re.Match[str]", _TOKEN.match(text, pos))  # the pattern matches at any position
        quoted, single, plain = match.groups()
        if quoted is not None or single is not None:
            try:
                choices.append(json.loads(quoted) if quoted is not None else ast.literal_eval(single))
            except (ValueError, SyntaxError):  # an escape neither knows: keep what was typed
                choices.append(quoted if quoted is not None else single)
        elif plain:
            choices.append(_parse_token(plain))
        if not match.group(0).endswith(","):
            return choices
        pos = match.end()


def _format_choice(choice: Any) -> str:
    if not isinstance(choice, str):
        return repr(choice)  # repr of a float parses back to the same float, and keeps 1.0 a float
    plain = choice and choice == choice.strip() and "," not in choice and not choice.startswith(('"', "'"))
    return choice if plain and _parse_token(choice) == choice else json.dumps(choice, ensure_ascii=False)


def format_choices(choices: Any) -> str:
    """The text :func:`parse_choices` reads back into the same choices (types included).

    Examples
    --------
    >>> format_choices(["rbf", 3, 1.0, True, "3", "a, b"])
    'rbf, 3, 1.0, True, "3", "a, b"'
    """
    return ", ".join(_format_choice(c) for c in choices)


def parse_condition(text: str, owner: str) -> tuple[str, list[Any]] | None:
    """``"kernel = rbf, poly"`` -> ``("kernel", ["rbf", "poly"])`` (values as in
    :func:`parse_choices`); blank text -> None (no condition).

    Examples
    --------
    >>> parse_condition("kernel = rbf, poly", "Float('gamma')"), parse_condition(" ", "Float('gamma')")
    (('kernel', ['rbf', 'poly']), None)
    """
    if not text.strip():
        return None
    parent, equals, values = text.partition("=")
    if not equals or not parent.strip():
        raise fail("condition", owner, "blank, or 'parent = value, value'", text)
    # Python's "==" is read as "=": its second "=" was taken as part of the value ("= rbf").
    return parent.strip(), parse_choices(values.removeprefix("="))


def format_condition(condition: Any) -> str:
    """The text :func:`parse_condition` reads back into ``condition`` (blank for None)."""
    return "" if condition is None else f"{condition.parent} = {format_choices(condition.values)}"


def _error_html(error: BaseException | None) -> str:
    # quote=False: the message's quotes stay readable in the HTML source tests and users see.
    return "" if error is None else f'<span style="color:#b00020">{html.escape(str(error), quote=False)}</span>'


class ParameterRow:
    """The widgets of one parameter, and the parameter they describe.

    Parameters
    ----------
    parameter : Parameter
        Initial values of the row.

    Attributes
    ----------
    name, low, high, choices : ipywidgets.Text
        Raw text as typed; ``low``/``high`` shown for float/int rows, ``choices`` (see
        :func:`parse_choices`) for categorical ones.
    kind, log, remove : ipywidgets.Dropdown, Checkbox, Button
        "float"/"int"/"categorical"; log scale (float/int only); removes the row from its editor.
    condition : ipywidgets.Text
        Empty, or ``parent = value, value`` (:func:`parse_condition`): the parameter exists only
        while the categorical or integer ``parent`` takes one of the values.
    message : ipywidgets.HTML
        The API's message for this row's first problem; empty when the row is valid.
    widget : ipywidgets.VBox
        The inputs on one line, the message below.
    """

    def __init__(self, parameter: Parameter):
        def width(w: str) -> widgets.Layout:  # one Layout per widget: hiding one must not hide its neighbours
            return widgets.Layout(width=w)

        numeric = parameter.kind != "categorical"
        self.name = widgets.Text(value=parameter.name, placeholder="name", layout=width("10em"))
        self.kind = widgets.Dropdown(options=list(PARAMETER_TYPES), value=parameter.kind, layout=width("8em"))
        self.low = widgets.Text(value=repr(getattr(parameter, "low", 0)), placeholder="low", layout=width("7em"))
        self.high = widgets.Text(value=repr(getattr(parameter, "high", 1)), placeholder="high", layout=width("7em"))
        self.log = widgets.Checkbox(value=getattr(parameter, "log", False), description="log", indent=False,
                                    layout=width("4em"))
        self.choices = widgets.Text(value="" if numeric else format_choices(getattr(parameter, "choices", ())),
                                    placeholder="a, b, 3, True", layout=width("20em"))
        self.condition = widgets.Text(value=format_condition(parameter.condition), placeholder="only if: parent = a, b",
                                      layout=width("14em"))
        self.remove = widgets.Button(icon="trash", tooltip="Remove this parameter", layout=width("3em"))
        self.message = widgets.HTML(value="")
        inputs = widgets.HBox([self.name, self.kind, self.low, self.high, self.log, self.choices, self.condition,
                               self.remove])
        self.widget = widgets.VBox([inputs, self.message])
        self.widget.add_class("ihpo-space-row")
        self.show_fields()
        #: The bound typed last ("low" or "high"): bounds in the wrong order name it. Float's own
        #: message names ``high`` even when the person changed ``low``. Observed before the
        #: editor's validation, which is attached later.
        self.edited_bound = "high"
        for bound in (self.low, self.high):
            bound.observe(lambda change: setattr(self, "edited_bound", change["owner"].placeholder), names="value")

    @property
    def inputs(self) -> list[widgets.ValueWidget]:
        """Every widget whose value describes the parameter."""
        return [self.name, self.kind, self.low, self.high, self.log, self.choices, self.condition]

    def show_fields(self) -> None:
        """Show bounds and log for numbers, the choices field for categoricals."""
        numeric = self.kind.value != "categorical"
        for field in (self.low, self.high, self.log):
            field.layout.display = None if numeric else "none"
        self.choices.layout.display = "none" if numeric else None

    def parameter(self) -> Parameter:
        """Build the parameter from the widgets' values; raises the API's InvalidParameterError."""
        kind = PARAMETER_TYPES[self.kind.value]
        name = self.name.value.strip()  # "lr " typed would reach the objective as params["lr "]
        owner = f"{kind.__name__}({name!r})"  # the owner the constructor itself names
        condition = parse_condition(self.condition.value, owner)
        if self.kind.value == "categorical":
            return kind(name, parse_choices(self.choices.value), condition=condition)  # type: ignore[call-arg]
        rule = "a real number" if kind is Float else "an int"
        bounds = []
        for field, text in (("low", self.low.value), ("high", self.high.value)):
            if (number := _number(text)) is None:
                raise fail(field, owner, rule, text)  # the typed text itself, quoted as typed
            bounds.append(number)
        low, high = bounds
        if self.edited_bound == "low" and high <= low:  # the constructor would blame high, untouched (NaN: its rule)
            shown_high = float(high) if kind is Float else high  # as the parameter will hold it
            raise fail("low", owner, f"less than high={shown_high!r}", low,
                       hint=None if low != high else
                       f"To fix {name!r} at {low!r}, use Categorical({name!r}, [{low!r}]).")
        return kind(name, low, high, log=self.log.value, condition=condition)  # type: ignore[call-arg]

    def close(self) -> None:
        """Close the row's widgets, their layouts and styles too (frees their comms in a long
        notebook session)."""
        for child in (*self.inputs, self.remove, self.message, self.widget):
            close_widgets(child)


class SpaceEditor:
    """Edit a search space in widgets; invalid entries are refused inline with the API's message.

    Parameters
    ----------
    space : SearchSpace or None
        The space to start from; None starts with one float parameter ``x1`` in [0, 1].
    errors : ErrorLog or None
        Where exceptions raised in widget callbacks (an ``on_apply`` callback, say) are shown.
        None creates one and places its widget at the bottom of the editor; a log passed in is
        assumed to be displayed by the app that owns it.
    check : callable or None
        ``check(space)`` raises InvalidParameterError for a valid space that what it is for cannot
        take (the Lab: ``LabController.check_space``); its message is then the space-level problem.

    Attributes
    ----------
    widget : ipywidgets.VBox
        The root container (CSS class ``ihpo-space-editor``).
    rows : list of ParameterRow
        One per parameter, in coordinate order.
    add, apply : ipywidgets.Button
        "Add parameter", and "Apply" (class ``ihpo-apply-space``, disabled while invalid).
    message : ipywidgets.HTML
        The space-level problem (duplicate names, no parameter, what ``check`` refuses).
    error_log : ErrorLog
        The log the callbacks report to.
    apply_error : ipywidgets.HTML
        Add's and Apply's errors, under Apply (a :meth:`~.ErrorLog.spot` of ``error_log``).

    Examples
    --------
    >>> from interactive_hpo import Float, SearchSpace
    >>> editor = SpaceEditor(SearchSpace([Float("lr", 1e-4, 1.0, log=True)]))
    >>> editor.rows[0].low.value = "abc"
    >>> editor.errors, editor.apply.disabled
    (["`low` of Float('lr') must be a real number; got 'abc'."], True)
    >>> editor.rows[0].low.value = "1e-3"
    >>> received = []
    >>> unsubscribe = editor.on_apply(received.append)
    >>> editor.apply.click()
    >>> received
    [SearchSpace([Float('lr', low=0.001, high=1.0, log=True)])]
    """

    def __init__(self, space: SearchSpace | None = None, errors: ErrorLog | None = None,
                 check: Callable[[SearchSpace], Any] | None = None):
        if space is not None and not isinstance(space, SearchSpace):
            raise fail("space", "SpaceEditor", "a SearchSpace or None", space)
        if errors is not None and not isinstance(errors, ErrorLog):
            raise fail("errors", "SpaceEditor", "an ErrorLog or None", errors)
        if check is not None and not callable(check):
            raise fail("check", "SpaceEditor", "a callable check(space), or None", check)
        self._check = check
        self.error_log = errors if errors is not None else ErrorLog()
        self.rows: list[ParameterRow] = []
        self._callbacks: list[Callable[[SearchSpace], Any]] = []
        self._rows_box = widgets.VBox([])
        # Add's and Apply's errors show right under Apply, the editor's last button (ErrorLog.spot).
        self.apply_error = self.error_log.spot()
        self.add = widgets.Button(description="Add parameter", icon="plus", layout=widgets.Layout(width="auto"))
        self.add.on_click(self.error_log.guard(lambda _: self.add_row(), at=self.apply_error))
        self.message = widgets.HTML(value="")
        self.apply = widgets.Button(description="Apply", button_style="primary")
        self.apply.add_class("ihpo-apply-space")
        self.apply.on_click(self.error_log.guard(lambda _: self.apply_space(), at=self.apply_error))
        children = [self._rows_box, self.add, self.message, self.apply, self.apply_error]
        if errors is None:
            children.append(self.error_log.view)
        self.widget = widgets.VBox(children)
        self.widget.add_class("ihpo-space-editor")
        self.load(space if space is not None else SearchSpace([Float("x1", 0.0, 1.0)]))

    # -- rows ---------------------------------------------------------------------------------
    def load(self, space: SearchSpace) -> None:
        """Replace every row by the parameters of ``space``."""
        if not isinstance(space, SearchSpace):
            raise fail("space", "SpaceEditor.load", "a SearchSpace", space)
        for row in self.rows:
            row.close()
        self.rows = []
        for parameter in space:
            self._attach(ParameterRow(parameter))
        self.refresh()

    def add_row(self, parameter: Parameter | None = None) -> ParameterRow:
        """Append a row for ``parameter`` (default: a float in [0, 1] with a fresh name ``x<k>``)."""
        if parameter is not None and not isinstance(parameter, Parameter):
            raise fail("parameter", "SpaceEditor.add_row", "a Float, Int or Categorical, or None", parameter)
        if parameter is None:
            taken = {row.name.value for row in self.rows}
            k = len(self.rows) + 1
            while f"x{k}" in taken:
                k += 1
            parameter = Float(f"x{k}", 0.0, 1.0)
        row = self._attach(ParameterRow(parameter))
        self.refresh()
        return row

    def remove_row(self, row: ParameterRow) -> None:
        """Remove ``row`` (an empty editor is allowed, and shows SearchSpace's own error)."""
        if not any(row is mine for mine in self.rows):  # list.remove compares with ==, an error naming nothing
            raise fail("row", "SpaceEditor.remove_row", "one of the editor's rows", row)
        self.rows.remove(row)
        row.close()
        self.refresh()

    def _attach(self, row: ParameterRow) -> ParameterRow:
        # Observers are attached after the row holds its initial values, so loading a space
        # validates once instead of once per widget.
        for field in row.inputs:
            field.observe(self.error_log.guard(lambda _change, row=row: self._changed(row)), names="value")
        row.remove.on_click(self.error_log.guard(lambda _, row=row: self.remove_row(row)))
        self.rows.append(row)
        return row

    def _changed(self, row: ParameterRow) -> None:
        row.show_fields()
        self.refresh()

    # -- validation -----------------------------------------------------------------------------
    def refresh(self) -> tuple[SearchSpace | None, list[InvalidParameterError]]:
        """Validate every row and update the messages and the Apply button.

        Returns ``(space or None, problems)``: the InvalidParameterErrors in row order, then the
        space-level one; ``space`` is None unless there is no problem.
        """
        self._rows_box.children = [row.widget for row in self.rows]
        params, problems = [], []
        for row in self.rows:
            try:
                params.append(row.parameter())
                row.message.value = ""
            except InvalidParameterError as error:
                problems.append(error)
                row.message.value = _error_html(error)
        space, space_error = None, None
        # With every row invalid there is nothing to compare; otherwise the valid rows already
        # reveal duplicate names, and zero rows gets SearchSpace's "non-empty" message.
        if params or not problems:
            try:
                space = SearchSpace(params)
                if self._check is not None and not problems:
                    self._check(space)
            except InvalidParameterError as error:
                space_error = error
                problems.append(error)
        self.message.value = _error_html(space_error)
        self.apply.disabled = bool(problems)
        return (space if not problems else None), problems

    @property
    def errors(self) -> list[str]:
        """The current messages, first problem first; empty when the space is valid."""
        return [str(error) for error in self.refresh()[1]]

    @property
    def space(self) -> SearchSpace:
        """The edited space; raises the InvalidParameterError of the first problem."""
        space, problems = self.refresh()
        if problems:
            raise problems[0]
        return space  # type: ignore[return-value]  # no problem means SearchSpace() succeeded

    # -- apply ----------------------------------------------------------------------------------
    def on_apply(self, callback: Callable[[SearchSpace], Any]) -> Callable[[], None]:
        """Call ``callback(space)`` whenever Apply is clicked; returns a function that unregisters it."""
        if not callable(callback):
            raise fail("callback", "SpaceEditor.on_apply", "a callable callback(space)", callback)
        self._callbacks.append(callback)
        return lambda: self._callbacks.remove(callback) if callback in self._callbacks else None

    def apply_space(self) -> SearchSpace:
        """What Apply does: hand the current space to every callback (raises if it is invalid)."""
        space = self.space
        for callback in list(self._callbacks):
            callback(space)
        return space
