"""The schedulers' settings for new configurations: BOHB-style proposals, and where they start."""

from __future__ import annotations

import re
import warnings

import numpy as np
import pytest

from interactive_hpo import (
    ASHA,
    Categorical,
    Hyperband,
    Int,
    InvalidParameterError,
    SearchSpace,
    Study,
    SuccessiveHalving,
)
from interactive_hpo.objectives.fidelity import MultiFidelity
from interactive_hpo.objectives.synthetic import Branin

BRANIN = MultiFidelity(Branin())


def new_configurations(study: Study) -> dict[int, np.ndarray]:
    """Each configuration's unit-cube point, by config number, from the trials."""
    first: dict[int, np.ndarray] = {}
    for trial in study.trials:
        first.setdefault(trial.user_attrs["config"], trial.x)
    return first


def two_losses(params, budget):
    return BRANIN(params, budget=budget), (params["x1"] - 2) ** 2 * budget


# Not SuccessiveHalving: it is Hyperband's first bracket over and over, and the three schedulers
# draw new configurations through the same HalvingScheduler._sample and sampling.proposal; only
# how their brackets interleave budgets differs. Hyperband (synchronous brackets of several
# shapes), ASHA (asynchronous promotions) and ParEGO's model (two objectives) are the distinct paths.
@pytest.mark.parametrize(("name", "objectives"), [("hyperband", 1), ("asha", 1), ("hyperband", 2)])
def test_bohb_style_sampling_never_starts_a_configuration_twice(name, objectives):
    # The GP of the largest budget is told only that budget's results, so its proposal stayed the same
    # while lower rungs ran: Hyperband started one Branin point 6 times in 66 jobs, ASHA one 10 times,
    # and with two objectives (ParEGO) 6 times. The random draws are those of sampler="random" at the
    # same seed; the others are the GP's. 30 jobs (44 cost twice the CPU): with the GP's own proposal
    # back, each case starts a configuration again by then (2 to 7 of its proposals, at seed 0).
    pytest.importorskip("botorch")
    settings = {"min_budget": 1 / 9, "random_fraction": 0.2}
    several = {"directions": ["minimize"] * 2} if objectives == 2 else {}
    runs = {sampler: Study(BRANIN.space, name, seed=0, optimizer_settings={**settings, "sampler": sampler}, **several)
            for sampler in ("bo", "random")}
    for study in runs.values():
        study.run(BRANIN if objectives == 1 else two_losses, n_trials=30, progress=False)
    configs, drawn = new_configurations(runs["bo"]), new_configurations(runs["random"])
    proposed = [c for c in configs if not np.array_equal(configs[c], drawn.get(c))]
    assert len(proposed) >= 8, len(proposed)   # the GP proposed some
    points = np.array(list(configs.values()))
    for c in proposed:  # not the same point as another, nor next to one: the GP proposes away from them
        gaps = np.abs(points - configs[c]).max(axis=1)
        assert np.sort(gaps)[1] > 1e-3, (c, np.sort(gaps)[:3])


def test_bohb_style_sampling_on_a_finite_space_starts_every_configuration_then_goes_on():
    # Once the GP had every configuration of a small space, its proposal had no candidate left:
    # IndexError. Now the GP proposes those not started yet, and random draws follow.
    pytest.importorskip("botorch")
    space = SearchSpace([Int("a", 1, 3), Categorical("k", ["x", "y"])])
    study = Study(space, "asha", seed=0, optimizer_settings={"sampler": "bo", "min_budget": 1 / 9,
                                                             "random_fraction": 0.0})
    study.run(lambda p, budget: p["a"] + (p["k"] == "x") + 1 - budget, n_trials=40, progress=False)
    configs = [tuple(space.from_unit(x).values()) for x in new_configurations(study).values()]
    assert len(study.trials) == 40 and len(set(configs[:6])) == 6, configs


