"""Study(..., warm_start=...): related studies' trials reach the optimizer, survive the journal,
forks and remaps, and bad sources get clear errors."""

from __future__ import annotations

import json
import re
import warnings

import numpy as np
import pytest

from interactive_hpo import (
    Categorical,
    Float,
    Int,
    InvalidParameterError,
    SearchSpace,
    Study,
    register_optimizer,
    unregister_optimizer,
)
from interactive_hpo.exceptions import StorageError
from interactive_hpo.optimizers.population.evolution import GeneticAlgorithm
from interactive_hpo.study.branching import fork_study, remap_study
from interactive_hpo.study.warm_start import SourceRecord

pytest.importorskip("botorch")

SPACE = SearchSpace([Float("x", -2.0, 2.0), Float("y", -2.0, 2.0)])


def objective(params):
    return (params["x"] - 1) ** 2 + (params["y"] + 0.5) ** 2


@pytest.fixture(scope="module")
def source():
    """A related study that maximized the negated objective, plus one failed trial."""
    study = Study(SPACE, "random", seed=1, direction="maximize")
    study.run(lambda p: -objective(p), 12)
    study.tell(study.ask(), state="FAILED")
    return study


def test_the_optimizer_learns_from_the_source_in_its_own_direction(source):
    study = Study(SPACE, "bo", seed=0, warm_start={"old": source})
    (record,) = study.warm_start
    assert record.name == "old" and len(record.params) == 12  # the failed trial is left out
    best = source.best_trial
    assert min(record.losses) == pytest.approx(-best.value)  # maximized: the loss is minus the value
    first = study.step(objective)
    assert first.params == pytest.approx(best.params) and first.user_attrs["source_start"] == 0
    assert [t.number for t in study.trials] == [0]  # the source's trials are not this study's


def test_a_journal_keeps_the_sources_and_replays_the_same_next_ask(source, tmp_path):
    path = tmp_path / "warm.jsonl"
    study = Study(SPACE, "bo", seed=0, warm_start=[source], storage=path, optimizer_settings={"n_initial": 3})
    study.run(objective, 5)
    header = json.loads(path.read_text().splitlines()[0])
    assert header["warm_start"][0]["name"] == "source 1" and len(header["warm_start"][0]["losses"]) == 12
    expected = study.optimizer.propose().x
    resumed = Study.load(path)
    assert resumed.warm_start == study.warm_start
    np.testing.assert_array_equal(resumed.optimizer.propose().x, expected)
    assert resumed.surrogate(step=4).hyperparameters.source_weights.keys() == {"source 1"}
    with pytest.warns(RuntimeWarning, match="other warm-start sources"):
        Study(SPACE, "bo", storage=path, warm_start={"another": source})


def test_a_source_trial_edited_out_of_the_space_in_a_journal_is_refused_not_dropped(source, tmp_path):
    # Audit a200: x set to 99 in the header loaded silently, that trial dropped: the replayed model
    # was another than the one recorded.
    path = tmp_path / "warm.jsonl"
    Study(SPACE, "bo", seed=0, warm_start=[source], storage=path)
    lines = path.read_text().splitlines(keepends=True)
    header = json.loads(lines[0])
    header["warm_start"][0]["params"][1]["x"] = 99
    path.write_text(json.dumps(header) + "\n" + "".join(lines[1:]))
    before = path.read_bytes()
    with pytest.raises(StorageError, match=re.escape("line 1: `warm_start` of the journal's header must be sources "
                                                     "whose every trial fits the study's space, as written; got "
                                                     "\"source 'source 1' with 1 of its 12 trials outside it\"")):
        Study.load(path)
    assert path.read_bytes() == before
    with pytest.raises(InvalidParameterError, match=re.escape("`warm_start` of t must be a source {'name': str, "
                                                              "'params': [dict, ...], 'losses': [float, ...]} with "
                                                              "as many losses as params; got [1].")):
        SourceRecord.from_json([1], SPACE, "t")   # AttributeError: 'list' object has no attribute 'get'


