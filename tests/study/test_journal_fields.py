"""A journal line whose field breaks its rule is refused on load, naming the file, the line, the
field, the rule and the value, and the file is left byte for byte as it was.

Each of these loaded before (a fuzz of hand-edited journals) and failed later with Python's
error (a date ``trials_dataframe`` could not show, a step a curve could not sort) or with an
error naming ``fork_study``'s arguments. The rules are ``Study.add_finished``'s
(``study.trial_fields``).
"""

from __future__ import annotations

import json
import os
import re

import pytest

from interactive_hpo import Categorical, Float, Int, SearchSpace, Study, TrialState
from interactive_hpo.exceptions import InvalidParameterError, StorageError
from interactive_hpo.study.branching import fork_study

SPACE = SearchSpace([Float("x", -2.0, 2.0), Int("n", 1, 5), Categorical("c", ["a", "b"])])
GOOD = {"x": 0.5, "n": 2, "c": "a"}


@pytest.fixture(scope="module")
def journal(tmp_path_factory):
    """Lines: 2 asked 0, 3-4 its reports, 5 finished 0 (COMPLETE), 6 asked 1, 7 finished 1 (FAILED),
    8 added 2, 9 asked 3, 10 finished 3 (PRUNED)."""
    path = tmp_path_factory.mktemp("journal") / "study.jsonl"
    study = Study(SPACE, seed=0, storage=path)
    trial = study.ask()
    study.report(trial, 0.5, step=1)
    study.report(trial, 0.4, step=2)
    study.tell(trial, 0.3)
    study.tell(study.ask(), state="FAILED")
    study.add_manual(GOOD, 1.0)
    study.add_finished(GOOD, state="PRUNED", value=0.5, source="elsewhere", generation=2)
    return path.read_bytes()


def edited(journal, tmp_path, line, change, name="study.jsonl"):
    """A copy of ``journal`` whose line ``line`` (1-based) is ``change``d (a function of its event)."""
    lines = journal.splitlines(keepends=True)
    event = json.loads(lines[line - 1])
    change(event)
    lines[line - 1] = (json.dumps(event) + "\n").encode()
    path = tmp_path / name
    path.write_bytes(b"".join(lines))
    return path


def setting(*keys_and_value):
    """A change that sets ``event[k1][k2]... = value``."""
    *keys, last, value = keys_and_value

    def change(event):
        for key in keys:
            event = event[key]
        event[last] = value
    return change


def refused(path, line, field, shown_value):
    """Load ``path``: a StorageError naming the file, ``line``, ``field`` and the value (as
    ``shown_value``), the file left as it was. Returns the message."""
    before = path.read_bytes()
    with pytest.raises(StorageError) as caught:
        Study.load(path)
    message = str(caught.value)
    assert message.startswith(f"{path}, line {line}: `{field}` of "), message
    assert f"; got {shown_value}." in message, message
    assert message.endswith("The file is corrupted or was edited by hand; it was left as it is."), message
    assert path.read_bytes() == before
    return message


def test_the_journal_loads_as_written(journal, tmp_path):
    path = tmp_path / "study.jsonl"
    path.write_bytes(journal)
    study = Study.load(path)
    assert [t.state for t in study.trials] == [TrialState.COMPLETE, TrialState.FAILED, TrialState.COMPLETE,
                                               TrialState.PRUNED]
    assert dict(study.trials[0].intermediate_values) == {1: 0.5, 2: 0.4} and study.trials[3].generation == 2


