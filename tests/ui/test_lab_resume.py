"""A Lab over a journal already on disk goes on with it as it was."""

from __future__ import annotations

import warnings

import matplotlib

matplotlib.use("Agg")

import pytest  # noqa: E402

from interactive_hpo import InvalidParameterError, Study  # noqa: E402
from interactive_hpo.ui import Lab  # noqa: E402

from .lab_helpers import LINE, quad  # noqa: E402


def test_resuming_a_journal_keeps_its_optimizer_unless_another_is_asked_for(tmp_path):
    # Lab(objective, storage=...) switched a resumed "sobol" journal to the Lab's default "bo"
    # (appending the switch to the user's journal) though no optimizer was asked for.
    path = tmp_path / "run.jsonl"
    Study(LINE, "sobol", seed=0, storage=path).run(quad, n_trials=3)
    before = path.read_bytes()
    with warnings.catch_warnings():
        # Only this warning: widget libraries may warn about themselves depending on test order.
        warnings.filterwarnings("error", message=".*switching to the optimizer given")
        lab = Lab(quad, space=LINE, storage=path)
    assert lab.study.optimizer.name == "sobol" and len(lab.study.trials) == 3
    assert path.read_bytes() == before  # opening it wrote nothing
    lab.step_button.click()
    assert lab.study.trials[-1].source == "sobol" and not lab.errors.errors
    lab = Lab(quad, space=LINE, storage=path, optimizer="random")  # asked for: switched, as before
    assert lab.study.optimizer.name == "random" and len(lab.study.trials) == 4


def test_a_new_or_empty_journal_gets_the_labs_default_optimizer(tmp_path):
    assert Lab(quad, space=LINE, storage=tmp_path / "new.jsonl").study.optimizer.name == "bo"
    (tmp_path / "empty.jsonl").touch()
    assert Lab(quad, space=LINE, storage=tmp_path / "empty.jsonl").study.optimizer.name == "bo"


def test_a_storage_that_cannot_be_a_journal_is_refused_by_the_lab(tmp_path):
    # A folder counted as a journal to resume (it has a size), so no optimizer was chosen, and the
    # refusal named Study, which the person never called.
    with pytest.raises(InvalidParameterError, match="`storage` of Lab must be a file path, not a folder; got "):
        Lab(quad, space=LINE, storage=tmp_path)
    with pytest.raises(InvalidParameterError, match=r"`storage` of Lab must be a file path \(a non-empty str"):
        Lab(quad, space=LINE, storage="")
