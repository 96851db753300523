"""SpaceEditor driven headlessly: set widget values, click buttons, assert on data and messages."""

from __future__ import annotations

import html
import re

import pytest

from interactive_hpo import Categorical, Float, Int, InvalidParameterError, SearchSpace
from interactive_hpo.ui.errors import ErrorLog
from interactive_hpo.ui.space_editor import SpaceEditor, format_choices, parse_choices

SPACE = SearchSpace([Float("lr", 1e-4, 1.0, log=True), Int("depth", 1, 8), Categorical("act", ["relu", "tanh"])])
LR, DEPTH, ACT = 0, 1, 2


def shown(message):
    """How a message appears in an HTML message area."""
    return html.escape(message, quote=False)


def api_message(build):
    with pytest.raises(InvalidParameterError) as info:
        build()
    return str(info.value)


# Each case: the edits (row, widget, typed value), where the message appears (a row index or
# "space"), the message the user reads, and the API call that raises that same message (None
# when the text is not a number at all, which the editor refuses before calling the API).
BAD_INPUTS = [
    ("float low not a number", [(LR, "low", "abc")], LR,
     "`low` of Float('lr') must be a real number; got 'abc'.", None),
    ("float high empty", [(LR, "high", "")], LR,
     "`high` of Float('lr') must be a real number; got ''.", None),
    ("float low zero on log scale", [(LR, "low", "0")], LR,
     "`low` of Float('lr') must be > 0 when log=True; got 0. A log scale needs a positive lower bound; "
     "raise `low` or set log=False.", lambda: Float("lr", 0, 1.0, log=True)),
    ("log switched on over a zero low", [(LR, "log", False), (LR, "low", "0"), (LR, "log", True)], LR,
     "`low` of Float('lr') must be > 0 when log=True; got 0.", lambda: Float("lr", 0, 1.0, log=True)),
    ("float reversed bounds", [(LR, "high", "1e-5")], LR,
     "`high` of Float('lr') must be greater than low=0.0001; got 1e-05.", lambda: Float("lr", 1e-4, 1e-5)),
    # Float itself names `high` ("must be greater than low=20.0; got 10.0") though `low` was typed last.
    ("float low typed above high", [(LR, "high", "10"), (LR, "low", "20")], LR,
     "`low` of Float('lr') must be less than high=10.0; got 20.", None),
    ("int low typed equal to high", [(DEPTH, "low", "8")], DEPTH,
     "`low` of Int('depth') must be less than high=8; got 8. To fix 'depth' at 8, use Categorical('depth', [8]).",
     None),
    ("float high typed below low after low", [(LR, "low", "0.5"), (LR, "high", "0.1")], LR,
     "`high` of Float('lr') must be greater than low=0.5; got 0.1.", lambda: Float("lr", 0.5, 0.1)),
    ("float nan bound", [(LR, "low", "nan")], LR,
     "`low` of Float('lr') must be a finite real number in (-inf, inf); got nan.",
     lambda: Float("lr", float("nan"), 1.0)),
    ("float infinite bound", [(LR, "high", "inf")], LR,
     "`high` of Float('lr') must be a finite real number in (-inf, inf); got inf.",
     lambda: Float("lr", 1e-4, float("inf"))),
    ("empty name", [(LR, "name", "")], LR,
     "`name` of Float must be a non-empty str; got ''.", lambda: Float("", 0.0, 1.0)),
    ("blank name", [(LR, "name", "   ")], LR,  # trimmed as typed: blank is empty
     "`name` of Float must be a non-empty str; got ''.", lambda: Float("", 0.0, 1.0)),
    ("int with a fractional bound", [(DEPTH, "low", "1.5")], DEPTH,
     "`low` of Int('depth') must be an int in (-inf, inf); got 1.5.", lambda: Int("depth", 1.5, 8)),
    ("int bound not a number", [(DEPTH, "high", "eight")], DEPTH,
     "`high` of Int('depth') must be an int; got 'eight'.", None),
    ("int equal bounds", [(DEPTH, "high", "1")], DEPTH,
     "`high` of Int('depth') must be greater than low=1; got 1.", lambda: Int("depth", 1, 1)),
    ("int log with low 0", [(DEPTH, "low", "0"), (DEPTH, "log", True)], DEPTH,
     "`low` of Int('depth') must be > 0 when log=True; got 0.", lambda: Int("depth", 0, 8, log=True)),
    ("float switched to int keeps a fractional low", [(LR, "kind", "int")], LR,
     "`low` of Int('lr') must be an int in (-inf, inf); got 0.0001.", lambda: Int("lr", 1e-4, 1)),
    ("empty choices", [(ACT, "choices", "")], ACT,
     "`choices` of Categorical('act') must be a non-empty list of str, int, float, bool or None; got [].",
     lambda: Categorical("act", [])),
    ("only commas", [(ACT, "choices", " , ,")], ACT,
     "`choices` of Categorical('act') must be a non-empty list of str, int, float, bool or None; got [].",
     lambda: Categorical("act", [])),
    ("duplicate choices", [(ACT, "choices", "relu, tanh, relu")], ACT,
     "`choices` of Categorical('act') must be a list without duplicates; got ['relu', 'tanh', 'relu']. "
     "'relu' appears twice.", lambda: Categorical("act", ["relu", "tanh", "relu"])),
    ("int and float choice are one category", [(ACT, "choices", "1, 1.0")], ACT,
     "`choices` of Categorical('act') must be a list without duplicates; got [1, 1.0]. 1.0 appears twice.",
     lambda: Categorical("act", [1, 1.0])),
    ("nan choice", [(ACT, "choices", "relu, nan")], ACT,
     "`choices` of Categorical('act') must be a list of str, int, float, bool or None (finite); "
     "got ['relu', nan]. nan cannot be stored in a JSON journal.", lambda: Categorical("act", ["relu", float("nan")])),
    ("categorical name empty", [(ACT, "name", "")], ACT,
     "`name` of Categorical must be a non-empty str; got ''.", lambda: Categorical("", ["relu"])),
    ("duplicate names", [(DEPTH, "name", "lr")], "space",
     "`params` of SearchSpace must be a list with unique names; got ['lr', 'lr', 'act']. Duplicated: lr.",
     lambda: SearchSpace([Float("lr", 0, 1), Int("lr", 1, 8), Categorical("act", ["relu"])])),
]