@pytest.mark.parametrize(("line", "keys", "value", "shown", "rule"), [
    (5, ["datetime_complete"], "yesterday", "'yesterday'", "a Unix timestamp (a finite real number), or None (not "
                                                            "recorded)"),
    (5, ["datetime_complete"], [1, 2], "[1, 2]", "a Unix timestamp"),
    (2, ["trial", "datetime_start"], "yesterday", "'yesterday'", "a Unix timestamp"),
    # Finite, but no date: trials_dataframe failed with OverflowError.
    (2, ["trial", "datetime_start"], 1e300, "1e+300", "a Unix timestamp of a date within the years 1 to 9999, or "
                                                      "None (not recorded)"),
    (5, ["datetime_complete"], -10**30, "-1e+30", "a Unix timestamp of a date within the years 1 to 9999"),
    (8, ["trial", "datetime_complete"], 1e300, "1e+300", "a Unix timestamp of a date within the years 1 to 9999"),
])
def test_a_timestamp_that_is_no_date_is_refused(journal, tmp_path, line, keys, value, shown, rule):
    path = edited(journal, tmp_path, line, setting(*keys, value))
    message = refused(path, line, keys[-1], shown)
    assert f"must be {rule}" in message


@pytest.mark.parametrize(("field", "value", "shown", "rule"), [
    # A str or None step loaded, and then every learning curve failed sorting steps with Python's TypeError.
    ("step", "3", "'3'", "a finite real number >= 0"),
    ("step", None, "None", "a finite real number >= 0"),
    ("step", True, "True", "a finite real number >= 0"),  # it was step 1, which fork_study refused
    ("step", -1, "-1", "a finite real number >= 0"),
    ("value", "low", "'low'", "a real number, or None (NaN: a diverged run)"),
    ("value", True, "True", "a real number"),  # it was the value 1.0
])
def test_a_report_whose_step_or_value_breaks_its_rule_is_refused(journal, tmp_path, field, value, shown, rule):
    path = edited(journal, tmp_path, 3, setting(field, value))
    message = refused(path, 3, field, shown)
    assert f'`{field}` of this "reported" event must be {rule}' in message


def test_a_report_at_a_fractional_step_loads(journal, tmp_path):
    # Study.report takes any finite step >= 0 (a budget, a number of samples): so does a journal.
    study = Study.load(edited(journal, tmp_path, 3, setting("step", 2.5)))
    assert dict(study.trials[0].intermediate_values) == {2.5: 0.5, 2: 0.4}


@pytest.mark.parametrize(("line", "keys", "value", "shown", "rule"), [
    # A FAILED trial with a value loaded, and fork_study then refused it naming its own `value`.
    (7, ["value"], 2.5, "2.5", "None for a FAILED trial (a failed trial has no value)"),
    (5, ["value"], None, "None", "a finite real number"),  # a COMPLETE trial without a value
    (5, ["value"], "0.3", "'0.3'", "a finite real number"),
    (5, ["value"], True, "True", "a finite real number"),
    (5, ["value"], 10**400, "an int of about 401 digits", "a finite real number"),
    (10, ["value"], "high", "'high'", "a real number or None for a PRUNED trial"),
    (2, ["trial", "value"], 1.0, "1.0", "None for a RUNNING trial (it has no result yet)"),
    (8, ["trial", "value"], None, "None", "a finite real number"),  # an added, COMPLETE trial
    (5, ["values"], [1.0, 2.0], "[1.0, 2.0]", "None in a study of one objective"),
    (7, ["constraints"], [0.5], "[0.5]", "None for a FAILED trial (only a COMPLETE trial's constraint values are "
                                         "kept)"),
    (5, ["constraints"], ["a"], "['a']", "None or a list of finite real numbers"),
])
def test_a_value_that_does_not_fit_its_trial_s_state_is_refused(journal, tmp_path, line, keys, value, shown, rule):
    path = edited(journal, tmp_path, line, setting(*keys, value))
    message = refused(path, line, keys[-1], shown)
    assert f"must be {rule}" in message


