"""The optimizer in charge of a study: built by name or given new, and switched.

:class:`InCharge` is the part of :class:`~interactive_hpo.study.Study` that puts an optimizer in
charge: one built from a registered name (seeded from the study's seed and its place among the
study's optimizers) or a new instance (told no trial, in no other study:
``registry.check_new_optimizer``), and a switch to another, told the study's history first. Every
optimizer put in charge serves that study alone (``registry.adopt``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from contextlib import AbstractContextManager
from typing import TYPE_CHECKING, Any

import numpy as np

from .._validation import fail, shown
from ..goals import Goals
from ..optimizers.base import Optimizer
from ..optimizers.registry import adopt, check_rebuilt_by_name, check_study_optimizer
from ..trial import Trial
from .learnt import warn_not_learnt, warn_short_of_full
from .replay import spec_of, tell_history

if TYPE_CHECKING:
    from ..space import SearchSpace
    from .journal import Journal
    from .state import StudyState
    from .warm_start import WarmStart

__all__ = ["InCharge"]


class InCharge:
    """The optimizer in charge, and switching it; mixed into :class:`~interactive_hpo.study.Study`."""

    # Provided by Study.
    _state: StudyState
    space: SearchSpace
    goals: Goals
    seed: int
    full_budget: float
    _journal: Journal | None
    _warm_start: WarmStart
    _optimizer: Optimizer
    # The class of each optimizer the study has had, by its place among them, where it is known in
    # this process: a journal names them only, and rebuilds the others by name.
    _classes: dict[int, type[Optimizer]]
    _record: Callable[..., None]
    _transaction: Callable[[], AbstractContextManager[None]]
    _notify: Callable[[str, Trial | None], None]

    @property
    def optimizer(self) -> Optimizer:
        """The optimizer in charge; it serves this study alone (``registry.check_new_optimizer``)."""
        return self._optimizer

    @optimizer.setter
    def optimizer(self, optimizer: Optimizer) -> None:
        adopt(optimizer, self)  # every optimizer put in charge, built by name or given, rebuilt or undone
        self._optimizer = optimizer

    def switch_optimizer(self, optimizer: str | Optimizer, optimizer_settings: Mapping[str, Any] | None = None,
                         **settings: Any) -> Optimizer:
        """Continue with another optimizer (a registered name, or a new Optimizer as ``Study``
        takes one: the study's own is refused; a name gives a fresh one); it is told every finished
        trial, in order, first (one that is not a scheduler learns no result below the full
        budget, with a warning that counts them: :mod:`.learnt`). Its settings come as a dict
        ``optimizer_settings``, as ``Study`` and ``Lab.switch_optimizer`` take them
        (``switch_optimizer("bo", {"n_initial": 5})``), or as keywords (``n_initial=5``), not both.

        A ``"seed"`` among the settings is refused: an optimizer switched to by name draws its
        seed from the study's ``seed`` and its place among the study's optimizers (the same
        study, seed and switches give the same trials, and a fork or a resume rebuilds it so). To
        go on with a seed of your own, pass the optimizer built with it:
        ``switch_optimizer(make_optimizer("sobol", study.space, seed=3))``."""
        owner, given = "Study.switch_optimizer", "settings" if optimizer_settings is None else "optimizer_settings"
        if optimizer_settings is not None and (settings or not isinstance(optimizer_settings, Mapping)):
            raise fail(given, owner, "a dict or None (None when settings are given as keywords)", optimizer_settings,
                       hint=f"Keywords {sorted(settings)} were given too: pass them one way." if settings else None)
        typed = optimizer_settings or settings
        if isinstance(optimizer, str) and "seed" in typed:
            raise fail(given, owner, "settings without 'seed' (the study derives the seed of an optimizer it builds "
                       "by name from its own `seed`)", {"seed": typed["seed"]},
                       hint="To go on with a seed of your own, pass the optimizer built with it: "
                            "study.switch_optimizer("
                            f"make_optimizer({optimizer!r}, study.space, seed={shown(typed['seed'])})).")
        with self._transaction():
            new = self._build(optimizer, typed, index=self._state.n_optimizers, owner=owner,
                              settings_argument=given, current=self.optimizer)
            tell_history(self._state, new, self.goals)
            for trial in self._state.running():  # this process's and others': pending, as a replay notes them
                new.note_running(trial)
            self._record({"event": "switched", "optimizer": spec_of(new)})
            self._classes[self._state.n_optimizers - 1] = type(new)
            self.optimizer = new
            self._notify("switched", None)
        warn_not_learnt(self._state.trials, new, self.full_budget, owner)
        warn_short_of_full(new, self.full_budget, owner)
        self._warm_start.note_unused(new, owner)
        return new

    def _class_in_charge(self, step: int) -> type[Optimizer] | None:
        """The class of the optimizer in charge when trial ``step`` was asked, if this process made
        it (None: the journal's, rebuilt by name)."""
        return self._classes.get(self._state.run_index(step))

    def _build(self, optimizer: str | Optimizer, settings: Mapping[str, Any] | None, index: int,
               owner: str = "Study", settings_argument: str = "optimizer_settings",
               current: Optimizer | None = None) -> Optimizer:
        """The optimizer named (seeded from the study's seed and ``index``, its place among the
        study's optimizers) or given; errors name ``optimizer`` and ``settings_argument`` of
        ``owner``, as the user typed them; ``current``: the optimizer switched from."""
        if isinstance(optimizer, str):
            seed = int(np.random.SeedSequence([self.seed, index]).generate_state(1)[0])
            settings = {"seed": seed, **(settings or {})}
        cls = check_study_optimizer(optimizer, settings, self.space, self.goals, owner, settings_argument, current)
        built = optimizer if isinstance(optimizer, Optimizer) else cls(self.space, **(settings or {}))
        if self._journal is not None:
            check_rebuilt_by_name(type(built), "optimizer", owner, "a registered optimizer when the study has storage",
                                  optimizer)
        self._warm_start.give(built)
        return built