@pytest.mark.parametrize("edits, where, expected, api", [c[1:] for c in BAD_INPUTS], ids=[c[0] for c in BAD_INPUTS])
def test_bad_input_is_refused_inline_with_the_api_message(edits, where, expected, api):
    editor = SpaceEditor(SPACE)
    for row, field, value in edits:
        getattr(editor.rows[row], field).value = value

    assert len(editor.errors) == 1
    assert expected in editor.errors[0]
    if api is not None:  # the very text the API raises, not a paraphrase
        assert editor.errors[0] == api_message(api)
    areas = [row.message for row in editor.rows] + [editor.message]
    target = areas[-1] if where == "space" else areas[where]
    assert shown(expected) in target.value
    assert all(area.value == "" for area in areas if area is not target)
    assert editor.apply.disabled
    with pytest.raises(InvalidParameterError, match=re.escape(expected)):
        _ = editor.space


def test_a_name_typed_with_spaces_around_it_is_the_name_without_them():
    # "lr " reached the objective as params["lr "], and every trial failed with KeyError: 'lr'.
    editor = SpaceEditor(SPACE)
    editor.rows[DEPTH].name.value = " depth2 "
    assert not editor.errors and editor.space.names == ["lr", "depth2", "act"]
    assert Float(" padded ", 0, 1).name == " padded "  # the API keeps what it is given (journals, Optuna)


def test_fixing_the_input_clears_the_message_and_enables_apply():
    editor = SpaceEditor(SPACE)
    editor.rows[LR].low.value = "-1"
    assert editor.apply.disabled and editor.rows[LR].message.value
    editor.rows[LR].log.value = False
    assert editor.errors == [] and not editor.apply.disabled
    assert editor.rows[LR].message.value == "" and editor.message.value == ""
    assert editor.space["lr"] == Float("lr", -1.0, 1.0)


def test_errors_list_every_row_problem_in_row_order():
    editor = SpaceEditor(SPACE)
    editor.rows[ACT].choices.value = ""
    editor.rows[LR].high.value = "x"
    assert [e.split(" must")[0] for e in editor.errors] == ["`high` of Float('lr')", "`choices` of Categorical('act')"]
    with pytest.raises(InvalidParameterError, match="`high` of Float"):
        _ = editor.space  # the first problem


def test_duplicate_names_are_reported_while_another_row_is_invalid():
    editor = SpaceEditor(SPACE)
    editor.rows[DEPTH].name.value = "lr"
    editor.rows[ACT].choices.value = ""
    assert len(editor.errors) == 2
    assert "Duplicated: lr." in editor.message.value