def test_remap_and_fork_keep_the_sources_that_fit(source):
    study = Study(SPACE, "bo", seed=0, warm_start=source)
    study.run(objective, 3)
    narrow = SearchSpace([Float("x", 0.0, 2.0), Float("y", -2.0, 2.0)])
    moved = remap_study(study, narrow).study
    inside = [p for p in source.trials if p.state.value == "COMPLETE" and p.params["x"] >= 0]
    assert len(moved.warm_start[0].params) == len(inside) > 0
    assert fork_study(study, 2).study.warm_start == study.warm_start


def test_sources_are_given_to_every_optimizer_that_uses_them_and_refused_for_others(source):
    study = Study(SPACE, "bo", seed=0, warm_start=source)
    with pytest.warns(UserWarning, match="go unused while it is in charge"):
        study.switch_optimizer("random")  # switching keeps the sources for later optimizers
    assert study.warm_start and study.switch_optimizer("bo").initial_size == 1 + 8  # its best, then Sobol
    with pytest.raises(InvalidParameterError, match="`warm_start` of Study must be None for 'random', which does "
                                                    "not use related studies"):
        Study(SPACE, "random", warm_start=source)


def test_a_refused_source_lists_every_registered_optimizer_that_uses_one(source):
    # The list was written out ("bo", "ga", "de", "cmaes"): it left out parego, ehvi and plug-ins.
    class Restarting(GeneticAlgorithm):
        name = "restarting_ga"

    register_optimizer(Restarting)
    try:
        with pytest.raises(InvalidParameterError, match=re.escape(
                "These do: ['bo', 'cmaes', 'de', 'ehvi', 'ga', 'parego', 'restarting_ga'].")):
            Study(SPACE, "nsga2", warm_start=source)
    finally:
        unregister_optimizer("restarting_ga")


def test_bad_sources_get_errors_that_name_the_rule_and_the_value(source):
    with pytest.raises(InvalidParameterError, match=r"must be None for a study to minimize objective 0, minimize "
                                                    r"objective 1 \(warm starts serve one"):
        Study(SPACE, "random", directions=["minimize", "minimize"], warm_start=source)
    several = Study(SPACE, "random", directions=["minimize", "maximize"])
    with pytest.raises(InvalidParameterError, match="must be studies of one objective"):
        Study(SPACE, "bo", warm_start=several)
    other = SearchSpace([Categorical("kernel", ["rbf", "poly"])])
    with pytest.raises(InvalidParameterError, match=r"with completed trials that fit this study's space; got "
                                                    r"\"'source 1' \(\{'x': .*\} has no value for kernel\)"):
        Study(other, "bo", warm_start=[source])
    with pytest.raises(InvalidParameterError, match="must be a study, a list of studies or a dict"):
        Study(SPACE, "bo", warm_start=3)
    with pytest.raises(InvalidParameterError, match="finite losses in every source"):
        Study(SPACE, "bo", warm_start=[{"name": "a", "params": [{"x": 0, "y": 0}], "losses": [float("nan")]}])
    record = SourceRecord("kept", ({"x": 0.5, "y": 0.5},), (1.0,))
    assert Study(SPACE, "bo", warm_start=[record]).warm_start == (record,)


def test_undoing_a_manual_trial_keeps_the_sources(source):
    study = Study(SPACE, "bo", seed=0, warm_start=source, optimizer_settings={"n_initial": 3})
    study.run(objective, 4)  # the GP, its mean following the source, proposes the next one
    expected = study.optimizer.propose().x
    study.add_manual({"x": 0.0, "y": 0.0}, 1.25)
    study.undo_manual()
    np.testing.assert_array_equal(study.optimizer.propose().x, expected)


