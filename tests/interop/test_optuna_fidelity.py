"""What an Optuna study loses or changes on its way through ours: kept, or named in a warning,
never silently; and a user's Optuna storage left as it was when an import is refused."""

from __future__ import annotations

import re
import warnings

import pytest

optuna = pytest.importorskip("optuna")

from optuna.distributions import CategoricalDistribution, FloatDistribution  # noqa: E402

from interactive_hpo import Categorical, Float, InvalidParameterError, SearchSpace  # noqa: E402
from interactive_hpo.interop import from_optuna, optuna_objective, to_optuna  # noqa: E402

optuna.logging.set_verbosity(optuna.logging.WARNING)


def pinned(trial):
    """An objective that pins two numbers the Optuna way: a range of one value."""
    return trial.suggest_float("x", 0.0, 1.0) + trial.suggest_float("f", 2.0, 2.0) + trial.suggest_int("k", 3, 3)


def test_a_pinned_number_goes_back_as_a_range_of_one_value_and_the_objective_continues(tmp_path):
    """Before: written back as CategoricalDistribution((2.0,)), so Optuna's SQLite storage refused
    the objective's suggest_float("f", 2.0, 2.0) ("Cannot set different distribution kind")."""
    theirs = optuna.create_study(sampler=optuna.samplers.RandomSampler(seed=0))
    theirs.optimize(pinned, n_trials=3)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # nothing to warn about: it goes back as it came
        ours = from_optuna(theirs, "random", seed=0)
    back = to_optuna(ours, f"sqlite:///{tmp_path / 'back.db'}", sampler=optuna.samplers.RandomSampler(seed=0))
    assert [t.distributions for t in back.trials] == [t.distributions for t in theirs.trials]
    back.optimize(pinned, n_trials=1)
    assert back.trials[-1].state is optuna.trial.TrialState.COMPLETE


@pytest.mark.parametrize("distribution, value, written", [
    (CategoricalDistribution([3]), 3, "IntDistribution"),  # one number: Optuna's range of one value is the usual pin
    (FloatDistribution(0.5, 0.5, log=True), 0.5, "log=False"),  # our Categorical of one value has no log
])
def test_a_distribution_that_would_go_back_as_another_kind_is_named(distribution, value, written):
    theirs = optuna.create_study()
    theirs.add_trial(optuna.trial.create_trial(params={"p": value},
                                               distributions={"p": distribution}, value=1.0))
    with pytest.warns(UserWarning, match=rf"`p`'s {distribution.__class__.__name__}.*writes back as .*{written}.* "
                                         "could not continue the exported study"):
        from_optuna(theirs, "random")


def test_system_and_study_attributes_no_trial_of_ours_holds_are_named():
    """Before: dropped without a word (artifacts, the terminator's scores, the study's own attributes);
    the samplers' own records and the constraints, which are read, are not named."""
    theirs = optuna.create_study()
    theirs.set_user_attr("dataset", "mnist")
    kept_elsewhere = {"tpe:relative_params:0": "{}", "constraints": (0.5,), "fixed_params": {"x": 0.5},
                      "NSGAIISampler:generation": 0, "completed_rung_0": 1.0}
    for number in range(25):
        unread = {"artifacts:id": "{}", **({"terminator:cv_scores": [1.0]} if number else {})}
        theirs.add_trial(optuna.trial.create_trial(params={"x": 0.5}, distributions={"x": FloatDistribution(0.0, 1.0)},
                                                   value=1.0, system_attrs={**kept_elsewhere, **unread}))
    with pytest.warns(UserWarning) as caught:
        ours = from_optuna(theirs, "random")
    messages = [str(w.message) for w in caught]
    assert messages == [
        "from_optuna left out the study's user attributes ['dataset'] (our studies have none).",
        "from_optuna left out system attributes ['artifacts:id', 'terminator:cv_scores'] (our trials keep user "
        "attributes only): Optuna trials [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, ...] "
        "(25 in all)."]
    assert ours.trials[0].constraints == (0.5,)