# -- round trips -----------------------------------------------------------------------------
ROUND_TRIPS = {
    "float": SearchSpace([Float("x", -2.5, 3.0)]),
    "log float": SearchSpace([Float("C", 1e-3, 1e3, log=True)]),
    "awkward floats": SearchSpace([Float("x", 0.1, 1 / 3), Float("tiny", 1e-300, 1e300, log=True)]),
    "int": SearchSpace([Int("depth", -3, 8)]),
    "log int": SearchSpace([Int("n", 10, 10_000, log=True)]),
    "categorical": SearchSpace([Categorical("kernel", ["rbf", "poly", 3, True])]),
    "categorical edge choices": SearchSpace([Categorical("c", [0.5, 1.0, None, False, "3", "True", "a, b", "",
                                                                " padded", '"quoted', "nan", "-", "é"])]),
    "mixed": SPACE,
}


@pytest.mark.parametrize("space", ROUND_TRIPS.values(), ids=ROUND_TRIPS.keys())
def test_round_trip(space):
    edited = SpaceEditor(space).space
    assert edited == space
    # SearchSpace equality does not tell True from 1 or 1.0 from 1 (see the xfail below): check types too.
    for ours, theirs in zip(edited, space, strict=True):
        assert [type(c) for c in getattr(ours, "choices", ())] == [type(c) for c in getattr(theirs, "choices", ())]


PARSED = [
    ("rbf, poly, 3, True", ["rbf", "poly", 3, True]),
    ("  a ,b  ,c", ["a", "b", "c"]),
    ("1, 1.5, -2, 1e3, False, None", [1, 1.5, -2, 1000.0, False, None]),
    ('"3", "True", "a, b", ""', ["3", "True", "a, b", ""]),
    ("a,, b,", ["a", "b"]),  # stray commas are typos, not '' choices
    ('x"y, "z', ['x"y', '"z']),  # an unbalanced quote is kept as typed
    ("true, none", ["true", "none"]),  # only Python's spelling is a bool/None
    # Python's quotes too (a334: 'rbf' kept its quotes and matched no choice of the parent)
    ("'rbf', 'poly', '3', 'it\\'s'", ["rbf", "poly", "3", "it's"]),
    ("'a, b', x", ["a, b", "x"]),
    ("", []),
]


@pytest.mark.parametrize("text, choices", PARSED, ids=[p[0] for p in PARSED])
def test_parse_choices(text, choices):
    parsed = parse_choices(text)
    assert parsed == choices and [type(c) for c in parsed] == [type(c) for c in choices]


def test_format_choices_reads_back():
    choices = ["rbf", 3, 1.0, True, None, "3", "a, b", "", '"q', "x\\y", "'q'", "'"]
    again = parse_choices(format_choices(choices))
    assert again == choices and [type(c) for c in again] == [type(c) for c in choices]


# -- rows --------------------------------------------------------------------------------------
def test_default_editor_and_add_parameter():
    editor = SpaceEditor()
    assert editor.space == SearchSpace([Float("x1", 0.0, 1.0)])
    editor.add.click()
    assert editor.space.names == ["x1", "x2"]
    assert editor.space["x2"] == Float("x2", 0.0, 1.0)
    editor.rows[0].name.value = "x3"  # the next fresh name skips names already taken
    editor.add.click()
    assert editor.space.names == ["x3", "x2", "x4"]
    assert len(editor.widget.children[0].children) == 3


def test_remove_parameter_and_empty_space():
    editor = SpaceEditor(SPACE)
    editor.rows[DEPTH].remove.click()
    assert editor.space.names == ["lr", "act"]
    for row in list(editor.rows):
        row.remove.click()
    expected = "`params` of SearchSpace must be a non-empty list of Float, Int or Categorical; got []."
    assert editor.errors == [expected] == [api_message(lambda: SearchSpace([]))]
    assert shown(expected) in editor.message.value and editor.apply.disabled
    editor.add.click()
    assert editor.space == SearchSpace([Float("x1", 0.0, 1.0)]) and not editor.apply.disabled


def test_changing_the_kind_shows_the_matching_fields():
    editor = SpaceEditor(SPACE)
    row = editor.rows[ACT]
    assert row.low.layout.display == "none" and row.choices.layout.display is None
    assert row.name.layout.display is None and row.kind.layout.display is None  # hiding never spreads
    row.kind.value = "float"  # a categorical row carries default bounds 0 and 1
    assert row.low.layout.display is None and row.log.layout.display is None
    assert row.choices.layout.display == "none" and row.kind.layout.display is None
    assert editor.space["act"] == Float("act", 0.0, 1.0)
    row.kind.value = "categorical"
    row.choices.value = "a, b"
    assert editor.space["act"] == Categorical("act", ["a", "b"])