@pytest.mark.parametrize(("value", "shown", "rule"), [
    # Loaded, and then every fork_study of the study refused `generation` of fork_study.
    (10**30, "1000000000000000000000000000000", "an int in [0, 9223372036854775807]"),
    (-1, "-1", "an int in [0, inf)"),
    (1.5, "1.5", "an int in [0, inf)"),
    (True, "True", "an int in [0, inf)"),
])
def test_a_generation_that_is_no_int64_is_refused(journal, tmp_path, value, shown, rule):
    path = edited(journal, tmp_path, 9, setting("trial", "generation", value))
    message = refused(path, 9, "generation", shown)
    assert f'`generation` of the trial of this "asked" event must be {rule}' in message


@pytest.mark.parametrize(("line", "keys", "value", "field", "shown"), [
    # user_attrs as pairs became a dict with int keys: every trials_dataframe failed sorting its columns.
    (2, ["trial", "user_attrs"], [[1, 2]], "user_attrs", "[[1, 2]]"),
    (5, ["user_attrs"], [[1, 2]], "user_attrs", "[[1, 2]]"),
    (2, ["trial", "intermediate_values"], [["3", 1.0]], "intermediate_values", "'3'"),  # a str step
    (2, ["trial", "intermediate_values"], [[1, "x"]], "intermediate_values", "[[1, 'x']]"),
    (2, ["trial", "intermediate_values"], {"1": 0.5}, "intermediate_values", "{'1': 0.5}"),
    (2, ["trial", "budget"], 0, "budget", "0"),
    (8, ["trial", "source"], "", "source", "''"),
    (8, ["trial", "number"], "2", "number", "'2'"),  # int("2") was 2; a fork then failed on the str
    (8, ["trial", "state"], "FAILED", "state", "'FAILED'"),
    (8, ["trial", "params"], {"x": 0.5, "n": 9, "c": "a"}, "params", "{'x': 0.5, 'n': 9, 'c': 'a'}"),
    (5, ["state"], "RUNNING", "state", "'RUNNING'"),
    (5, ["state"], "complete", "state", "'complete'"),  # a journal's states are read as written
])
def test_other_trial_fields_are_refused_by_their_rules(journal, tmp_path, line, keys, value, field, shown):
    refused(edited(journal, tmp_path, line, setting(*keys, value)), line, field, shown)


def test_an_override_names_a_known_action(journal, tmp_path):
    path = edited(journal, tmp_path, 10, lambda event: event.clear() or event.update(
        {"event": "override", "number": 0, "action": "halt"}))
    message = refused(path, 10, "action", "'halt'")
    assert "must be one of ['stop', 'promote']" in message


@pytest.mark.parametrize(("keys", "value", "shown", "rule"), [
    (["values"], [1.0], "[1.0]", "2 values, one per objective ['objective 0', 'objective 1']"),
    (["values"], [1.0, "high"], "[1.0, 'high']", "real numbers; got [1.0, 'high']. Objective 'objective 1' got 'high'"),
    (["value"], 1.0, "1.0", 'None in a study of several objectives (their values are under "values")'),
])
def test_several_objectives_values_are_read_as_the_goals_say(tmp_path, keys, value, shown, rule):
    path = tmp_path / "pareto.jsonl"
    study = Study(SPACE, seed=0, directions=["minimize", "maximize"], storage=path)
    study.tell(study.ask(), (1.0, 2.0))
    journal = path.read_bytes()
    message = refused(edited(journal, tmp_path, 3, setting(*keys, value), "edited.jsonl"), 3, keys[-1], shown)
    assert f'of this "finished" event must be {rule}' in message


@pytest.mark.parametrize(("argument", "value"), [("generation", 2**64), ("datetime_complete", 1e300),
                                                 ("intermediate_values", {-1: 0.5})])
