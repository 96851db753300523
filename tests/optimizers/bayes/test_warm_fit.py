"""The GP fit kept until the data change, and the warm state the next fit starts from
(``bayes.warm_fit``), for the objective's GP and the constraint GPs alike."""

from __future__ import annotations

import math
import shutil

import numpy as np
import pytest

pytest.importorskip("botorch")

from interactive_hpo import Float, SearchSpace, Study, make_optimizer  # noqa: E402
from interactive_hpo.optimizers.bayes.model import FittedGP  # noqa: E402
from interactive_hpo.optimizers.bayes.warm_fit import WarmFit  # noqa: E402
from interactive_hpo.trial import Evaluation  # noqa: E402

SETTINGS = {"kernel": "matern", "noise": "auto"}
RBF = {"kernel": "rbf", "noise": "auto"}


def counting_fit(calls):
    """A stand-in for ``fit_models`` that records its (warm state, reuse) and returns a new fit."""
    def fit(warm, reuse):
        calls.append((warm, reuse))
        return FittedGP(model=None, state={"lengthscale": [float(len(calls))]}, status="cold")
    return fit


def test_a_fit_is_reused_until_the_data_or_settings_change():
    fits, calls = WarmFit(), []
    first = fits.fitted(5, SETTINGS, counting_fit(calls))
    assert fits.fitted(5, SETTINGS, counting_fit(calls)) is first and len(calls) == 1
    assert fits.fitted(5, RBF, counting_fit(calls)) is not first
    fits.fitted(6, RBF, counting_fit(calls))
    assert calls == [(None, False)] * 3  # nothing to start from yet


def test_an_adopted_fit_stays_current_and_warm_starts_the_next():
    fits, calls = WarmFit(), []
    fit = fits.fitted(5, SETTINGS, counting_fit(calls))
    fits.adopt(fit, 5, SETTINGS)
    assert fits.source == math.inf and fits.fitted(5, SETTINGS, counting_fit(calls)) is fit and len(calls) == 1
    fits.fitted(6, SETTINGS, counting_fit(calls))
    assert calls[-1] == (fit.state, False)  # warm, on new data: fitted again


def test_an_adopted_fit_not_kept_current_is_rebuilt_from_its_state_under_its_settings_only():
    """What the constraint GPs do: the next call rebuilds the model (``reuse``) from the same data;
    under other settings (a what-if) it fits from that state."""
    fits, calls = WarmFit(), []
    fit = fits.fitted(5, SETTINGS, counting_fit(calls))
    fits.adopt(fit, 5, SETTINGS, current=False)
    other = fits.copy()
    fits.fitted(5, SETTINGS, counting_fit(calls))
    assert calls[-1] == (fit.state, True)
    other.fitted(5, RBF, counting_fit(calls))
    assert calls[-1] == (fit.state, False)  # a Matern fit's optimum is no RBF fit's


def test_a_replayed_record_is_the_warm_start_only_if_newer():
    fits = WarmFit()
    fits.recorded(7, {"a": [1.0]}, 9, SETTINGS)
    fits.recorded(3, {"a": [2.0]}, 4, SETTINGS)  # older: ignored
    assert (fits.state, fits.source, fits.data) == ({"a": [1.0]}, 7, 9)
    calls = []
    fits.fitted(9, SETTINGS, counting_fit(calls))
    assert calls == [({"a": [1.0]}, True)]  # no data since that fit: rebuilt, not fitted


@pytest.mark.parametrize("then", [RBF, None, "matern"])  # other settings, not known, not settings
def test_a_record_fitted_under_other_settings_is_only_a_start(then):
    fits, calls = WarmFit(), []
    fits.recorded(7, {"a": [1.0]}, 9, then)
    fits.fitted(9, SETTINGS, counting_fit(calls))
    assert calls == [({"a": [1.0]}, False)]


def test_a_copy_is_independent():
    fits, calls = WarmFit(), []
    fit = fits.fitted(5, SETTINGS, counting_fit(calls))
    other = fits.copy()
    other.fitted(5, RBF, counting_fit(calls))
    assert fits.fit is fit and fits.key == (5, -1.0, *SETTINGS.items())


def test_a_what_if_on_a_constrained_study_leaves_its_constraint_fits_alone():
    """``propose(kernel=...)`` fits the variant's constraint GPs; the study's own must not see them
    (its next proposals warm-start from its own fit, as without the what-if)."""
    space = SearchSpace([Float("x0", 0.0, 1.0), Float("x1", 0.0, 1.0)])

    def objective(p):
        return Evaluation((p["x0"] - 0.8) ** 2 + (p["x1"] - 0.8) ** 2, constraints=[p["x0"] + p["x1"] - 1.0])

    settings = {"n_initial": 4, "num_restarts": 2, "raw_samples": 32}
    plain, asked = (Study(space, "bo", seed=1, optimizer_settings=settings) for _ in range(2))
    for study in (plain, asked):
        study.run(objective, n_trials=7, progress=False)
    asked.optimizer.propose()
    asked.optimizer.propose(kernel="rbf")
    for study in (plain, asked):
        study.run(objective, n_trials=3, progress=False)
    for one, other in zip(plain.trials, asked.trials, strict=True):
        np.testing.assert_array_equal(one.x, other.x)
        assert one.user_attrs.get("constraint_gp_state") == other.user_attrs.get("constraint_gp_state")