def test_load_replaces_the_rows():
    editor = SpaceEditor(SPACE)
    other = SearchSpace([Int("k", 1, 5)])
    editor.load(other)
    assert len(editor.rows) == 1 and editor.space == other


# -- apply ---------------------------------------------------------------------------------------
def test_apply_is_disabled_while_invalid_and_hands_over_the_space():
    editor = SpaceEditor(SPACE)
    received = []
    editor.on_apply(received.append)
    assert not editor.apply.disabled and "ihpo-apply-space" in editor.apply._dom_classes
    assert "ihpo-space-editor" in editor.widget._dom_classes
    editor.rows[DEPTH].high.value = "16"
    editor.apply.click()
    assert received == [SearchSpace([Float("lr", 1e-4, 1.0, log=True), Int("depth", 1, 16), SPACE["act"]])]
    assert isinstance(received[0], SearchSpace)
    editor.rows[DEPTH].high.value = "0"
    assert editor.apply.disabled
    editor.apply.click()  # click() runs handlers even on a disabled button: nothing is applied
    assert len(received) == 1
    assert "must be greater than low=1; got 0." in editor.apply_error.value  # under Apply (ErrorLog.spot)
    assert editor.error_log.widget.value == ""


def test_unsubscribe():
    editor = SpaceEditor(SPACE)
    received = []
    unsubscribe = editor.on_apply(received.append)
    unsubscribe()
    unsubscribe()  # twice is harmless
    editor.apply.click()
    assert received == []


def test_error_in_apply_callback_lands_in_the_error_log():
    log = ErrorLog()
    editor = SpaceEditor(SPACE, errors=log)
    assert log.widget not in editor.widget.children  # a log passed in is displayed by its owner

    def broken(space):
        raise RuntimeError("the study refused the space")

    later = []
    editor.on_apply(broken)
    editor.on_apply(later.append)
    editor.apply.click()  # does not raise
    assert [str(e) for e in log.errors] == ["the study refused the space"]
    assert "RuntimeError: the study refused the space" in editor.apply_error.value and log.widget.value == ""
    assert later == []  # callbacks run in order; a failure stops the rest, visibly


def test_a_space_its_check_refuses_is_a_space_level_problem_checked_only_once_every_row_is_valid():
    def at_most_two(space):
        if len(space) > 2:
            raise InvalidParameterError("three is too many")

    editor = SpaceEditor(SearchSpace([Float("a", 0, 1)]), check=at_most_two)
    editor.add.click()
    assert not editor.apply.disabled and editor.message.value == ""
    editor.add.click()
    assert editor.apply.disabled and editor.errors == ["three is too many"]
    assert "three is too many" in editor.message.value
    editor.rows[-1].low.value = "abc"  # a row's own problem first: no space to check
    assert editor.errors == ["`low` of Float('x3') must be a real number; got 'abc'."] and editor.message.value == ""


def test_own_error_log_is_part_of_the_editor():
    editor = SpaceEditor(SPACE)
    assert editor.error_log.view in editor.widget.children


@pytest.mark.parametrize(
    "call, expected",
    [
        (lambda: SpaceEditor([Float("x", 0, 1)]), "`space` of SpaceEditor must be a SearchSpace or None; got ["),
        (lambda: SpaceEditor(SPACE, errors=[]), "`errors` of SpaceEditor must be an ErrorLog or None; got []."),
        (lambda: SpaceEditor(SPACE).on_apply(None), "`callback` of SpaceEditor.on_apply must be a callable"),
        (lambda: SpaceEditor(SPACE, check="x"), "`check` of SpaceEditor must be a callable check(space), or None; "
                                                "got 'x'."),
    ],
)
def test_constructor_input_errors(call, expected):
    with pytest.raises(InvalidParameterError, match=re.escape(expected)):
        call()


def test_core_categorical_equality_tells_bool_int_and_float_apart():
    # Categorical itself treats True and 1 as different categories (Categorical._same), but two
    # spaces differing only in that compare equal, and equal objects get different hashes.
    ints, bools = Categorical("k", [1, 2]), Categorical("k", [True, 2])
    assert ints != bools
    assert SearchSpace([ints]) != SearchSpace([bools])
    assert Categorical("k", [1, 2]) != Categorical("k", [1.0, 2])


def test_load_refuses_what_is_not_a_space():
    expected = "`space` of SpaceEditor.load must be a SearchSpace; got"
    with pytest.raises(InvalidParameterError, match=re.escape(expected)):
        SpaceEditor().load([Float("x", 0, 1)])