SVM = SearchSpace([Categorical("C", [0.1, 1.0, 10.0]),
                   Categorical("gamma", [0.001, 0.01, 0.1], condition=("kernel", ["rbf", "poly"])),
                   Int("degree", 2, 5, condition=("kernel", "poly")),
                   Categorical("kernel", ["rbf", "poly", "linear"])])  # 48 configurations


@pytest.mark.parametrize("name", ["asha", "hyperband"])
def test_bohb_style_random_draws_on_a_finite_space_start_no_configuration_twice(name):
    # The GP's proposals were new, but its random share and the draws before it had data were not:
    # at seed 0 ASHA started 2 of its 14 configurations a second time, Hyperband 3 of 15.
    pytest.importorskip("botorch")
    study = Study(SVM, name, seed=0, optimizer_settings={"sampler": "bo", "min_budget": 1 / 9})
    study.run(lambda p, budget: len(p) + 1 / budget, n_trials=20, progress=False)
    starts = [tuple(sorted(t.params.items())) for t in study.trials if t.user_attrs["rung"] == 0]
    assert len(starts) >= 14 and len(set(starts)) == len(starts), starts


@pytest.mark.parametrize(("cls", "kwargs", "message"), [
    (SuccessiveHalving, {"min_budget": 0.5},
     "`min_budget` of SuccessiveHalving must be at most max_budget / reduction_factor = 0.333333, for two rungs or "
     "more; got 0.5. With max_budget=1 and reduction_factor=3 the rungs would be [1]: every job at the full budget"),
    (ASHA, {"min_budget": 1, "max_budget": 9, "reduction_factor": 10},
     "`min_budget` of ASHA must be at most max_budget / reduction_factor = 0.9, for two rungs or more; got 1. With "
     "max_budget=9 and reduction_factor=10 the rungs would be [9]"),
])
def test_a_min_budget_that_leaves_one_rung_is_refused(cls, kwargs, message):
    # Every job ran at the full budget: random search that thinks it is a scheduler.
    with pytest.raises(InvalidParameterError, match=re.escape(message)):
        cls(BRANIN.space, **kwargs)


@pytest.mark.parametrize(("kwargs", "lowest"), [({"min_budget": 0.2}, 1 / 3), ({"min_budget": 0.05}, 1 / 9),
                                                ({"min_budget": 1, "max_budget": 100}, 100 / 81)])
def test_a_min_budget_off_the_rung_grid_warns_where_new_configurations_start(kwargs, lowest):
    with pytest.warns(UserWarning, match=f"Hyperband starts new configurations at budget {lowest:g}, not "
                                         f"min_budget={kwargs['min_budget']:g}"):
        hyperband = Hyperband(BRANIN.space, **kwargs)
    assert hyperband.budgets[0] == pytest.approx(lowest)


@pytest.mark.parametrize("kwargs", [{}, {"min_budget": 1 / 9}, {"max_budget": 100}, {"min_budget": 1, "max_budget": 81},
                                    {"min_budget": 1 / 8, "reduction_factor": 2}])
