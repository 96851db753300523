"""The GP fit kept until the data change, and the warm state the next fit starts from
(``bayes.warm_fit``), for the objective's GP and the constraint GPs alike."""

from __future__ import annotations

import math

import numpy as np
import pytest

pytest.importorskip("botorch")

from interactive_hpo import Float, SearchSpace, Study  # noqa: E402
from interactive_hpo.optimizers.bayes.model import FittedGP  # noqa: E402
from interactive_hpo.optimizers.bayes.warm_fit import WarmFit  # noqa: E402
from interactive_hpo.trial import Evaluation  # noqa: E402

SETTINGS = ("matern", "auto")


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
    assert fits.fitted(5, ("rbf", "auto"), counting_fit(calls)) is not first
    fits.fitted(6, ("rbf", "auto"), counting_fit(calls))
    assert calls == [(None, False)] * 3  # nothing to start from yet


def test_an_adopted_fit_stays_current_and_warm_starts_the_next():
    fits, calls = WarmFit(), []
    fit = fits.fitted(5, SETTINGS, counting_fit(calls))
    fits.adopt(fit, 5, SETTINGS)
    assert fits.source == math.inf and fits.fitted(5, SETTINGS, counting_fit(calls)) is fit and len(calls) == 1
    fits.fitted(6, SETTINGS, counting_fit(calls))
    assert calls[-1] == (fit.state, False)  # warm, on new data: fitted again


def test_without_settings_an_adopted_fit_is_rebuilt_from_its_state():
    """What the constraint GPs do: the next call rebuilds the model (``reuse``) from the same data."""
    fits, calls = WarmFit(), []
    fit = fits.fitted(5, SETTINGS, counting_fit(calls))
    fits.adopt(fit, 5)
    fits.fitted(5, SETTINGS, counting_fit(calls))
    assert calls[-1] == (fit.state, True)


def test_a_replayed_record_is_the_warm_start_only_if_newer():
    fits = WarmFit()
    fits.recorded(7, {"a": [1.0]}, 9)
    fits.recorded(3, {"a": [2.0]}, 4)  # older: ignored
    assert (fits.state, fits.source, fits.data) == ({"a": [1.0]}, 7, 9)
    calls = []
    fits.fitted(9, SETTINGS, counting_fit(calls))
    assert calls == [({"a": [1.0]}, True)]  # no data since that fit: rebuilt, not fitted


def test_a_copy_is_independent():
    fits, calls = WarmFit(), []
    fit = fits.fitted(5, SETTINGS, counting_fit(calls))
    other = fits.copy()
    other.fitted(5, ("rbf", "auto"), counting_fit(calls))
    assert fits.fit is fit and fits.key == (5, -1.0, *SETTINGS)


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