def test_sources_named_by_their_journals_get_distinct_names(tmp_path):
    for folder in ("d1", "d2", "e/d1"):
        (tmp_path / folder).mkdir(parents=True)
    first = Study(SPACE, "sobol", seed=1, storage=tmp_path / "d1" / "old.jsonl")
    second = Study(SPACE, "sobol", seed=2, storage=tmp_path / "d2" / "old.jsonl")
    third = Study(SPACE, "sobol", seed=3, storage=tmp_path / "e" / "d1" / "old.jsonl")
    for related in (first, second, third):
        related.run(objective, 3)
    study = Study(SPACE, "bo", seed=0, warm_start=[first, second, third])
    assert [r.name for r in study.warm_start] == ["d1/old", "d2/old", "d1/old (2)"]  # folder, then a number
    in_memory = Study(SPACE, "sobol", seed=3)
    in_memory.run(objective, 3)
    named = Study(SPACE, "bo", warm_start=[SourceRecord("source 2", ({"x": 0, "y": 0},), (1.0,)), in_memory])
    assert [r.name for r in named.warm_start] == ["source 2", "source 2 (2)"]  # the name the user gave stays


def test_names_given_twice_are_refused_and_a_dict_names_records():
    record = SourceRecord("old", ({"x": 0.5, "y": 0.5},), (1.0,))
    with pytest.raises(InvalidParameterError, match=r"`warm_start` of Study must be sources with distinct names; "
                                                    r"got 'old'. Name each source with a dict"):
        Study(SPACE, "bo", warm_start=[record, record])
    other = SourceRecord("old", ({"x": 0.5, "y": 0.5},), (2.0,))
    assert [r.name for r in Study(SPACE, "bo", warm_start={"a": record, "b": other}).warm_start] == ["a", "b"]


def test_a_source_given_twice_is_refused(source, tmp_path):
    # Review: [old, old] was taken as "source 1" and "source 2", the same trials counted twice.
    journal = Study(SPACE, "sobol", seed=1, storage=tmp_path / "old.jsonl")
    journal.run(objective, 3)
    record = SourceRecord("old", ({"x": 0.5, "y": 0.5},), (1.0,))
    for given, where in (([source, source], "Items 0 and 1"), ({"a": source, "b": source}, "'a' and 'b'"),
                         ([journal, Study.load(tmp_path / "old.jsonl")], "Items 0 and 1"),
                         ({"a": record, "b": record}, "'a' and 'b'")):
        with pytest.raises(InvalidParameterError, match=rf"`warm_start` of Study must be distinct sources; got .*\. "
                                                        rf"{where} hold the same trials \(the same study, given "
                                                        r"twice\?\): give each source once\."):
            Study(SPACE, "bo", warm_start=given)


@pytest.mark.parametrize("value", ["old", ["old"]])
def test_a_path_is_refused_whole_with_a_hint(value):
    with pytest.raises(InvalidParameterError, match=r"; got 'old'. A journal's path is not a study: open it first"):
        Study(SPACE, "bo", warm_start=value)


def test_a_fork_or_remap_to_an_optimizer_without_warm_starts_leaves_the_sources_behind(source):
    study = Study(SPACE, "bo", seed=0, warm_start={"old": source}, optimizer_settings={"n_initial": 3})
    study.run(objective, 2)
    for branch in (fork_study(study, np.int64(1), optimizer="random"), remap_study(study, SPACE, optimizer="sobol")):
        assert branch.study.warm_start == () and list(branch.dropped_sources) == ["old"]
        assert "does not use related studies" in branch.dropped_sources["old"]
    with pytest.warns(UserWarning, match="go unused while it is in charge"):
        study.switch_optimizer("random")  # the optimizer in charge now is the default
    assert remap_study(study, SPACE).dropped_sources.keys() == {"old"}


def test_a_remap_where_no_source_trial_fits_leaves_that_source_behind(source):
    study = Study(SPACE, "bo", seed=0, warm_start={"old": source, "kept": {"name": "kept", "params": [
        {"x": 1.5, "y": 0.0}], "losses": [0.5]}})
    moved = remap_study(study, SearchSpace([Float("x", 1.0, 2.0), Float("y", -2.0, 2.0)]))
    inside = [t for t in source.trials if t.state.value == "COMPLETE" and t.params["x"] >= 1]
    assert [r.name for r in moved.study.warm_start] == (["old", "kept"] if inside else ["kept"])
    other = SearchSpace([Float("lr", 0.1, 1.0)])
    gone = remap_study(study, other)
    assert gone.study.warm_start == () and gone.dropped_sources == {
        "old": f"none of its trials fits the new space ({source.trials[0].params} has no value for lr)",
        "kept": "none of its trials fits the new space ({'x': 1.5, 'y': 0.0} has no value for lr)"}