def test_a_journal_line_and_add_finished_refuse_by_one_rule(journal, tmp_path, argument, value):
    study = Study(SPACE, seed=0)
    with pytest.raises(InvalidParameterError) as typed:
        study.add_finished(GOOD, state="PRUNED", source="elsewhere", **{argument: value})
    line, stored = (10, value) if argument == "datetime_complete" else \
        (9, [[-1, 0.5]] if argument == "intermediate_values" else value)
    keys = [argument] if line == 10 else ["trial", argument]
    with pytest.raises(StorageError) as loaded:
        Study.load(edited(journal, tmp_path, line, setting(*keys, stored)))
    rule = re.compile(rf"`{argument}` of .*? must be (.*); got")
    by_hand, on_load = rule.search(str(typed.value)).group(1), rule.search(str(loaded.value)).group(1)
    # The same rule; only what None stands for (now, or not recorded) and a curve's form differ.
    assert by_hand.replace("(now)", "").replace("a dict", "") == \
        on_load.replace("(not recorded)", "").replace("a list of [step, value] pairs", "")


def test_a_running_trial_s_owner_with_a_pid_no_process_has_is_failed_not_a_crash(journal, tmp_path):
    # Its os.kill raised OverflowError after the trial before it had been failed in the file.
    path = tmp_path / "study.jsonl"
    study = Study(SPACE, seed=0, storage=path)
    study.ask()
    study.ask()
    del study
    lines = path.read_bytes().splitlines(keepends=True)
    for index in (1, 2):
        event = json.loads(lines[index])
        event["owner"]["pid"] = 10**30 if index == 2 else os.getpid() + 10**6  # neither is running
        lines[index] = (json.dumps(event) + "\n").encode()
    path.write_bytes(b"".join(lines))
    loaded = Study.load(path)
    assert [t.state for t in loaded.trials] == [TrialState.FAILED] * 2
    assert all(t.error.startswith("interrupted") for t in loaded.trials)
    assert len(fork_study(loaded, 2).study.trials) == 2


def test_constraints_are_as_many_as_the_first_constrained_trial_s(tmp_path):
    path = tmp_path / "study.jsonl"
    study = Study(SPACE, seed=0, storage=path)
    study.add_manual(GOOD, 1.0, constraints=[0.5])
    study.undo_manual()  # the first constrained trial withdrawn: the next one sets the count
    study.tell(study.ask(), state="FAILED")
    study.tell(study.ask(), 1.0, constraints=[0.1, 0.2])
    study.tell(study.ask(), 2.0, constraints=[0.3, 0.4])
    journal = path.read_bytes()
    assert [t.constraints for t in Study.load(path).trials] == [None, (0.1, 0.2), (0.3, 0.4)]
    message = refused(edited(journal, tmp_path, 9, setting("constraints", [0.3]), "edited.jsonl"), 9, "constraints",
                      "[0.3]")
    assert "must be None or 2 values, as many as the study's earlier trials have; got [0.3]. Trial 1 set them" \
        in message


def test_a_line_nested_past_python_s_limit_is_refused_naming_it(journal, tmp_path):
    # json.loads raised RecursionError: Python's error stopped the load.
    path = tmp_path / "study.jsonl"
    path.write_bytes(journal + b'{"event": "enqueued", "params": ' + b"[" * 100_000 + b"]" * 100_000 + b"}\n")
    before = path.read_bytes()
    with pytest.raises(StorageError, match=re.escape(f"{path}, line 11: not valid JSON (values nested too deep to "
                                                     "read).")):
        Study.load(path)
    assert path.read_bytes() == before


