"""The surrogate view's std in the model's units beside a mean in the objective's
(``predict(X, std_units="model")``, the Lab's std map of a warped GP): the same numbers as
``model_units()``, from one posterior evaluation."""

from __future__ import annotations

import numpy as np
import pytest

from interactive_hpo.exceptions import InvalidParameterError

pytest.importorskip("botorch")

POINTS = np.random.default_rng(1).random((40, 2))


def test_the_std_in_model_units_comes_with_the_objective_mean_from_one_posterior_evaluation(counted_warped_view):
    counted = counted_warped_view
    both = counted.predict(POINTS, std_units="model")
    assert counted._predictor.calls == 1
    objective, model = counted.predict(POINTS), counted.model_units().predict(POINTS)
    np.testing.assert_array_equal(both.std, model.std)
    np.testing.assert_array_equal(both.mean, objective.mean)
    np.testing.assert_array_equal(both.acquisition, objective.acquisition)
    assert not np.allclose(both.std, objective.std)  # warped: the two units differ
    # The other way round, and the defaults: the std in the mean's units.
    np.testing.assert_array_equal(counted.model_units().predict(POINTS, std_units="objective").std, objective.std)
    np.testing.assert_array_equal(counted.predict(POINTS, std_units="objective").std, objective.std)
    np.testing.assert_array_equal(counted.model_units().predict(POINTS, std_units=None).std, model.std)


@pytest.mark.parametrize("bad", ["warped", "Model", 1, ["model"]])
def test_other_std_units_are_refused_naming_the_parameter_the_rule_and_the_value(counted_warped_view, bad):
    counted = counted_warped_view
    rule = r"`std_units` of GPSurrogateView.predict must be one of \['objective', 'model'\]; got "
    with pytest.raises(InvalidParameterError, match=rule + repr(bad).replace("[", r"\[")):
        counted.predict(POINTS, std_units=bad)
    assert counted._predictor.calls == 0  # refused before the posterior is evaluated
