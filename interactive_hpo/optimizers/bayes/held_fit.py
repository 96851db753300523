"""The GP fit a :class:`~.optimizer.GaussianProcessBO` holds, and what its proposals record of it.

A fit is made once for the data and the fit settings (``_fit_settings``: the kernel, the noise
model and the output warp; ParEGO adds its ``rho`` and the proposal's weights, which change what
the GP is fitted on) and held: the proposal, ``surrogate()`` and what-ifs on the acquisition
share it. After a proposal it warm-starts the next fit. Each proposal records it (``"gp_state"``,
``"gp_data"``, ``"gp_settings"``, the acquisition's seed), and a trial replayed from a journal,
running in another process or carried by a fork gives its record back as the warm start, so a
resumed study proposes what the live one would. :class:`~.warm_fit.WarmFit` keeps the books
(which fit is held, which state is the newest, when a state is reused as it is);
:class:`HeldFit` is the optimizer's side: what a fit depends on, when it is made, what a
proposal writes and what a record gives back.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np

# bayes.model, imported first, checks that torch and botorch are installed (with an install hint).
from .model import FittedGP
from .outcomes import fit_models

if TYPE_CHECKING:
    from ...space import SearchSpace
    from ...trial import Trial
    from .constrained import ConstraintModels
    from .initial import InitialDesign
    from .transfer import WarmSources
    from .warm_fit import WarmFit

__all__ = ["HeldFit"]


class HeldFit:
    """The GP's fit and its records; mixed into :class:`~.optimizer.GaussianProcessBO`."""

    # Provided by the optimizer (and its TrainingData).
    name: ClassVar[str]
    space: SearchSpace
    kernel: str
    noise: str
    output_warp: str
    _cat_dims: list[int]
    _fits: WarmFit  # the GP's fit, and the hyperparameters the next one starts from
    _constraints: ConstraintModels
    _initial: InitialDesign
    _sources: WarmSources
    _n_data: Callable[[], int]
    _arrays: Callable[[], tuple[np.ndarray, np.ndarray]]

    def _fit_settings(self) -> dict[str, Any]:
        """The settings a fit depends on besides the data, by name (JSON-ready): a fit is reused as
        it is only under the settings it was made under (``bayes.warm_fit``), so a what-if, a
        switch or a fork changing them fits."""
        return {"kernel": self.kernel, "noise": self.noise, "output_warp": self.output_warp}

    def _key(self) -> tuple:
        """What the fit for the current data depends on (``WarmFit.key_for``)."""
        return self._fits.key_for(self._n_data(), self._fit_settings())

    def _fitted(self, rng: np.random.Generator) -> FittedGP:
        """The fit for the current data, settings and warm start, computed once and reused."""
        seed = int(rng.integers(2**31))  # always drawn first, so every caller uses the same seed
        return self._fits.fitted(self._n_data(), self._fit_settings(), lambda warm, reuse: fit_models(
            *self._arrays(), self._cat_dims, self.kernel, self.noise, warm, seed, reuse, self._prior()))

    def _prior(self) -> Any:
        """The warm-start sources' means, the GP's prior mean (None without sources)."""
        return self._sources.prior(self._cat_dims, self.kernel)

    def _adopt_fit(self, fit: FittedGP) -> None:
        """After proposing: the fit just used warm-starts the next one and stays current until
        new data arrive (``bayes.warm_fit``), so a view taken now shows the model that proposed."""
        self._fits.adopt(fit, self._n_data(), self._fit_settings())
        self._constraints.adopt(self._fit_settings())

    def _info(self, fit: FittedGP, acquisition: str, value: float, seed: int) -> dict[str, Any]:
        """What a GP proposal records, from its ``fit`` and its acquisition (name, value, seed)."""
        # gp_state, gp_data and gp_settings let a replay reuse this exact fit (under these
        # settings only: bayes.warm_fit); acquisition_seed redraws the same Thompson path or MES
        # samples when this step's belief is rebuilt.
        info: dict[str, Any] = {"phase": "bo", "acquisition": acquisition, "acquisition_value": value,
                                "acquisition_seed": seed, "gp_fit": fit.status, "gp_state": fit.state,
                                "gp_noise": fit.noise, "gp_data": self._n_data(),
                                "gp_settings": self._fit_settings(), **self._constraints.info()}
        if fit.error:
            info["gp_fit_error"] = fit.error
        return info

    def _take_recorded(self, trial: Trial, record: Mapping[str, Any] | None) -> None:
        """What this method recorded proposing ``trial`` in another run (``record``, from
        ``warm_fit.record_of``; None: nothing): a GP proposal's fit becomes the warm start (its point is
        pending for the acquisition, or told; a fork's, as a replay's would), and the initial
        design moves past the study's own initial point, or past where another's trial lies."""
        took = record is not None and self._take_fit(trial.number, record)
        if trial.source != self.name:  # carried by a fork, a person's, another optimizer's
            self._initial.mark_carried(trial, self.name, self.space, self._sources)
        elif not took and trial.user_attrs.get("phase") == "initial":
            self._initial.mark_used(trial.user_attrs, self._sources)

    def _take_fit(self, number: int, recorded: Mapping[str, Any]) -> bool:
        """A GP proposal's recorded fit (in the attributes ``recorded`` of trial ``number``) becomes
        the warm start if it is the newest; False when the trial recorded none."""
        state = recorded.get("gp_state")
        if state is None:
            return False
        self._fits.recorded(number, state, recorded.get("gp_data", -1), recorded.get("gp_settings"))
        return True