def test_a_journal_whose_sources_share_a_name_resumes_and_forks_with_distinct_names(tmp_path):
    path = tmp_path / "older.jsonl"
    records = [SourceRecord(name, ({"x": x, "y": 0.0},), (1.0,)) for name, x in (("a", 0.5), ("b", -0.5))]
    Study(SPACE, "bo", seed=0, warm_start=records, storage=path)
    lines = path.read_text().splitlines()
    header = json.loads(lines[0])
    for record in header["warm_start"]:
        record["name"] = "old"  # as a journal written before names were made distinct could hold them
    path.write_text("\n".join([json.dumps(header), *lines[1:]]) + "\n")
    resumed = Study.load(path)
    assert [r.name for r in resumed.warm_start] == ["old", "old (2)"]
    assert [r.name for r in fork_study(resumed, 0).study.warm_start] == ["old", "old (2)"]


def _kind_source(n=12):
    """A related study over x and kind, where kind="b" is 50 worse: two models, not one."""
    study = Study(SearchSpace([Float("x", -2.0, 2.0), Categorical("kind", ["a", "b"]), Float("lr", 0.01, 1.0)]),
                  "sobol", seed=0)
    study.run(lambda p: (p["x"] - 1) ** 2 + 50 * (p["kind"] == "b") + p["lr"], n)
    return study