def test_an_optuna_storage_is_refused_as_our_journal_and_left_as_it_was(tmp_path, monkeypatch):
    """Before: storage="sqlite:///runs.db" wrote our journal into a folder named "sqlite:"."""
    monkeypatch.chdir(tmp_path)
    database = tmp_path / "runs.db"
    theirs = optuna.create_study(study_name="runs", storage=f"sqlite:///{database}")
    theirs.optimize(lambda t: t.suggest_float("x", 0.0, 1.0) + t.suggest_float("y", 0.0, 1.0), n_trials=2)
    theirs.optimize(lambda t: t.suggest_float("x", 0.0, 1.0), n_trials=1)  # y absent, nothing says why
    before = database.read_bytes()
    with pytest.raises(InvalidParameterError, match=r"`storage` of from_optuna must be a file path, not a URL; "
                                                    r"got .sqlite:///runs.db.\. That looks like an Optuna storage URL"):
        from_optuna(theirs, "random", storage="sqlite:///runs.db")
    with pytest.raises(InvalidParameterError, match="a new journal file"):
        from_optuna(theirs, "random", storage=database)
    with pytest.raises(InvalidParameterError, match=r"`y` of from_optuna must be a parameter of every trial"):
        from_optuna(theirs, "random", storage="imported.jsonl")
    with pytest.raises(InvalidParameterError, match=r"got 'runs'. Load a stored one first: optuna.load_study"):
        from_optuna("runs")
    assert database.read_bytes() == before and sorted(p.name for p in tmp_path.iterdir()) == ["runs.db"]


def test_trials_pruned_before_every_parameter_was_suggested_are_left_out_with_a_warning():
    """Before: the study was refused for good (`lr` "absent from trials [...]"); Optuna cannot delete a trial."""
    def refusing(trial):
        n, b = trial.suggest_int("n", 1, 4), trial.suggest_categorical("b", [16, 256])
        if n == 4 and b == 256:
            raise optuna.TrialPruned()  # a configuration the objective refuses, before it suggests lr
        return trial.suggest_float("lr", 1e-4, 1.0, log=True) * n

    theirs = optuna.create_study(sampler=optuna.samplers.RandomSampler(seed=0))
    theirs.optimize(refusing, n_trials=12)
    pruned = [t.number for t in theirs.trials if t.state is optuna.trial.TrialState.PRUNED]
    assert pruned
    with pytest.warns(UserWarning, match=rf"PRUNED trials whose params do not fit the space of the COMPLETE ones: "
                                         rf"Optuna trials {re.escape(str(pruned))}"):
        ours = from_optuna(theirs, "random")
    assert ours.space.names == ["n", "b", "lr"] and len(ours.trials) == 12 - len(pruned)


def test_the_constraints_of_a_pruned_trial_are_named_as_left_out():
    """Before: dropped without a word (Optuna's constraints_func measures PRUNED trials too)."""
    theirs = optuna.create_study()
    for state, value in ((optuna.trial.TrialState.COMPLETE, 1.0), (optuna.trial.TrialState.PRUNED, None)):
        theirs.add_trial(optuna.trial.create_trial(params={"x": 0.5}, distributions={"x": FloatDistribution(0.0, 1.0)},
                                                   state=state, value=value, constraints={"0": 0.3}))
    with pytest.warns(UserWarning, match=re.escape("the constraints of PRUNED trials (ours keep a COMPLETE trial's "
                                                   "only): Optuna trials [1]")):
        ours = from_optuna(theirs, "random")
    assert [t.constraints for t in ours.trials] == [(0.3,), None]