# -- the header (line 1): its fields by the rules in study.trial_fields --------------------------
@pytest.mark.parametrize(("field", "value", "shown", "rule"), [
    # Nothing read `created`: a date no clock gives loaded, and was copied by every save and fork.
    ("created", "yesterday", "'yesterday'", "a Unix timestamp (a finite real number), or None (not recorded)"),
    ("created", 1e300, "1e+300", "a Unix timestamp of a date within the years 1 to 9999, or None (not recorded)"),
    ("created", {"at": [1]}, "{'at': [1]}", "a Unix timestamp (a finite real number)"),
    # A str version was "written by a newer interactive_hpo. Upgrade"; True and 0 loaded.
    ("version", "1", "'1'", "an int in [1, 1]"),
    ("version", True, "True", "an int in [1, 1]"),
    ("version", 0, "0", "an int in [1, 1]"),
    # A str was read a letter a name ('x' loaded as the objective's name; 'xy' failed in zip()).
    ("objective_names", "x", "'x'", "None or 1 distinct non-empty str, one per direction"),
    ("objective_names", ["a", "b"], "['a', 'b']", "None or 1 distinct non-empty str, one per direction"),
    # Python's AttributeError, as "an event does not fit this study"; {} loaded as no sources.
    ("warm_start", "abc", "'abc'", "a list of sources {'name': str, 'params': [dict, ...], 'losses': [float, ...]}"),
    ("warm_start", {}, "{}", "a list of sources"),
    ("seed", -1, "-1", "an int in [0, inf)"),
    ("seed", 2.0, "2.0", "an int in [0, inf)"),
    ("optimizer", {"name": "random"}, "{'name': 'random'}", "{'name': str, 'settings': {...}}"),
    ("pruner", "median", "'median'", "{'name': str, 'settings': {...}}, or None (no pruner)"),
    ("space", [], "[]", "a search space (a JSON object with a 'params' list)"),
    ("direction", "up", "'up'", "one of ['minimize', 'maximize']"),
    # Both: `direction` was dropped unread, and the first "finished" line refused for its one value.
    ("directions", ["minimize", "maximize"], "'minimize'", "None when `directions` is given"),
])
def test_a_header_field_that_breaks_its_rule_is_refused(journal, tmp_path, field, value, shown, rule):
    path = edited(journal, tmp_path, 1, setting(field, value))
    message = refused(path, 1, "direction" if field == "directions" else field, shown)
    assert f"of the journal's header must be {rule}" in message


def test_optimizer_settings_its_class_refuses_name_the_header_s_line(journal, tmp_path):
    # It named line 11, after the journal's last line.
    path = edited(journal, tmp_path, 1, setting("optimizer", "settings", "seed", -1))
    refused(path, 1, "seed", "-1")


@pytest.mark.parametrize("names", [["a", "a"], ["a", ""], ["a", 1]])
def test_objective_names_are_distinct_str_one_per_objective(tmp_path, names):
    # Two names alike made a dict of one objective: the study of two loaded as a study of one.
    path = tmp_path / "pareto.jsonl"
    study = Study(SPACE, seed=0, directions={"loss": "minimize", "speed": "maximize"}, storage=path)
    study.tell(study.ask(), (1.0, 2.0))
    journal = path.read_bytes()
    message = refused(edited(journal, tmp_path, 1, setting("objective_names", names), "edited.jsonl"), 1,
                      "objective_names", repr(names))
    assert "must be None or 2 distinct non-empty str, one per direction" in message


def test_a_header_s_directions_of_null_keep_its_direction(tmp_path):
    # "directions": null was read as no directions at all: a study to maximize loaded as one to minimize.
    path = tmp_path / "study.jsonl"
    study = Study(SPACE, seed=0, direction="maximize", storage=path)
    study.add_manual(GOOD, 1.0)
    study.add_manual({**GOOD, "n": 3}, 2.0)
    loaded = Study.load(edited(path.read_bytes(), tmp_path, 1, setting("directions", None), "edited.jsonl"))
    assert loaded.goals.describe() == "maximize" and loaded.best_trial.value == 2.0


def test_a_header_with_keys_of_its_own_and_no_creation_time_loads_and_keeps_them(journal, tmp_path):
    # A newer version's additions, and journals with no `created`, load; a save copies the keys.
    def change(header):
        header.pop("created")
        header["notes"] = {"by": ["hand", None]}
    loaded = Study.load(edited(journal, tmp_path, 1, change))
    loaded.run(lambda params: params["x"] ** 2, n_trials=2)
    loaded.save(tmp_path / "copy.jsonl")
    header = json.loads((tmp_path / "copy.jsonl").read_bytes().splitlines()[0])
    assert header["notes"] == {"by": ["hand", None]} and "created" not in header
    assert len(loaded.trials_dataframe()) == 6 and loaded.best_trial.state is TrialState.COMPLETE


