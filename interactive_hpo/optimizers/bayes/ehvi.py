"""Multi-objective Bayesian optimization by expected hypervolume improvement: qLogNEHVI.

:class:`EHVIBO` (registered as "ehvi") fits one GP per objective (``bayes.outcomes``, our own
fit, warm-started from the previous one) and proposes where BoTorch's
``qLogNoisyExpectedHypervolumeImprovement`` is largest (Daulton et al., 2021, "Parallel Bayesian
optimization of multiple noisy objectives with expected hypervolume improvement"; in logs as
Ament et al., 2023, "Unexpected improvements to expected improvement"): the expected growth of
the volume the front dominates, averaged over posterior samples of the objectives at the trials
already run (so noisy observations are not trusted as they are), estimated with ``mc_samples``
scrambled Sobol normal samples.

What the GPs see: the utilities ``-loss_i / s_i`` of each objective ``i``, ``s_i`` the spread of
its losses (no output warp: a monotone warp keeps who dominates whom but would change what a
volume is). Failed trials are fitted half the observed range below the worst in every objective,
as ``"bo"`` does, so the GPs learn to avoid them.

The reference point bounds the volume measured. In each objective it is the worst loss of the
feasible COMPLETE trials (all COMPLETE trials while none is feasible) plus a tenth of their
range, or :func:`interactive_hpo.pareto.reference_point` of those losses (BoTorch's
``infer_reference_point`` rule: the front's nadir plus 10% of the front's range) where that is
larger; recomputed at each proposal and recorded with it (``"hv_reference"``, in losses). Past
the worst loss seen, the front's ends add volume, so the acquisition extends them.

The acquisition's local searches start from its best raw samples and from up to
:data:`FRONT_STARTS` points of the front spread along it, where improvements are found.

Constraints (``bayes.constrained``): when the trials carry constraint values, one GP per
constraint joins the model as an extra output and qLogNEHVI counts only volume that is feasible
(its ``constraints=`` callables, a smooth feasibility indicator on the sampled constraint values).

One objective: the hypervolume improvement in one dimension is the improvement on the best
loss, so the acquisition is qLogNEI (with the same constraints); the optimizer then behaves as
a plain GP optimizer without an output warp.

What it shows (``ModelBased``): :meth:`EHVIBO.surrogate` is the belief about one objective
(``objective=``, default 0), a :class:`GPSurrogateView` in that objective's losses, whose
acquisition is the log-EHVI the proposal maximized (in the model's units: each objective
divided by its spread). A past step's view (``restored_view``) is rebuilt for any objective
(``objective=``, default 0) from that step's recorded GPs, with the log-EHVI that step maximized.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from typing import Any, cast

import numpy as np
from botorch.acquisition import qLogNoisyExpectedImprovement
from botorch.acquisition.multi_objective.logei import qLogNoisyExpectedHypervolumeImprovement
from botorch.acquisition.multi_objective.objective import IdentityMCMultiOutputObjective
from botorch.acquisition.objective import GenericMCObjective
from botorch.models import ModelListGP
from botorch.sampling import SobolQMCNormalSampler
from linear_operator.utils.warnings import NumericalWarning

from ..._compat import without_fused_ehvi_kernel
from ..._validation import check_int, fail
from ...direction import Direction
from ...pareto import pareto_mask, reference_point
from ...trial import Trial
from ...views import read_only
from ..base import Suggestion
from ..capabilities import ModelPerObjective, MultiObjective
from . import acquisition as acq
from .constrained import column, first_output
from .model import DTYPE, one_thread, torch
from .optimizer import KERNELS, NOISE, GaussianProcessBO, GPSurrogateView
from .outcomes import members
from .predictor import Predictor
from .training import loss_spread
from .view import kernel_summary
from .warping import OutputWarp

__all__ = ["EHVIBO", "hypervolume_acquisition", "FRONT_STARTS", "MAP_CHUNK", "REFERENCE_MARGIN"]

#: Front points the acquisition's extra local searches start from (Optuna's GPSampler: up to 5).
FRONT_STARTS = 5

#: Points per evaluation of a view's log-EHVI (what a map draws, ``acquisition.evaluate`` hands it 2048
#: at a time). Each point costs smoothed minima and maxima over (mc_samples x cells) values, the cells
#: of the box decomposition growing with the front (3 at 7 trials of ZDT2, 10 at 14): memory-bound work
#: that stays in the cache 128 points at a time. A 60 x 60 map at 14 trials took 2.5 s against 4.7 s
#: in chunks of 2048, the same values to the bit (the points are independent; test_ehvi_map.py).
MAP_CHUNK = 128

#: How far beyond the worst feasible loss the reference point lies, in parts of the observed range.
REFERENCE_MARGIN = 0.1


def hypervolume_acquisition(model: Any, n_objectives: int, reference: np.ndarray, X_baseline: Any, *,
                            n_constraints: int = 0, pending: Any = None, mc_samples: int = 128,
                            seed: int = 0) -> Any:
    """BoTorch's qLogNEHVI (qLogNEI for one objective) on a model of objectives and constraints.

    Parameters
    ----------
    model : botorch ModelListGP
        Outputs ``0..m-1`` the objectives' utilities (larger is better), then ``n_constraints``
        constraint values (at most 0 is feasible).
    n_objectives : int
        m.
    reference : ndarray of shape (m,)
        The reference point in utilities (the volume counted lies above it).
    X_baseline : tensor of shape (n, d)
        The points evaluated so far (unit cube).
    n_constraints : int
    pending : tensor of shape (p, d), optional
        Points being evaluated: the improvement is counted beyond what they are expected to add.
    mc_samples : int
        Scrambled Sobol normal samples (seeded by ``seed``) of the posterior.

    Returns
    -------
    botorch AcquisitionFunction
        At points of shape (b, q, d), the log expected (feasible) hypervolume improvement of
        the q points together, shape (b,).
    """
    without_fused_ehvi_kernel()  # no 60 s compile at the first proposal, the same bits on every machine
    sampler = SobolQMCNormalSampler(sample_shape=torch.Size([mc_samples]), seed=seed)
    constraints = [column(n_objectives + j) for j in range(n_constraints)] or None
    with warnings.catch_warnings():  # jitter added to the baseline's joint covariance: not the user's concern
        warnings.simplefilter("ignore", NumericalWarning)
        if n_objectives == 1:
            return qLogNoisyExpectedImprovement(model, X_baseline=X_baseline, sampler=sampler, X_pending=pending,
                                                objective=GenericMCObjective(first_output),
                                                constraints=constraints, prune_baseline=True)
        objective = IdentityMCMultiOutputObjective(outcomes=list(range(n_objectives))) if n_constraints else None
        return qLogNoisyExpectedHypervolumeImprovement(
            model, ref_point=torch.as_tensor(reference, dtype=DTYPE), X_baseline=X_baseline, sampler=sampler,
            objective=objective, constraints=constraints, X_pending=pending, prune_baseline=True)


class EHVIBO(GaussianProcessBO, ModelPerObjective, MultiObjective):
    """Bayesian optimization of several objectives by qLogNEHVI (one GP per objective).

    Parameters
    ----------
    space : SearchSpace
    kernel : {"matern", "rbf"}
        Of every objective's (and constraint's) GP, as for :class:`GaussianProcessBO`.
    noise : {"auto", "learned", "fixed"}
        As for :class:`GaussianProcessBO`, decided per objective.
    n_initial : int or None
        Scrambled Sobol points before the GPs take over (default as for "bo").
    mc_samples : int
        Posterior samples behind the expected improvement, in [1, 4096] (BoTorch's and Optuna's
        128; fewer is faster and noisier).
    num_restarts, raw_samples : int
        Acquisition optimization effort, as for "bo".
    allow_repeats : bool
        As for "bo": False never proposes a configuration twice (a joint batch is optimized
        with its pending points instead).
    seed : int, numpy.random.Generator or None

    Examples
    --------
    >>> from interactive_hpo import Float, SearchSpace, Study
    >>> space = SearchSpace([Float("x", 0, 1)])
    >>> optimizer = EHVIBO(space, n_initial=3, mc_samples=16, num_restarts=2, raw_samples=32, seed=0)
    >>> study = Study(space, optimizer, directions=["minimize", "minimize"])
    >>> _ = study.run(lambda p: (p["x"] ** 2, (p["x"] - 1) ** 2), n_trials=5, progress=False)
    >>> study.trials[-1].user_attrs["acquisition"]
    'qlognehvi'
    """

    name = "ehvi"
    setting_choices = {"kernel": KERNELS, "noise": NOISE}

    def __init__(self, space: Any, *, kernel: str = "matern", noise: str = "auto", n_initial: int | None = None,
                 mc_samples: int = 128, num_restarts: int = 8, raw_samples: int = 256, allow_repeats: bool = False,
                 seed: int | np.random.Generator | None = None):
        super().__init__(space, kernel=kernel, noise=noise, output_warp="none", n_initial=n_initial,
                         num_restarts=num_restarts, raw_samples=raw_samples, allow_repeats=allow_repeats, seed=seed)
        self.mc_samples = check_int(mc_samples, "mc_samples", "EHVIBO", 1, 4096)
        self._restoring = 0  # the objective a past step's view is rebuilt for (restored_view)

    # -- what the GPs see ------------------------------------------------------------------------------
    def _tell(self, trial: Trial, loss: Any, suggestion: Suggestion | None) -> None:
        # One loss per objective, shape (m,); a single float is one objective.
        vector = None if loss is None else np.atleast_1d(np.asarray(loss, dtype=float))
        super()._tell(trial, cast(Any, vector), suggestion)

    def _observed(self) -> tuple[np.ndarray, np.ndarray]:
        """The completed trials: inputs of shape (n, d) and losses of shape (n, m)."""
        X = np.array([x for x, _ in self._data]).reshape(-1, self.space.dim)
        m = int(np.size(self._data[0][1])) if self._data else 1
        return X, np.array([loss for _, loss in self._data]).reshape(len(self._data), m)

    def _factors(self) -> np.ndarray:
        """Each objective's loss spread, shape (m,), by which its losses are divided (1 if none)."""
        losses = self._observed()[1]
        spread = loss_spread(losses)
        return np.where(spread > 0, spread, np.maximum(np.abs(losses).max(axis=0, initial=0.0), 1.0))

    def _arrays(self) -> tuple[np.ndarray, np.ndarray]:
        """What the GPs see: inputs of shape (n + f, d), completed trials then the failed ones
        fitted (``TrainingData._fitted_failed``), and utilities of shape (n + f, m), failed trials
        half the observed range below the worst."""
        X, losses = self._observed()
        utilities = -losses / self._factors()
        low, high = utilities.min(axis=0), utilities.max(axis=0)
        points = self._fitted_failed()
        failed = np.broadcast_to(low - 0.5 * np.where(high > low, high - low, 1.0), (len(points), len(low)))
        return np.vstack([X, *[x.reshape(1, -1) for x in points]]), np.vstack([utilities, failed])

    def _feasible_losses(self) -> np.ndarray:
        """Losses of shape (k, m) of the feasible completed trials (all of them while none is)."""
        losses = self._observed()[1]
        feasible = np.array(self._constraints.feasible[:len(losses)], dtype=bool)
        return losses[feasible] if feasible.any() else losses

    def reference(self) -> np.ndarray:
        """The hypervolume's reference point of the next proposal, in losses, shape (m,): see the
        module's docstring (the worst feasible loss plus a tenth of the observed range, or
        :func:`interactive_hpo.pareto.reference_point` of the feasible losses where that is larger)."""
        losses = self._feasible_losses()
        # BoTorch's rule alone collapses when one trial dominates the others (the box is then that
        # trial's point; seen on ZDT2: the same corner proposed 7 times running) and values no
        # step beyond a tenth of the front's extent. At the worst loss seen, a front's end beyond
        # it added no volume: on ZDT1 the fronts stopped short of f0 = 1 (at 0.84-0.92, seeds
        # 0-2), which cost about 0.6 of hypervolume. A tenth of the range beyond the worst, as
        # Optuna's GPSampler widens its reference, gives that end volume (benchmarks/README.md,
        # "Several objectives").
        worst, best = losses.max(axis=0), losses.min(axis=0)
        return np.maximum(reference_point(losses), worst + REFERENCE_MARGIN * (worst - best))

    def _start(self) -> np.ndarray:
        """Where extra local searches of the acquisition start, shape (k, d): up to
        :data:`FRONT_STARTS` front points, the one nearest the front's centre first, then each
        farthest from those chosen (losses scaled by their spreads), so the starts cover the front."""
        # Improvement is found next to the front's points, all along it. One start at the point
        # nearest the ideal point was, on ZDT2's concave front, an extreme (0, 1): 11 of 12
        # proposals came from its face x0 = 0, dominated. One start at the centre left the ends
        # uncovered (ZDT2 117.1 on seeds 0-4); five spread starts reach GPSampler's 120.29 (it
        # starts from up to five front points too). benchmarks/README.md, "Several objectives".
        losses = self._feasible_losses()
        X = self._observed()[0]
        if len(losses) < len(X):
            X = X[np.array(self._constraints.feasible[:len(X)], dtype=bool)]
        front = np.flatnonzero(pareto_mask(losses))
        scaled = (losses[front] - losses[front].min(axis=0)) / self._factors()
        chosen = [int(np.argmin(np.linalg.norm(scaled - scaled.mean(axis=0), axis=1)))]
        distance = np.linalg.norm(scaled - scaled[chosen[0]], axis=1)
        while len(chosen) < FRONT_STARTS and distance.max() > 0:  # chosen points are at distance 0
            chosen.append(int(np.argmax(distance)))
            distance = np.minimum(distance, np.linalg.norm(scaled - scaled[chosen[-1]], axis=1))
        return X[front[chosen]]

    # -- proposing -------------------------------------------------------------------------------------
    def _recorded_acquisition(self, value: float, pending: bool, batch: bool = False) -> tuple[str, float]:
        # One objective's log-NEI in its units, as "bo" records it; log-EHVI in the model's (a
        # volume in every objective's units at once: in_objective_units leaves it as it is).
        name = self._info_name() + (" (batch)" if batch else "")
        return name, float(acq.in_objective_units(name, value, float(self._factors()[0])))

    def _acquisition(self, model: Any, seed: int, pending: np.ndarray | None = None, batch: bool = False) -> Any:
        """qLogNEHVI on the objectives' GPs (``model``) and the constraints' GPs, if any."""
        X = torch.as_tensor(self._observed()[0], dtype=DTYPE)
        outputs, n_constraints = members(model), 0
        if self._constraints.active:
            outputs += members(self._constraints.fitted(self._cat_dims, self.kernel, self.noise, seed))
            n_constraints = int(self._constraints.count or 0)
        reference = -self.reference() / self._factors()
        return hypervolume_acquisition(
            ModelListGP(*outputs), len(members(model)), reference, X, n_constraints=n_constraints,
            pending=None if pending is None or not len(pending) else torch.as_tensor(pending, dtype=DTYPE),
            mc_samples=self.mc_samples, seed=seed)

    def _info(self, fit: Any, acquisition: str, value: float, seed: int) -> dict[str, Any]:
        return {**super()._info(fit, acquisition, value, seed), "hv_reference": self.reference().tolist()}

    # -- looking inside --------------------------------------------------------------------------------
    def surrogate(self, *, objective: int = 0, **overrides: Any) -> GPSurrogateView | None:
        """The belief about one objective (index ``objective``) behind the next proposal, in that
        objective's losses, with the log-EHVI as its acquisition; None before two trials completed.
        ``overrides``: other settings for a what-if view, as for :meth:`propose`."""
        self._check_objective(objective, "EHVIBO.surrogate")
        if overrides:
            return cast(EHVIBO, self._variant(overrides, "EHVIBO.surrogate")).surrogate(objective=objective)
        if len(self._data) < 2:
            return None
        rng = self._stream(self.n_seen)  # the next ask's stream: same fit, same acquisition seed
        fit = self._fitted(rng)
        return self._view(fit.model, fit.status, proposal=None, seed=int(rng.integers(2**31)), objective=objective)

    def restored_view(self, info: Mapping[str, Any], proposal: np.ndarray | None, *,
                      objective: int = 0) -> GPSurrogateView:
        """The belief about objective ``objective`` behind a past proposal, rebuilt without a fit
        from the GP states recorded with it (``info``, its trial's attributes) and the trials this
        optimizer was told; its acquisition is the log-EHVI that proposal maximized."""
        self._check_objective(objective, "EHVIBO.restored_view")
        self._restoring = int(objective)  # read by _view, which the base's restored_view calls
        try:
            return super().restored_view(info, proposal)
        finally:
            self._restoring = 0

    def _check_objective(self, objective: Any, owner: str) -> None:
        m = max(self._observed()[1].shape[1], 1)
        if not (isinstance(objective, (int, np.integer)) and not isinstance(objective, bool) and 0 <= objective < m):
            raise fail("objective", owner, f"an objective's index in [0, {m - 1}]", objective)

    def _view(self, model: Any, status: str, proposal: np.ndarray | None, seed: int,
              objective: int | None = None) -> GPSurrogateView:
        objective = self._restoring if objective is None else objective
        gp = members(model)[objective]
        with one_thread():  # built as the proposal built it: same seed, same samples
            predictor = Predictor(gp)
            with torch.random.fork_rng():
                torch.manual_seed(seed)
                acquisition = self._acquisition(model, seed)
        X, losses = self._observed()
        factor = float(self._factors()[objective])
        warp = OutputWarp(-losses[:, objective] / factor, "none")
        failed = np.array(self._fitted_failed()).reshape(-1, self.space.dim)
        return GPSurrogateView(X=read_only(X), losses=read_only(losses[:, objective]), failed=read_only(failed),
                               hyperparameters=kernel_summary(gp, predictor, self.space, self.kernel, status, factor),
                               proposal=None if proposal is None else read_only(proposal),
                               acquisition_name=self._info_name(), direction=Direction.MINIMIZE, model=gp,
                               factor=factor, warp=warp, acquisition_settings={"objective": float(objective)},
                               units="objective", _predictor=predictor, _acquisition=_Quiet(acquisition))

    def _info_name(self) -> str:
        """The acquisition's name: log-EHVI, or log-NEI for one objective."""
        return "qlognehvi" if self._observed()[1].shape[1] > 1 else "qlognei"

    def _variant(self, overrides: Any, owner: str, lengthscale_scale: float | None = None) -> GaussianProcessBO:
        if lengthscale_scale is not None:
            raise fail("lengthscale_scale", owner, "None", lengthscale_scale,
                       hint="EHVIBO has one GP per objective; the lengthscale what-if is for 'bo'.")
        return super()._variant(overrides, owner)


class _Quiet:
    """An acquisition evaluated without linear_operator's jitter warnings: a plotting grid drawn
    with the view (3600 points of the Lab's maps) evaluates the baseline's joint covariance again
    and warned at every redraw; as at the acquisition's construction, that is not the user's concern.
    Points of shape (b, q, d) are evaluated :data:`MAP_CHUNK` at a time: shape (b,)."""

    def __init__(self, acquisition: Any):
        self.acquisition = acquisition

    def __call__(self, X: Any) -> Any:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", NumericalWarning)
            return torch.cat([self.acquisition(X[i:i + MAP_CHUNK]) for i in range(0, max(len(X), 1), MAP_CHUNK)])