def test_an_imported_study_continued_with_its_objective_keeps_measuring_the_constraints():
    """Before: optuna_objective dropped what trial.set_constraint measured (Optuna 5's way; constraints_func
    is deprecated), so the new trials of an imported constrained study had none."""
    def constrained(trial):
        x = trial.suggest_float("x", 0.0, 1.0)
        trial.set_constraint("x_at_most_half", x - 0.5)
        return x

    theirs = optuna.create_study(sampler=optuna.samplers.RandomSampler(seed=0))
    theirs.optimize(constrained, n_trials=2)
    ours = from_optuna(theirs, "random", seed=0)
    ours.run(optuna_objective(constrained), n_trials=2)
    assert [t.constraints == (t.params["x"] - 0.5,) for t in ours.trials] == [True] * 4


def test_a_range_widened_between_trials_is_read_as_the_range_holding_them_all(tmp_path):
    """Before: refused for good ("one distribution in every trial"), though widening a range halfway
    is common and Optuna's storages allow it; the exported study goes on with the wider range."""
    def wide(trial):
        return trial.suggest_float("lr", 1e-4, 1.0, log=True) + trial.suggest_int("n", 1, 8)

    theirs = optuna.create_study(sampler=optuna.samplers.RandomSampler(seed=0))
    theirs.optimize(lambda t: t.suggest_float("lr", 1e-3, 1e-1, log=True) + t.suggest_int("n", 1, 4), n_trials=2)
    theirs.optimize(wide, n_trials=2)
    with pytest.warns(UserWarning) as caught:
        ours = from_optuna(theirs, "random", seed=0)
    assert [str(w.message).split(",")[0] for w in caught] == [
        "from_optuna reads `lr`", "from_optuna reads `n`"]
    assert "as the range holding them all: FloatDistribution(high=1.0, log=True, low=0.0001" in str(caught[0].message)
    assert (ours.space["lr"].low, ours.space["lr"].high, ours.space["n"].high) == (1e-4, 1.0, 8)
    back = to_optuna(ours, f"sqlite:///{tmp_path / 'back.db'}", sampler=optuna.samplers.RandomSampler(seed=0))
    back.optimize(wide, n_trials=1)
    assert back.trials[-1].state is optuna.trial.TrialState.COMPLETE


def renamed_constraint(trial):
    """Trials 0 and 1 measure "memory"; later ones "time" instead (a renamed constraint)."""
    x = trial.suggest_float("x", 0.0, 1.0)
    trial.set_constraint("memory" if trial.number < 2 else "time", x - 0.5)
    return x


def test_constraints_named_otherwise_in_some_trials_are_refused_naming_the_trials():
    """Before: trial.constraints {"memory": ...} and {"time": ...} both became the study's constraint
    0, one constraint made of two (Optuna's GPSampler refuses such a study: "The constraint names must
    be the same for all trials")."""
    theirs = optuna.create_study(sampler=optuna.samplers.RandomSampler(seed=0))
    theirs.optimize(renamed_constraint, n_trials=4)
    with pytest.raises(InvalidParameterError, match=re.escape(
            "Optuna trial 0 has the constraints ['memory'], trial 2 ['time']")) as caught:
        from_optuna(theirs, "random", seed=0)
    assert str(caught.value).startswith("`optuna_study` of from_optuna must be a study whose COMPLETE trials")


def test_constraint_names_ours_number_are_named_in_a_warning():
    """Before: "memory" and "time" became constraints 0 and 1 (system_attrs_constraints:0 in the
    trials_dataframe, "0" in to_optuna's study) without a word."""
    def named(trial):
        x = trial.suggest_float("x", 0.0, 1.0)
        trial.set_constraint("time", x - 0.5)
        trial.set_constraint("memory", 0.2 - x)
        return x

    theirs = optuna.create_study(sampler=optuna.samplers.RandomSampler(seed=0))
    theirs.optimize(named, n_trials=2)
    with pytest.warns(UserWarning, match=re.escape(
            "from_optuna left out the constraints' names ['memory', 'time'] (ours are numbered, 0, 1, ... in "
            "that order).")):
        ours = from_optuna(theirs, "random", seed=0)
    assert ours.trials[0].constraints == (theirs.trials[0].constraints["memory"], theirs.trials[0].constraints["time"])


