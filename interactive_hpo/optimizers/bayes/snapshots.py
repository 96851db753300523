"""What a :class:`~.optimizer.GaussianProcessBO` believes, as snapshots that change nothing.

:class:`Snapshots`, mixed into the optimizer, makes its views (:class:`~.view.GPSurrogateView`):
the current belief (``surrogate()``, from the fit the next ask makes and then reuses), a past
step's (``restored_view``, from the hyperparameters and acquisition seed its proposal recorded,
without a fit), and the copies what-ifs are asked of (``_variant``: other settings, or the
fitted lengthscales scaled, on the same data). Proposing, fitting and telling stay in
``bayes.optimizer`` and ``bayes.held_fit``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, cast

import numpy as np

# isort: off
# bayes.model checks that torch and botorch are installed, with an install hint, when first imported.
from .model import one_thread, scaled_lengthscales, torch
from . import acquisition as acq
from .outcomes import restore_models
from .predictor import Predictor
from .view import GPSurrogateView, kernel_summary

# isort: on
from ..._validation import check_real, fail, is_int
from ...direction import Direction
from ...views import read_only
from ..recorded import is_state

if TYPE_CHECKING:
    from ...space import SearchSpace
    from .constrained import ConstraintModels
    from .initial import InitialDesign
    from .model import FittedGP
    from .optimizer import GaussianProcessBO
    from .transfer import WarmSources
    from .warm_fit import WarmFit
    from .warping import OutputWarp

__all__ = ["Snapshots"]


class Snapshots:
    """The GP's beliefs as views, and the copies what-ifs ask; mixed into :class:`~.optimizer.GaussianProcessBO`."""

    # Provided by the optimizer (and its Optimizer base, TrainingData and HeldFit).
    space: SearchSpace
    seed: int
    kernel: str
    acquisition: str
    n_seen: int
    _data: list[tuple[np.ndarray, Any]]
    _failed: list[tuple[np.ndarray, dict[str, Any]]]
    _completed: set[tuple]
    _stopped: list[np.ndarray]
    _pending: list[Any]
    _n_told: int
    _cat_dims: list[int]
    _constraints: ConstraintModels
    _initial: InitialDesign
    _sources: WarmSources
    _fits: WarmFit
    settings: Callable[[], dict[str, Any]]
    _stream: Callable[[int], np.random.Generator]
    _fitted: Callable[[np.random.Generator], FittedGP]
    _prior: Callable[[], Any]
    _key: Callable[[], tuple]
    _arrays: Callable[[], tuple[np.ndarray, np.ndarray]]
    _observed: Callable[[], tuple[np.ndarray, np.ndarray]]
    _fitted_failed: Callable[[], list[np.ndarray]]
    _factor: Callable[[], float]
    _warp: Callable[[], OutputWarp]
    _acq_settings: Callable[[np.ndarray], dict[str, float]]
    _acquisition: Callable[..., Any]

    def surrogate(self, *, lengthscale_scale: float | None = None, **overrides: Any) -> GPSurrogateView | None:
        """The current belief (None before two trials completed); what-ifs as in :meth:`propose`."""
        if overrides or lengthscale_scale is not None:
            return self._variant(overrides, f"{type(self).__name__}.surrogate", lengthscale_scale).surrogate()
        if len(self._data) < 2:
            return None
        rng = self._stream(self.n_seen)  # the next ask's stream: same fit, same acquisition seed
        fit = self._fitted(rng)
        return self._view(fit.model, fit.status, proposal=None, seed=int(rng.integers(2**31)))

    def restored_view(self, info: Mapping[str, Any], proposal: np.ndarray | None) -> GPSurrogateView:
        """The belief of a past step, from the ``info`` its proposal recorded (hyperparameters and
        acquisition seed) and this optimizer's data: no fit."""
        seed = _restorable(info, self.seed)
        model = restore_models(*self._arrays(), self._cat_dims, self.kernel, dict(info["gp_state"]), self._prior())
        self._constraints.pinned = info if "constraint_gp_state" in info else None  # that step's constraint GPs
        try:
            return self._view(model, "restored", proposal, seed=seed)
        finally:
            self._constraints.pinned = None

    def _view(self, model: Any, status: str, proposal: np.ndarray | None, seed: int) -> GPSurrogateView:
        """A snapshot; ``seed`` is the acquisition seed of the proposal this belief makes (or made)."""
        X, y = self._arrays()
        settings = self._acq_settings(y)
        with one_thread():  # built as the proposal built them: the same factor, Thompson path, MES sample
            predictor = Predictor(model)
            if self.acquisition in acq.CLOSED_FORM and not self._constraints.active:
                acquisition = acq.ClosedForm(model, self.acquisition, settings, predictor)
            else:
                with torch.random.fork_rng():
                    torch.manual_seed(seed)
                    acquisition = self._acquisition(model, seed)
        factor, warp = self._factor(), self._warp()
        X, losses = self._observed()
        failed = np.array(self._fitted_failed()).reshape(-1, self.space.dim)
        return GPSurrogateView(X=read_only(X), losses=read_only(losses), failed=read_only(failed),
                               hyperparameters=kernel_summary(model, predictor, self.space, self.kernel, status,
                                                              factor * warp.mean_slope),
                               proposal=None if proposal is None else read_only(proposal),
                               acquisition_name=self._constraints.name(self.acquisition, False),
                               direction=Direction.MINIMIZE, model=model,
                               factor=factor, warp=warp, acquisition_settings=settings, units="objective",
                               _feasibility_only=self._constraints.feasibility_only(y), _predictor=predictor,
                               _acquisition=acquisition)

    def _variant(self, overrides: Mapping[str, Any], owner: str,
                 lengthscale_scale: float | None = None) -> GaussianProcessBO:
        """A copy with other settings and the same data; shares the fit when the model is unchanged,
        and scales its lengthscales by ``lengthscale_scale`` if given."""
        settings = {**self.settings(), **overrides}
        unknown = sorted(set(overrides) - set(self.settings()))
        if unknown:
            raise fail("overrides", owner, f"settings among {sorted(self.settings())}", unknown[0])
        variant = cast("type[GaussianProcessBO]", type(self))(self.space, **settings)  # the class it is mixed into
        variant._data, variant._pending, variant._n_told = list(self._data), list(self._pending), self._n_told
        variant._failed, variant._stopped = list(self._failed), list(self._stopped)
        variant._completed = set(self._completed)
        variant._constraints = self._constraints.copy()
        variant._initial = self._initial.copy()
        variant._sources = self._sources.copy()
        variant._fits = self._fits.copy()  # its fit is kept only for the same data and settings (its key)
        if lengthscale_scale is not None and len(self._data) >= 2:
            scale = check_real(lengthscale_scale, "lengthscale_scale", owner, 0, None, low_open=True)
            X, y = variant._arrays()
            fit = variant._fitted(variant._stream(variant.n_seen))
            variant._fits.fit = scaled_lengthscales(fit, X, y, variant._cat_dims, variant.kernel, scale,
                                                    variant._prior())
            if self._fits.fit is None and variant._key() == self._key():
                # Same data, kernel and seed: the fit it scaled is this optimizer's next fit; keep it.
                self._fits.fit, self._fits.key = fit, variant._key()
        return variant


