"""A hand-edited ``SearchSpace.from_dict`` input gets an error that says what is wrong in it:
the entry, the key that is unknown or missing and the keys the type takes, a ``type`` that is
no type name (even a list, which is unhashable), never a bare TypeError."""

from __future__ import annotations

import json
import re

import pytest

from interactive_hpo import Float, Int, InvalidParameterError, SearchSpace, StorageError, Study

X = {"type": "float", "name": "x", "low": 0.0, "high": 1.0}
FLOAT_KEYS = "'type', 'name', 'low', 'high', 'log', 'condition' ('name', 'low', 'high' required)"


@pytest.mark.parametrize("entry, message", [
    ({**X, "type": ["float"]},
     "`params[0].type` of SearchSpace.from_dict must be one of ['float', 'int', 'categorical']; got ['float']."),
    ({**X, "type": {"float": 1}},
     "`params[0].type` of SearchSpace.from_dict must be one of ['float', 'int', 'categorical']; got {'float': 1}."),
    ("x", "`params[0]` of SearchSpace.from_dict must be a dict with a 'type' key; got 'x'."),
    ({"type": "float", "name": "x", "low": 0.0, "hi": 1.0},
     f"`params[0]` of SearchSpace.from_dict must be the fields of Float: {FLOAT_KEYS}; got {{'type': 'float', "
     "'name': 'x', 'low': 0.0, 'hi': 1.0}. Unknown key(s): 'hi' (did you mean 'high'?). Missing key(s): 'high'."),
    ({**X, "colour": "red"},
     f"`params[0]` of SearchSpace.from_dict must be the fields of Float: {FLOAT_KEYS}; got {{'type': 'float', "
     "'name': 'x', 'low': 0.0, 'high': 1.0, 'colour': 'red'}. Unknown key(s): 'colour'."),
    ({"type": "int", "name": "n", "low": 1},
     "`params[0]` of SearchSpace.from_dict must be the fields of Int: 'type', 'name', 'low', 'high', 'log', "
     "'condition' ('name', 'low', 'high' required); got {'type': 'int', 'name': 'n', 'low': 1}. "
     "Missing key(s): 'high'."),
    ({"type": "categorical", "name": "c", "choice": ["a"]},
     "`params[0]` of SearchSpace.from_dict must be the fields of Categorical: 'type', 'name', 'choices', "
     "'condition' ('name', 'choices' required); got {'type': 'categorical', 'name': 'c', 'choice': ['a']}. "
     "Unknown key(s): 'choice' (did you mean 'choices'?). Missing key(s): 'choices'."),
    ({**X, 1: 2}, f"`params[0]` of SearchSpace.from_dict must be the fields of Float: {FLOAT_KEYS}; got "
     "{'type': 'float', 'name': 'x', 'low': 0.0, 'high': 1.0, 1: 2}. Unknown key(s): 1."),
])
def test_a_broken_entry_says_what_is_wrong(entry, message):
    with pytest.raises(InvalidParameterError, match=f"^{re.escape(message)}$"):
        SearchSpace.from_dict({"params": [entry]})


def test_a_field_refused_by_its_type_names_the_entry_too():
    with pytest.raises(InvalidParameterError, match=re.escape("`low` of Float('x') must be a finite real")) as caught:
        SearchSpace.from_dict({"params": [{**X, "name": "y"}, {**X, "low": "0"}]})
    assert caught.value.__notes__ == ["In params[1] of SearchSpace.from_dict."]


def test_study_on_a_journal_whose_space_is_unreadable_does_not_send_to_study_load(tmp_path):
    """Study.load refuses the header: a Study given a space says what Study.load says, not
    "Study.load(path) opens it as it is"; the file is left as it was."""
    space = SearchSpace([Float("x", -2.0, 2.0), Int("n", 1, 5)])
    path = tmp_path / "edited.jsonl"
    Study(space, "random", seed=0, storage=path).run(lambda p: 1.0, 2)
    lines = path.read_text().splitlines()
    header = json.loads(lines[0])
    header["space"]["params"][0]["type"] = ["float"]
    path.write_text("\n".join([json.dumps(header), *lines[1:]]) + "\n")
    before = path.read_bytes()
    expected = (f"{path}, line 1: the header's search space is unreadable (`params[0].type` of "
                "SearchSpace.from_dict must be one of ['float', 'int', 'categorical']; got ['float'].).")
    for opening in (lambda: Study.load(path), lambda: Study(space, storage=path)):
        with pytest.raises(StorageError, match=f"^{re.escape(expected)}$"):
            opening()
    assert path.read_bytes() == before