def kernels(trial):
    kernel = trial.suggest_categorical("kernel", ["rbf", "poly", "linear"])
    c = trial.suggest_float("C", 0.1, 10.0)
    return c * trial.suggest_float("gamma", 0.1, 1.0) if kernel in ("rbf", "poly") else c


def no_poly_yet():
    """An Optuna study whose trials never chose "poly": they cannot show that it has a gamma."""
    theirs = optuna.create_study(sampler=optuna.samplers.RandomSampler(seed=0))
    for kernel in ["rbf", "linear", "rbf", "linear"]:
        theirs.enqueue_trial({"kernel": kernel})
    theirs.optimize(kernels, n_trials=4)
    return theirs


def test_a_parameter_the_objective_suggests_and_the_params_lack_is_named_with_what_to_do():
    """Before: "The value of the parameter 'gamma' is not found. Please set it at the construction of
    the FixedTrial object.", a FixedTrial the person never made."""
    ours = from_optuna(no_poly_yet(), "random", seed=0)
    assert ours.space["gamma"].condition == ("kernel", ("rbf",))  # all the trials show
    ours.enqueue({"kernel": "poly", "C": 1.0})
    ours.run(optuna_objective(kernels), n_trials=1)
    assert ours.trials[-1].error == (
        "InvalidParameterError: `params` of optuna_objective must be the values of every parameter the objective "
        "suggests; got {'kernel': 'poly', 'C': 1.0}. The objective suggested 'gamma', which they lack: the study's "
        "space has it inactive there. A space read off Optuna trials shows a condition only for the values they "
        "took: give from_optuna(optuna_study, space=...) one that says when it is active.")


def test_a_space_given_to_from_optuna_says_what_the_trials_cannot():
    space = SearchSpace([Categorical("kernel", ["rbf", "poly", "linear"]), Float("C", 0.1, 10.0),
                         Float("gamma", 0.1, 1.0, condition=("kernel", ["rbf", "poly"]))])
    ours = from_optuna(no_poly_yet(), "random", seed=0, space=space)
    assert ours.space == space
    ours.enqueue({"kernel": "poly", "C": 1.0, "gamma": 0.5})
    ours.run(optuna_objective(kernels), n_trials=1)
    assert ours.trials[-1].value == 0.5
    narrow = SearchSpace([space["kernel"], Float("C", 0.1, 5.0), space["gamma"]])
    with pytest.raises(InvalidParameterError, match=r"`space` of from_optuna must be a search space every trial "
                                                    r"fits; got .*\. Optuna trial \d has params .* \(`C` "):
        from_optuna(no_poly_yet(), "random", space=narrow)


def test_params_the_objective_never_suggested_are_named_in_a_warning():
    """Before: a gamma the objective never asked for (kernel "linear") was recorded as the trial's,
    without a word, and the GP learnt from a value that had no effect."""
    space = SearchSpace([Categorical("kernel", ["rbf", "poly", "linear"]), Float("C", 0.1, 10.0),
                         Float("gamma", 0.1, 1.0)])
    with pytest.warns(UserWarning, match=re.escape(
            "optuna_objective: the objective did not suggest ['gamma'], which the params {'kernel': 'linear', "
            "'C': 1.0, 'gamma': 0.5} have: the study records a value that had no effect.")):
        assert optuna_objective(kernels)({"kernel": "linear", "C": 1.0, "gamma": 0.5}).value == 1.0
    ours = from_optuna(no_poly_yet(), "random", seed=0, space=SearchSpace([*space.params[:2], Float(
        "gamma", 0.1, 1.0, condition=("kernel", ["rbf", "poly"]))]))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        ours.run(optuna_objective(kernels), n_trials=3)
