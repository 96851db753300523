"""A GP fit kept until its data change, and the hyperparameters the next fit starts from.

Refitting a GP from scratch at every proposal cost 2-5 s at n = 200-500; starting from the last
fit's hyperparameters, 0.03-0.13 s (DESIGN.md section 9). So a Bayesian optimizer keeps its
fit while the data and settings are unchanged, and warm-starts the next fit from it. The
objective's GP (``optimizer.GaussianProcessBO``) and the constraint GPs
(``constrained.ConstraintModels``) each keep one :class:`WarmFit`.

A replay must propose what the live run did. Each proposal records its fit's raw
hyperparameters, how many data points that fit saw and the settings it was fitted under
(``"gp_state"``, ``"gp_data"`` and ``"gp_settings"``, the constraint GPs' state and count under
their own names); a replayed trial's record becomes the warm start when it is newer than the
one held (by trial number; the optimizer's own last proposal is the newest of all, ``inf``).
When no data arrived since that fit (the same count), its hyperparameters are that fit's
optimum: the model is rebuilt from them without fitting, as the live run reused it. That holds
under the settings that fit was made under only: under others (a what-if, a switch or a fork to
another kernel, noise model or output warp) they are the optimum of another model (a Matern
fit's lengthscales are no RBF fit's), and the fit starts from them and runs. One rule, in
:meth:`WarmFit.fitted`, for the optimizer's own fits, replayed records and carried ones.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from typing import Any

from ..._validation import is_int
from ...trial import Trial, carried_from
from ..recorded import is_state
from .model import FittedGP

__all__ = ["WarmFit", "record_of"]

#: Raw hyperparameters by name (``FittedGP.state``).
State = dict[str, list[float]]


@dataclass
class WarmFit:
    """The current fit and the warm state of one GP (or one list of GPs).

    Attributes
    ----------
    state : dict or None
        Raw hyperparameters (``FittedGP.state``) the next fit starts from.
    source : float
        The number of the trial that recorded ``state``; ``inf`` when it is the owner's own last
        proposal, -1 before any.
    data : int
        How many data points the fit behind ``state`` saw (-1 if unknown).
    settings : dict or None
        The settings (kernel, noise, ... by name) the fit behind ``state`` was made under (None
        if unknown).
    fit : FittedGP or None
        The fit made for ``key``, reused while the key is unchanged.
    key : tuple or None
        ``(data points, source, *settings.items())`` of ``fit`` (:meth:`key_for`).
    """

    state: State | None = None
    source: float = -1.0
    data: int = -1
    settings: dict[str, Any] | None = None
    fit: FittedGP | None = None
    key: tuple | None = None

    def key_for(self, n: int, settings: Mapping[str, Any]) -> tuple:
        """What a fit on ``n`` data points under ``settings`` (kernel, noise, ... by name) depends on."""
        return (n, self.source, *settings.items())

    def fitted(self, n: int, settings: Mapping[str, Any], fit: Callable[[State | None, bool], FittedGP]) -> FittedGP:
        """The fit for ``n`` data points under ``settings``: the one held if made for them, else
        ``fit(state, reuse)``, where ``reuse`` says the warm state's fit saw these very data under
        these very settings (it is their optimum: rebuild the model from it, do not fit)."""
        key = self.key_for(n, settings)
        if self.fit is None or self.key != key:
            reuse = self.state is not None and self.data == n and self.settings == dict(settings)
            self.fit = fit(self.state, reuse)
            self.key = key
        return self.fit

    def adopt(self, fit: FittedGP, n: int, settings: Mapping[str, Any], *, current: bool = True) -> None:
        """After a proposal: its ``fit`` (the one held, on ``n`` data points, under ``settings``)
        warm-starts the next.

        ``current``: it also stays current until the data change (refitting it from its own
        optimum on the same data would only cost time), so a view taken now shows the model that
        proposed; else the next :meth:`fitted` rebuilds it from that state.
        """
        self.state, self.source, self.data, self.settings = fit.state, math.inf, n, dict(settings)
        if current:
            self.key = self.key_for(n, settings)

    def recorded(self, number: int, state: Any, data: Any, settings: Any) -> None:
        """A replayed or carried trial's record (trial ``number``; the ``state``, ``data`` count
        and ``settings`` its proposal's fit recorded; settings None: not known, the state is only
        a start): the warm start if it is newer than the one held. A record no fit wrote (not
        raw hyperparameters by name and a count: attributes a person set under these names) is
        ignored, as if the trial had none."""
        if number > self.source and is_int(data) and is_state(state):
            self.state, self.source, self.data = dict(state), number, int(data)
            self.settings = dict(settings) if isinstance(settings, Mapping) else None

    def copy(self) -> WarmFit:
        """The same warm state and fit (shared, never modified), for a what-if variant."""
        return replace(self)


def record_of(trial: Trial, name: str, settings: Mapping[str, Any]) -> Mapping[str, Any] | None:
    """What optimizer ``name`` recorded proposing ``trial`` in another run of it: the study's own
    trial (a journal's replay, or a switch telling the new optimizer the history), or one a fork
    carried here in the same space (``carried_same_space``); None if neither.

    Its fits (the GP's and the constraint GPs') are rebuilt as they are only under the fit
    settings they were made under, its ``"gp_settings"`` (``bayes.warm_fit``). A record from
    before fits named them is given some: the reader's ``settings`` when the trial is the study's
    own (its replays then took the fit as it was) or the fork was made with the settings in
    charge then (``"settings"``), else None (not known: only a start)."""
    then: Mapping[str, Any] | None = settings
    if trial.source == name:
        record = trial.user_attrs
    else:
        carried, same = carried_from(trial, name), trial.user_attrs.get("carried_same_space")
        if carried is None or not same:
            return None
        record, then = carried, then if same == "settings" else None
    return record if "gp_settings" in record else {**record, "gp_settings": then}