def test_a_header_s_format_is_shown_short(journal, tmp_path):
    # A format of 10**400 was written out whole: 401 digits in the message.
    path = edited(journal, tmp_path, 1, setting("format", 10**400))
    with pytest.raises(StorageError, match=re.escape("its first line has format an int of about 401 digits, expected "
                                                     "'interactive_hpo.journal'. It was left as it is.")):
        Study.load(path)


# -- a model's record of its proposal (study.trial_fields.MODEL_RECORD) ---------------------------
@pytest.fixture(scope="module")
def bo_journal(tmp_path_factory):
    """Lines: 2-5 the initial design's two trials, 6 asked 2 (a GP's proposal, with its record),
    7 finished 2."""
    path = tmp_path_factory.mktemp("bo") / "study.jsonl"
    space = SearchSpace([Float("x", -2.0, 2.0)])
    study = Study(space, "bo", seed=0, storage=path,
                  optimizer_settings={"n_initial": 2, "num_restarts": 2, "raw_samples": 64})
    study.run(lambda p: (p["x"] - 1) ** 2, 3)
    assert "gp_state" in study.trials[2].user_attrs and "gp_state" not in study.trials[1].user_attrs
    return path.read_bytes()


@pytest.mark.parametrize(("field", "value", "shown"), [
    ("acquisition_seed", "x", "'x'"),  # fuzz a174: loaded, then surrogate(step=2) said "invalid literal for int()"
    ("acquisition_seed", -1, "-1"),
    ("acquisition_seed", 2**63, str(2**63)),
    ("gp_state", [0.1, 0.2], "[0.1, 0.2]"),  # was: TypeError
    ("gp_state", None, "None"),
    ("gp_state", {"covar_module.raw_lengthscale": ["abc", 0.1]}, "{'covar_module.raw_lengthscale': ['abc', 0.1]}"),
    ("gp_state", {"covar_module.raw_lengthscale": 0.1}, "{'covar_module.raw_lengthscale': 0.1}"),
    # An int too large for a float: loaded, and Study.surrogate(step=2) then refused it (two copies
    # of the rule, the reader's taking any real number and the optimizer's finite ones only).
    ("gp_state", {"covar_module.raw_lengthscale": [10**400]}, "{'covar_module.raw_lengthscale': [1" + "0" * 150
     + "... (437 characters)"),
    ("constraint_gp_state", "x", "'x'"),
    ("gp_data", "3", "'3'"),
])
def test_a_model_s_record_that_breaks_its_rule_is_refused(bo_journal, tmp_path, field, value, shown):
    path = edited(bo_journal, tmp_path, 6, setting("trial", "user_attrs", field, value))
    message = refused(path, 6, f"user_attrs[{field!r}]", shown)
    assert 'of the trial of this "asked" event must be ' in message


def test_a_finish_that_changes_a_model_s_record_is_refused_as_study_tell_refuses_it(bo_journal, tmp_path):
    path = edited(bo_journal, tmp_path, 7, setting("user_attrs", "acquisition_seed", 5))
    message = refused(path, 7, "user_attrs", "{'acquisition_seed': 5}")
    assert "must be attributes other than the optimizer's record of trial 2" in message


def test_a_model_s_record_as_written_rebuilds_its_step(bo_journal, tmp_path):
    path = tmp_path / "study.jsonl"
    path.write_bytes(bo_journal)
    assert Study.load(path).surrogate(step=2).hyperparameters.fit_status == "restored"
    # Only an optimizer's record is checked: a person's attributes under its names load as Study.tell took them.
    path = edited(bo_journal, tmp_path, 5, setting("user_attrs", "gp_state", "mine"), "mine.jsonl")
    assert Study.load(path).trials[1].user_attrs["gp_state"] == "mine"