def _warm(space, sources, optimizer="bo"):
    """The study and the warm-start warnings it gave."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        study = Study(space, optimizer, seed=0, warm_start=sources)
    return study, [str(w.message) for w in caught if "Warm-start source" in str(w.message)]


def test_a_choice_the_new_space_lacks_keeps_the_best_trials_choice_and_says_so():
    # Audit: dropping kind merged kind="b" trials (50 worse) into x-only points of the same
    # landscape, silently; nothing said how many trials were kept.
    old = _kind_source()
    best_kind = old.best_trial.params["kind"]
    same = [t for t in old.trials if t.params["kind"] == best_kind]
    assert 0 < len(same) < len(old.trials)
    study, said = _warm(SearchSpace([Float("x", -2.0, 2.0), Float("lr", 0.01, 1.0)]), {"old": old})
    (record,) = study.warm_start
    assert len(record.params) == len(same) and max(record.losses) < 50  # one model: kind="a" only
    assert said == [f"Warm-start source 'old' has parameters this study's space lacks: kind: only its trials with "
                    f"kind={best_kind!r}, as in its best trial. {len(same)} of its 12 trials kept "
                    f"({12 - len(same)} with other values left out). To keep another value's trials instead, keep "
                    f"kind in this study's space with that one choice, e.g. Categorical('kind', ['b'])."]
    assert study.step(objective).params["x"] == pytest.approx(old.best_trial.params["x"])  # its best comes first
    other, said = _warm(SearchSpace([Float("x", -2.0, 2.0), Categorical("kind", ["b"]), Float("lr", 0.01, 1.0)]),
                        {"old": old})
    assert not said and len(other.warm_start[0].params) == 12 - len(same)  # the hint's way keeps kind="b"


def test_a_conditional_parameter_the_source_never_set_is_named_with_the_trials_it_leaves_out():
    """The new space adds coef0 under degree 3 or 4: the source's trials there do not fit and
    were dropped without a word, exactly the branch coef0 was added for (a334)."""
    space = SearchSpace([Categorical("kernel", ["linear", "poly"]), Int("degree", 2, 4, condition=("kernel", "poly")),
                         Float("coef0", 0.0, 1.0, condition=("degree", [3, 4]))])
    old = Study(SearchSpace(space.params[:2]), "random", seed=1, optimizer_settings={"allow_repeats": True})
    old.run(lambda params: params.get("degree", 1.0), n_trials=10, progress=False)
    without = [t for t in old.trials if t.params.get("degree", 2) == 2]
    study, said = _warm(space, {"old": old})
    assert len(study.warm_start[0].params) == len(without) < 10
    assert said[0].startswith(f"Warm-start source 'old': {len(without)} of its 10 trials kept ({10 - len(without)} "
                              "that do not fit this study's space). This study's space has coef0, which 'old' never "
                              "set. If it ran at one value, give it: ")
    given = [SourceRecord.from_study(old, "old", values={"coef0": 0.0})]
    assert len(_warm(space, given)[0].warm_start[0].params) == 10  # the hint's way keeps them all
    narrow = SearchSpace([Categorical("kernel", ["poly"]), Int("degree", 2, 4, condition=("kernel", "poly"))])
    assert _warm(narrow, {"old": old})[1] == []  # left out by a narrowed space: what narrowing means


def test_a_number_the_new_space_lacks_is_merged_with_a_warning_counting_the_trials():
    old = _kind_source()
    narrow = SearchSpace([Float("x", 0.0, 2.0), Categorical("kind", ["a", "b"])])
    inside = sum(t.params["x"] >= 0 for t in old.trials)
    study, said = _warm(narrow, {"old": old}, "ga")
    assert len(study.warm_start[0].params) == inside  # a float's one value would keep one trial
    lrs = [t.params["lr"] for t in old.trials if t.params["x"] >= 0]
    assert said == [f"Warm-start source 'old' has parameters this study's space lacks: lr: merged over its values "
                    f"{min(lrs):g} to {max(lrs):g}. {inside} of its 12 trials kept ({12 - inside} that do not fit "
                    f"this study's space)."]
    assert _warm(old.space, {"old": old})[1] == []  # nothing dropped: nothing to say
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        moved = remap_study(Study(old.space, "bo", seed=0, warm_start={"old": old}),
                            SearchSpace([Float("x", -2.0, 2.0), Float("lr", 0.01, 1.0)])).study
    assert len(moved.warm_start[0].params) == sum(t.params["kind"] == old.best_trial.params["kind"]
                                                  for t in old.trials)
    assert any("kind: only its trials with" in str(w.message) for w in caught)  # a remap slices as well


def test_a_parameter_the_source_never_set_is_named_with_how_to_give_its_value(source):
    wider = SearchSpace([Float("x", -2.0, 2.0), Float("y", -2.0, 2.0), Int("n", 1, 4)])
    with pytest.raises(InvalidParameterError, match=re.escape(
            "This study's space has n, which 'old' never set. If it ran at one value, give it: "
            "warm_start=[SourceRecord.from_study(<the study>, 'old', values={'n': <its value>})] (SourceRecord from "
            "interactive_hpo.study.warm_start); or fix n in your objective and leave it out of this space.")):
        Study(wider, "bo", warm_start={"old": source})
    misspelt = SourceRecord.from_study(source, "old", values={"nn": 2})  # a380: no word of the name meant
    with pytest.raises(InvalidParameterError, match=re.escape("this space. Did you type 'nn' for 'n'?")):
        Study(wider, "bo", warm_start=[misspelt])
    record = SourceRecord.from_study(source, "old", values={"n": 2})
    study = Study(wider, "bo", seed=0, warm_start=[record])
    assert [p["n"] for p in study.warm_start[0].params] == [2] * 12
    assert study.warm_start[0].losses == Study(SPACE, "bo", warm_start={"old": source}).warm_start[0].losses
    with pytest.raises(InvalidParameterError, match=r"outside the new space: .*n"):
        Study(wider, "bo", warm_start=[SourceRecord.from_study(source, "old", values={"n": 9})])


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"values": {"x": 1.0}}, "`values` of SourceRecord.from_study must be values of parameters the study did not "
                             "search; got 'x'. Its trials hold their own values of x."),
    ({"values": [("n", 2)]}, "`values` of SourceRecord.from_study must be a dict from parameter name to value"),
    ({"name": 3}, "`name` of SourceRecord.from_study must be a str; got 3"),
])
def test_from_study_refuses_bad_input(source, kwargs, message):
    with pytest.raises(InvalidParameterError, match=re.escape(message)):
        SourceRecord.from_study(source, **{"name": "old", **kwargs})
    with pytest.raises(InvalidParameterError, match="`study` of SourceRecord.from_study must be an interactive_hpo"):
        SourceRecord.from_study("old.jsonl", "old")


def test_an_optuna_study_is_refused_with_the_way_to_convert_it():
    optuna = pytest.importorskip("optuna")
    theirs = optuna.create_study()
    for given in (theirs, [theirs], {"theirs": theirs}):
        with pytest.raises(InvalidParameterError, match=re.escape(
                "An Optuna study is not an interactive_hpo Study: convert it first, "
                "warm_start=[interactive_hpo.interop.from_optuna(optuna_study)].")):
            Study(SPACE, "bo", warm_start=given)


KERNEL = Categorical("kernel", ["rbf", "poly", "linear"])
GAMMA = Float("gamma", 1e-3, 1.0, log=True, condition=("kernel", ["rbf", "poly"]))
DEGREE = Int("degree", 2, 5, condition=("kernel", "poly"))
SHAPE = Categorical("shape", ["s", "t"], condition=("kernel", "poly"))


@pytest.fixture(scope="module")
def conditional_source():
    """A related study over a conditional space, as tasks.svm_digits has: gamma for two kernels,
    degree and shape for poly only (inactive, so absent from the params, in the other trials)."""
    study = Study(SearchSpace([Float("C", 0.01, 10.0, log=True), KERNEL, GAMMA, DEGREE, SHAPE]), "sobol", seed=0)
    study.run(lambda p: np.log10(p["C"]) ** 2 + {"rbf": 0, "poly": 1, "linear": 3}[p["kernel"]]
              + 0.5 * (p.get("shape") == "t") + 0.1 * p.get("gamma", 0.0), 16)
    assert len({t.params.get("degree") for t in study.trials}) > 2  # two values at least, and unset
    return study


def test_dropped_conditional_numbers_are_merged_not_sliced_to_the_best_trials_value(conditional_source):
    # Review r191: an inactive trial's unset value made gamma and degree read as choices: 1 trial
    # of 20 was kept (gamma=<the best trial's>, degree unset), with a hint of Categorical('gamma', ...).
    old = conditional_source
    study, said = _warm(SearchSpace([Float("C", 0.01, 10.0, log=True), KERNEL, SHAPE]), {"old": old})
    assert study.warm_start[0].params == tuple({k: v for k, v in t.params.items() if k not in ("gamma", "degree")}
                                               for t in old.trials)
    gammas = [t.params["gamma"] for t in old.trials if "gamma" in t.params]
    degrees = [t.params["degree"] for t in old.trials if "degree" in t.params]
    assert said == [f"Warm-start source 'old' has parameters this study's space lacks: gamma: merged over its values "
                    f"{min(gammas):g} to {max(gammas):g}; degree: merged over its values {min(degrees):g} to "
                    f"{max(degrees):g}. 16 of its 16 trials kept."]


def test_a_dropped_conditional_choice_keeps_the_trials_where_it_is_inactive(conditional_source):
    old = conditional_source
    assert "shape" not in old.best_trial.params  # the best is no poly trial: it sets no shape
    poly = [t for t in old.trials if "shape" in t.params]
    shape = min(poly, key=lambda t: t.value).params["shape"]  # the best trial that has one
    kept = [t for t in old.trials if t.params.get("shape", shape) == shape]
    assert len(poly) < len(old.trials) - 1 and len(kept) < len(old.trials)
    study, said = _warm(SearchSpace([Float("C", 0.01, 10.0, log=True), KERNEL, GAMMA, DEGREE]), {"old": old})
    assert list(study.warm_start[0].losses) == [t.value for t in kept]
    other = "t" if shape == "s" else "s"
    assert said == [f"Warm-start source 'old' has parameters this study's space lacks: shape: only its trials with "
                    f"shape={shape!r} or without it (inactive there), as in its best trial that has it. {len(kept)} "
                    f"of its 16 trials kept ({16 - len(kept)} with other values left out). To keep another value's "
                    f"trials instead, keep shape in this study's space with that one choice, e.g. "
                    f"Categorical('shape', [{other!r}])."]


def test_a_dropped_choice_of_numbers_is_a_choice_as_the_source_space_says():
    # Categorical("kind", [1, 2]): its values are numbers, yet kind=2 is another model, not a neighbour.
    old = Study(SearchSpace([Float("x", -2.0, 2.0), Categorical("kind", [1, 2])]), "sobol", seed=0)
    old.run(lambda p: (p["x"] - 1) ** 2 + 50 * (p["kind"] == 2), 8)
    best = old.best_trial.params["kind"]
    study, said = _warm(SearchSpace([Float("x", -2.0, 2.0)]), {"old": old})
    assert len(study.warm_start[0].params) == sum(t.params["kind"] == best for t in old.trials) < 8
    assert said[0].startswith(f"Warm-start source 'old' has parameters this study's space lacks: kind: only its "
                              f"trials with kind={best!r}, as in its best trial.")


def test_a_dropped_choice_narrows_its_children_before_they_are_stated(conditional_source):
    # Review r198: the warning merged degree over its values (a poly-only number) and sliced
    # shape (poly only) to its best value, though the trials kept (those of the best trial's
    # kernel) hold neither: it told of a merge and a slice that never happened.
    old = conditional_source
    kernel = old.best_trial.params["kernel"]
    assert kernel != "poly"
    kept = [t for t in old.trials if t.params["kernel"] == kernel]
    study, said = _warm(SearchSpace([Float("C", 0.01, 10.0, log=True)]), {"old": old})
    assert list(study.warm_start[0].losses) == [t.value for t in kept]
    gammas = [t.params["gamma"] for t in kept if "gamma" in t.params]
    gamma = f"; gamma: merged over its values {min(gammas):g} to {max(gammas):g}" if kernel == "rbf" else ""
    assert said[0].startswith(f"Warm-start source 'old' has parameters this study's space lacks: kernel: only its "
                              f"trials with kernel={kernel!r}, as in its best trial{gamma}. {len(kept)} of its 16 "
                              f"trials kept ({16 - len(kept)} with other values left out)."), said


def test_a_child_declared_before_its_parent_is_narrowed_after_it():
    # Review a213: the space may declare a child first; its params then name solver before kernel,
    # and solver was sliced first: "solver: only its trials with solver='a'", though no trial
    # kept (kernel='rbf', the best's) has a solver, with a hint of Categorical('solver', ['b']).
    old = Study(SearchSpace([Categorical("solver", ["a", "b"], condition=("kernel", ["linear"])),
                             Categorical("kernel", ["linear", "rbf"]), Float("C", 0.0, 1.0)]), "random", seed=0)
    for params, value in (({"kernel": "linear", "solver": "a", "C": 0.2}, 0.2), ({"kernel": "rbf", "C": 0.1}, 0.1),
                          ({"kernel": "linear", "solver": "b", "C": 0.3}, 0.3), ({"kernel": "rbf", "C": 0.4}, 0.4)):
        old.add_manual(params, value)
    assert list(old.trials[0].params) == ["solver", "kernel", "C"]
    study, said = _warm(SearchSpace([Float("C", 0.0, 1.0)]), {"old": old})
    assert study.warm_start[0].params == ({"C": 0.1}, {"C": 0.4})
    assert said == ["Warm-start source 'old' has parameters this study's space lacks: kernel: only its trials with "
                    "kernel='rbf', as in its best trial. 2 of its 4 trials kept (2 with other values left out). To "
                    "keep another value's trials instead, keep kernel in this study's space with that one choice, "
                    "e.g. Categorical('kernel', ['linear'])."]