def _restorable(info: Mapping[str, Any], default_seed: int) -> int:
    """The acquisition seed of a past proposal's record ``info`` (its trial's attributes), once its
    GP states are raw hyperparameters as a fit records them. A journal's are checked on load
    (``study.trial_fields``); a person's attributes under these names (``Study.add_manual``'s
    ``user_attrs``) are no fit's record, and made ``Study.surrogate(step=...)`` fail with
    Python's "invalid literal for int()" or "too many dimensions 'str'"."""
    owner = "the trial whose model is rebuilt (Study.surrogate(step=...))"
    hint = "Only a model's proposal records it; keep attributes of your own under other names."
    for name in ("gp_state", "constraint_gp_state"):
        if (name == "gp_state" or name in info) and not is_state(info.get(name)):
            raise fail(f"user_attrs[{name!r}]", owner, "raw GP hyperparameters, a dict from a parameter's name to "
                       "a list of finite numbers", info.get(name), hint=hint)
    seed = info.get("acquisition_seed", default_seed)
    if not is_int(seed) or not 0 <= seed < 2**63:  # torch.manual_seed takes up to 2**64 - 1; a journal 2**63 - 1
        raise fail("user_attrs['acquisition_seed']", owner, "an int in [0, 2**63 - 1] (the seed its acquisition "
                   "drew)", seed,
                   hint=hint)
    return int(seed)