def test_a_min_budget_on_the_grid_or_left_at_its_default_is_silent(kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        ASHA(BRANIN.space, **kwargs)   # max_budget alone: min_budget was not typed, nothing to warn about


def test_bohb_style_sampling_keeps_the_gp_pending_points_bounded(monkeypatch):
    # Every configuration started and not told to the GP was pending for it, those stopped below its
    # budget too: qLogNEI samples them jointly, and a proposal cost 0.5 s at 50 ASHA trials, 4 s at 350.
    # Now only the jobs running and the newest MAX_PENDING configurations are pending; the others are
    # avoided (never proposed again), not pending. A small cap shows it in a short run.
    pytest.importorskip("botorch")
    from interactive_hpo.optimizers.bayes.optimizer import GaussianProcessBO
    from interactive_hpo.optimizers.multifidelity import sampling

    monkeypatch.setattr(sampling, "MAX_PENDING", 3)
    seen: list[tuple[int, int]] = []
    propose = GaussianProcessBO.propose

    def counted(self, **kwargs):
        avoid = kwargs.get("avoid")
        seen.append((len(self._pending_points(kwargs.get("elsewhere"))), 0 if avoid is None else len(avoid)))
        return propose(self, **kwargs)

    monkeypatch.setattr(GaussianProcessBO, "propose", counted)
    study = Study(BRANIN.space, "asha", seed=0, optimizer_settings={"sampler": "bo", "min_budget": 1 / 9,
                                                                    "random_fraction": 0.0})
    study.run(BRANIN, n_trials=30, progress=False)
    configs = new_configurations(study)
    assert max(pending for pending, _ in seen) <= 3, seen
    assert max(avoided for _, avoided in seen) > 3, seen   # the others were there, avoided
    points = np.array(list(configs.values()))
    gaps = np.abs(points[:, None] - points[None]).max(axis=2) + np.eye(len(points))
    assert gaps.min() > 1e-3, gaps.min()   # and none started twice, nor next to another


def test_a_gp_proposal_avoids_points_without_making_them_pending():
    pytest.importorskip("botorch")
    from interactive_hpo.optimizers.bayes.optimizer import GaussianProcessBO

    study = Study(BRANIN.space, "random", seed=0)
    study.run(Branin(), n_trials=8, progress=False)
    model = GaussianProcessBO(BRANIN.space, n_initial=4, seed=0)
    for trial in study.trials:
        model.tell(trial, trial.value)
    first = model.propose()
    other = model.propose(avoid=first.x[None])
    assert not np.allclose(other.x, first.x)
    assert other.info["acquisition"] == first.info["acquisition"]   # no pending points: the plain acquisition
    assert model.propose(elsewhere=first.x[None]).info["acquisition"] != first.info["acquisition"]   # pending
    assert np.array_equal(model.propose(avoid=first.x).x, other.x)   # one point of shape (d,) is one row
    # A wrong width was reshaped into other points silently ((3, 3) -> four and a half 2-D points).
    assert np.array_equal(model.propose(avoid=np.empty((0, 2))).x, first.x)   # none to avoid
    for argument, points in [("avoid", np.full((3, 3), 0.5)), ("elsewhere", np.full((2, 3), 0.5)),
                             ("avoid", np.empty((0, 5))),
                             ("avoid", [[0.5, 1.5]]), ("elsewhere", [[0.5, np.nan]]), ("avoid", "abc")]:
        with pytest.raises(InvalidParameterError, match=rf"`{argument}` of GaussianProcessBO.propose must be an "
                                                        r"array of shape \(m, 2\) of points of the unit cube"):
            model.propose(**{argument: points})
    with pytest.raises(InvalidParameterError, match="`avoid` of GaussianProcessBO.propose"):
        model.propose(avoid=np.full((1, 3), 0.5), lengthscale_scale=2.0)   # a what-if too


def test_the_off_grid_warning_points_at_the_line_that_typed_min_budget():
    # stacklevel=4 pointed at study/core.py (Study) or at sys:1; warn_user finds the caller's line.
    for build in (lambda: Study(BRANIN.space, "hyperband", optimizer_settings={"min_budget": 0.2}),
                  lambda: ASHA(BRANIN.space, min_budget=0.2)):
        with pytest.warns(UserWarning, match="starts new configurations at budget 0.333333") as record:
            build()
        assert record[0].filename == __file__, record[0].filename


def test_a_default_min_budget_that_leaves_one_rung_says_it_is_the_default():
    # Hyperband(space, max_budget=0.05) named min_budget=0.037037, which the person never typed.
    with pytest.raises(InvalidParameterError, match=re.escape(
            "got 0.037037037037037035. That is its default: min_budget was not given. With max_budget=1 and "
            "reduction_factor=30")):
        Hyperband(BRANIN.space, reduction_factor=30)