# -- a recorded fit under other settings: a switch, a reload, a fork --------------------------------------------
PLANE = SearchSpace([Float("x0", -1.0, 1.0), Float("x1", -1.0, 1.0)])
FAST = {"n_initial": 3, "num_restarts": 2, "raw_samples": 32}
MATERN = {"kernel": "matern", "noise": "auto", "output_warp": "rank-log"}


def bowl(p):
    return Evaluation((p["x0"] - 0.3) ** 2 + 2.0 * (p["x1"] + 0.2) ** 2 + 0.3 * np.sin(5.0 * p["x0"]),
                      constraints=[p["x0"] + p["x1"] - 0.5])


@pytest.fixture(scope="module")
def matern(tmp_path_factory):
    """The journal of a "bo" study (Matern, constrained) whose last proposal was pruned: no data
    arrived since the fits it recorded. And the next ask of that live study, as (x, gp_state)."""
    folder = tmp_path_factory.mktemp("matern")
    study = Study(PLANE, "bo", seed=0, storage=folder / "live.jsonl", optimizer_settings=FAST)
    study.run(bowl, n_trials=11, progress=False)
    stopped = study.ask()
    study.stop(stopped)  # a person's Stop: the GP is not fitted on it (one pruned unreported is a failure)
    study.report(stopped, 1.0, 0)
    study.tell(stopped, state="PRUNED")
    shutil.copy(folder / "live.jsonl", folder / "study.jsonl")
    asked = study.ask()
    return folder / "study.jsonl", (asked.x, asked.user_attrs["gp_state"])


def opened(path, folder, name):
    """``Study.load`` of a copy of the journal at ``path`` (each study appends to its own)."""
    shutil.copy(path, folder / name)
    return Study.load(folder / name)


@pytest.mark.parametrize("other", [{"kernel": "rbf"}, {"noise": "learned"}, {"output_warp": "none"}])
def test_a_switch_to_other_gp_settings_fits_from_the_recorded_fit_and_reloads_to_the_same_ask(matern, tmp_path,
                                                                                                 other):
    study = opened(matern[0], tmp_path, "study.jsonl")
    recorded = study.trials[-1].user_attrs
    assert recorded["constraint_gp_fit"] == "warm"
    study.switch_optimizer("bo", **FAST, **other)
    reloaded = opened(study.storage, tmp_path, "reloaded.jsonl")
    asked = study.ask()
    # Both fits were "reused": the Matern fit's hyperparameters in an RBF kernel, the constraint
    # GP's under another noise model, a fit to warped losses on raw ones. The constraint GP does
    # not see the objective's warp: its fit is still its own.
    assert asked.user_attrs["gp_fit"] != "reused"
    assert (asked.user_attrs["constraint_gp_fit"] == "reused") == ("output_warp" in other)
    assert recorded["gp_settings"] == MATERN and asked.user_attrs["gp_settings"] == {**MATERN, **other}
    if "kernel" in other:
        assert asked.user_attrs["gp_state"] != recorded["gp_state"]  # fitted: other hyperparameters
    again = reloaded.ask()
    np.testing.assert_array_equal(again.x, asked.x)
    assert again.user_attrs["gp_state"] == asked.user_attrs["gp_state"]


def test_a_resume_and_a_switch_to_the_same_settings_and_seed_ask_what_the_study_would(matern, tmp_path):
    path, (x, state) = matern
    resumed, switched = opened(path, tmp_path, "resumed.jsonl"), opened(path, tmp_path, "switched.jsonl")
    # Given built with the seed chosen (switch_optimizer refuses a seed among its settings); told
    # the history, not replayed.
    switched.switch_optimizer(make_optimizer("bo", switched.space, seed=resumed.optimizer.seed, **FAST))
    for study in (resumed, switched):
        asked = study.ask()
        np.testing.assert_array_equal(asked.x, x)
        assert asked.user_attrs["gp_fit"] == "reused" and asked.user_attrs["gp_state"] == state


def test_switching_gp_settings_back_and_forth_reloads_to_the_live_study_s_next_ask(matern, tmp_path):
    study = opened(matern[0], tmp_path, "study.jsonl")
    for i, kernel in enumerate(["rbf", "matern", "rbf"]):
        study.switch_optimizer("bo", kernel=kernel, **FAST)
        reloaded = opened(study.storage, tmp_path, f"reloaded-{i}.jsonl")
        asked, again = study.ask(), reloaded.ask()
        assert asked.user_attrs["gp_fit"] != "reused"  # the newest recorded fit is the other kernel's
        np.testing.assert_array_equal(again.x, asked.x)
        assert again.user_attrs["gp_state"] == asked.user_attrs["gp_state"]
        study.tell(asked, state="PRUNED")
    study.step(bowl)  # data again: the rbf GP's own fit goes on
    reloaded = opened(study.storage, tmp_path, "reloaded-last.jsonl")
    np.testing.assert_array_equal(reloaded.ask().x, study.ask().x)


def test_a_what_if_under_other_gp_settings_fits_though_no_data_arrived_since_the_fit(matern, tmp_path):
    study = opened(matern[0], tmp_path, "study.jsonl")
    study.ask()  # pending: the fit that proposed it saw every point there is
    # Both were "reused": the Matern fit's hyperparameters in an RBF kernel.
    assert study.optimizer.propose(kernel="rbf").info["gp_fit"] != "reused"
    assert study.surrogate(kernel="rbf").hyperparameters.fit_status != "reused"
    assert study.optimizer.propose(acquisition="ucb").info["gp_fit"] == "reused"  # the same model
