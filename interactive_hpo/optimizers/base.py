"""The optimizer interface: steppable, unit-cube, loss-minimizing.

Call order (the contract every optimizer keeps; modelled on Optuna's ``samplers/_base.py``):

1. ``ask()`` returns a :class:`Suggestion`; the study turns it into a RUNNING trial.
2. ``tell(trial, loss)`` reports a finished trial. ``loss`` is a float for COMPLETE trials and
   None otherwise. The trial may be one this optimizer never proposed (a manual trial, another
   optimizer's, or a replay from disk): optimizers use such data where they can and ignore it
   explicitly where they cannot, but never crash on it.
3. Any number of asks may be pending at once (parallel evaluation).

An optimizer's state is a function of its settings, its seed and the trials it was told, in
order. Each ask draws its randomness from a stream keyed by how many trials the optimizer has
seen (told or pending), so a study rebuilt from its journal proposes the same next point as
the uninterrupted run would have. Subclasses implement ``_ask`` (and ``_tell`` if they learn);
they fit models lazily inside ``_ask``, never inside ``tell``.
"""

from __future__ import annotations

import inspect
import math
from abc import ABC, abstractmethod
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar, cast

import numpy as np

from .._validation import as_finite, check_int, fail, float_array, seed_to_int, shown
from ..exceptions import SearchExhausted, TrialStateError
from ..space import SearchSpace
from ..trial import Trial, TrialState
from .waiting import waiting_refusal

__all__ = ["Suggestion", "Optimizer", "MAX_BATCH", "unit_rows"]

#: The ``info`` key of a pending suggestion that stands for a trial evaluated elsewhere.
_ELSEWHERE = "running_elsewhere"

#: Most proposals one ``ask_batch`` hands out: ten thousand random points take 0.4 s, a
#: hundred million would take hours (a typo, not a plan). Joint Bayesian batches stop sooner.
MAX_BATCH = 10_000


@dataclass(frozen=True, eq=False)
class Suggestion:
    """A point an optimizer proposes, with what it knows about it.

    Attributes
    ----------
    x : ndarray of shape (d,)
        The proposal in the unit cube.
    budget : float or None
        The fidelity to evaluate at (multi-fidelity methods); None for the full budget.
    generation : int or None
        The generation it belongs to (population methods).
    info : mapping
        JSON details for the trial's attributes (the phase, an acquisition value, ...).
    """

    x: np.ndarray
    budget: float | None = None
    generation: int | None = None
    info: Mapping[str, Any] = field(default_factory=dict)


class Optimizer(ABC):
    """Base class of every optimizer.

    Parameters
    ----------
    space : SearchSpace
        The space proposals live in; optimizers only use its ``dim`` and ``kinds``.
    seed : int, numpy.random.Generator or None
        Turned into an int once (recorded in :meth:`settings`), so the run can be replayed.

    Subclasses store each ``__init__`` argument under an attribute of the same name; that is
    how :meth:`settings` (and so the journal) knows how to rebuild them.

    Examples
    --------
    A plug-in: a ``name``, keyword settings stored under their own names, ``_ask`` returning a
    point of shape (d,) in the unit cube; ``_tell`` is optional (the default learns nothing).

    >>> from interactive_hpo import Float, Optimizer, SearchSpace, Study, Suggestion
    >>> from interactive_hpo import register_optimizer, unregister_optimizer
    >>> from interactive_hpo.testing import check_optimizer
    >>> class LowCorner(Optimizer):  # random points in [0, width)^d
    ...     name = "low_corner"
    ...     def __init__(self, space, *, width=0.5, seed=None):
    ...         super().__init__(space, seed=seed)
    ...         self.width = width
    ...     def _ask(self, rng):  # rng: this ask's own seeded stream
    ...         return Suggestion(x=self.width * rng.random(self.space.dim))
    >>> check_optimizer(lambda space, seed: LowCorner(space, seed=seed))  # the built-ins' contract
    >>> register_optimizer(LowCorner)
    >>> study = Study(SearchSpace([Float("x", 0, 10)]), "low_corner", seed=0, optimizer_settings={"width": 0.2})
    >>> trials = study.run(lambda p: p["x"], n_trials=5)
    >>> study.optimizer.settings()["width"], max(t.params["x"] for t in trials) < 2   # x = 10 u, u < 0.2
    (0.2, True)
    >>> unregister_optimizer("low_corner")
    """

    #: The registry name; also the ``source`` of the trials this optimizer proposes.
    name: ClassVar[str]
    #: Settings that take one of a few named values (setting -> the values), for settings forms.
    setting_choices: ClassVar[dict[str, tuple[str, ...]]] = {}
    #: The most points one :meth:`ask_batch` proposes (fewer where they are chosen jointly).
    max_batch: int = MAX_BATCH
    #: Whether :meth:`tell` takes a PRUNED trial's loss (its last report, in a study of one
    #: objective; None without one): the multi-fidelity schedulers rank a pruned job in its rung by it,
    #: Bayesian optimization fits it there (``study.learnt`` says which trials keep one).
    ranks_pruned: ClassVar[bool] = False

    def __init__(self, space: SearchSpace, *, seed: int | np.random.Generator | None = None):
        if not isinstance(space, SearchSpace):
            raise fail("space", type(self).__name__, "a SearchSpace", space)
        self.space = space
        self.seed = seed_to_int(seed, type(self).__name__)
        # Asked but not yet told, as (snapped x, suggestion): lets tell() recognise its own points.
        self._pending: list[tuple[np.ndarray, Suggestion]] = []
        self._n_told = 0
        self._n_losses: int | None = None  # losses per complete trial told, once one is

    # -- public, validating -----------------------------------------------------------------
    def exhausted_error(self) -> SearchExhausted:
        """What asking an :attr:`exhausted` optimizer raises: it has nothing left, and why."""
        return SearchExhausted(f"{type(self).__name__} has nothing left to propose: {self._why_exhausted}")

    def ask(self) -> Suggestion:
        """Propose the next point; raises :class:`SearchExhausted` when nothing is left, and
        :class:`TrialStateError` while :attr:`waiting` (:meth:`waiting_error`)."""
        if self.exhausted:
            raise self.exhausted_error()
        if self.waiting:  # a second ask would only hand out what the first did (a descent's step)
            raise self.waiting_error()
        suggestion = self._ask(self._stream(self.n_seen))
        x = np.clip(np.asarray(suggestion.x, dtype=float), 0.0, 1.0)
        if x.shape != (self.space.dim,):
            raise RuntimeError(f"{type(self).__name__}._ask returned x of shape {x.shape}; "
                               f"expected ({self.space.dim},). This is a bug in the optimizer.")
        return self._register(Suggestion(x=x, budget=suggestion.budget, generation=suggestion.generation,
                                         info=dict(suggestion.info)))

    def ask_batch(self, q: int) -> list[Suggestion]:
        """Propose up to ``q`` points to evaluate in parallel (all pending until told): fewer when
        the search runs out first, or must wait for the results of those asked (:attr:`waiting`:
        a descent's next step starts from its last, a synchronous rung's promotions need all its
        results). At least one; none at all raises as :meth:`ask`. Stopping there, rather than
        raising with some points asked, leaves no pending point that no trial evaluates (a grid
        would count it as proposed).

        The default asks until it has ``q``; optimizers that can choose points jointly override it.
        """
        q = self._batch_size(q)
        suggestions = [self.ask()]
        while len(suggestions) < q and not (self.exhausted or self.waiting):
            suggestions.append(self.ask())
        return suggestions

    def _batch_size(self, q: Any) -> int:
        """``q`` of :meth:`ask_batch`, an int in [1, :attr:`max_batch`]."""
        return check_int(q, "q", f"{type(self).__name__}.ask_batch", 1, self.max_batch)

    def _register(self, suggestion: Suggestion) -> Suggestion:
        """Record a suggestion as pending, so tell() recognises the trial that evaluates it."""
        self._pending.append((self.space.snap(suggestion.x), suggestion))
        return suggestion

    def note_running(self, trial: Trial) -> None:
        """Count a RUNNING trial that someone else is evaluating (another process working on
        the same journal) as pending, until it is told.

        Its point then counts among the pending ones (Bayesian optimization proposes away
        from it) and in :attr:`n_seen`, so this optimizer's next random stream is not the one
        the other process used. When the trial is told, it is learnt as a trial this optimizer
        did not propose.
        """
        owner = f"{type(self).__name__}.note_running"
        if not isinstance(trial, Trial) or trial.state is not TrialState.RUNNING:
            raise fail("trial", owner, "a RUNNING Trial of this search space", trial)
        self._check_trial(trial, owner, "a RUNNING Trial of this search space")
        taken = self._taken(trial)
        if taken is None:
            taken = Suggestion(x=np.array(trial.x), info={_ELSEWHERE: trial.number})
        self._pending.append((self.space.snap(trial.x), taken))

    def tell(self, trial: Trial, loss: float | np.ndarray | None) -> None:
        """Report a finished trial; ``loss`` is a finite float if COMPLETE, else None (for a
        :class:`~.capabilities.MultiObjective` optimizer also finite losses of shape (m,); with
        :attr:`ranks_pruned`, a PRUNED trial's last report's loss, or None)."""
        owner = f"{type(self).__name__}.tell"
        self._check_trial(trial, owner, f"a Trial of this search space (dim {self.space.dim})")
        if not trial.state.is_finished:
            raise fail("trial", owner, "a finished trial (not RUNNING)", trial)
        complete = trial.state is TrialState.COMPLETE
        # A scheduler ranks a pruned job in its rung by its last report (the study tells it that loss).
        ranked = complete or (trial.state is TrialState.PRUNED and self.ranks_pruned)
        if not ranked and loss is not None:
            raise fail("loss", owner, f"None for a {trial.state.value} trial", loss)
        if complete:
            loss = self._checked_loss(loss, owner)
            self._n_losses = int(np.size(loss))
        elif loss is not None:
            loss = self._checked_loss(loss, owner)
        suggestion = self._claim(trial)
        self._n_told += 1
        # Typed as one loss for the single-objective optimizers that override _tell; a
        # MultiObjective one reads the (m,) array it declared it takes.
        self._tell(trial, cast(Any, loss), suggestion)

    def _check_trial(self, trial: Any, owner: str, rule: str) -> None:
        """Refuse what no study makes: a trial whose point is not in this space's unit cube, or
        whose budget or constraints a journal could not hold (a Trial built by hand)."""
        if not isinstance(trial, Trial):
            raise fail("trial", owner, rule, trial)
        x, budget = trial.x, trial.budget
        if x.shape != (self.space.dim,):
            problem = f"its x has shape {x.shape}, not ({self.space.dim},)"
        elif not np.all(np.isfinite(x) & (x >= 0.0) & (x <= 1.0)):
            problem = f"its x {shown(x)} is not a finite point of the unit cube [0, 1]^{self.space.dim}"
        elif budget is not None and not (as_finite(budget) is not None and budget > 0):
            problem = f"its budget {shown(budget)} is not None or a finite number > 0"
        elif trial.constraints is not None and not all(math.isfinite(c) for c in trial.constraints):
            problem = f"its constraints {shown(trial.constraints)} are not all finite"
        else:
            return
        raise fail("trial", owner, rule, trial, hint=problem[0].upper() + problem[1:] + ".")

    def _checked_loss(self, loss: Any, owner: str) -> float | np.ndarray:
        from .capabilities import MultiObjective

        several = isinstance(self, MultiObjective)
        if several and isinstance(loss, (np.ndarray, list, tuple)):
            rule = "finite losses of shape (m,), one per objective"
            losses = float_array(loss, "loss", owner, rule)
            if losses.ndim != 1 or not losses.size or not np.isfinite(losses).all():
                raise fail("loss", owner, rule, loss)
            checked: float | np.ndarray = losses
        elif as_finite(loss) is None:  # NaN, inf, and ints past a float's range (math.isfinite raised for those)
            raise fail("loss", owner, "a finite float for a COMPLETE trial" +
                       (" (or finite losses of shape (m,))" if several else ""), loss)
        else:
            checked = float(loss)
        # Fronts, rungs and scalarizations need the same objectives in every trial (as a study keeps them).
        if several and self._n_losses is not None and np.size(checked) != self._n_losses:
            raise fail("loss", owner, f"{self._n_losses} loss(es), as every trial told before", loss)
        return checked

    @property
    def n_seen(self) -> int:
        """Trials this optimizer knows of: told, plus asked and still pending."""
        return self._n_told + len(self._pending)

    @property
    def pending(self) -> list[Suggestion]:
        """Suggestions asked and not yet told, oldest first."""
        return [suggestion for _, suggestion in self._pending]

    @property
    def own_pending(self) -> list[Suggestion]:
        """The suggestions this optimizer asked and that are not yet told, oldest first: the
        pending ones less the trials noted running elsewhere (:meth:`note_running`), which it
        never waits for."""
        return [suggestion for _, suggestion in self._pending if _ELSEWHERE not in suggestion.info]

    @property
    def exhausted(self) -> bool:
        """True when :meth:`ask` has nothing left to propose. Most optimizers never are."""
        return False

    #: What an exhausted optimizer's error says after "nothing left to propose: ".
    _why_exhausted: ClassVar[str] = "every point of its search was proposed. Switch optimizer or enlarge the search."

    @property
    def waiting(self) -> bool:
        """True when :meth:`ask` must wait for pending trials to be told first (synchronous
        successive halving at the end of a rung, a descent's step): ``ask`` then raises
        :meth:`waiting_error`. Most optimizers never wait."""
        return False

    #: What a waiting optimizer's error says it waits for, after "is waiting: ".
    _why_waiting: ClassVar[str] = "it proposes nothing more before the results of the trials it asked"

    def waiting_error(self, running: Sequence[Trial] = (), elsewhere: Mapping[int, str] | None = None
                      ) -> TrialStateError:
        """The error :meth:`ask` raises while :attr:`waiting`: what this optimizer waits for, how
        many trials are pending, and what to do (tell them). A study passes its RUNNING trials,
        ``running``: those this optimizer waits for are named by number; and ``elsewhere``, who
        holds those of them another study on its journal is evaluating (number -> "process 12 on
        host 'h'"): they are named as that study's, to wait for, not to tell here."""
        numbers = [trial.number for trial in running if self._asked(trial)]
        return waiting_refusal(type(self).__name__, self._why_waiting, len(self.own_pending), numbers, elsewhere or {})

    def settings(self) -> dict[str, Any]:
        """The constructor arguments (seed included) that rebuild this optimizer, JSON-ready."""
        signature = inspect.signature(type(self).__init__)
        names = [n for n in signature.parameters if n not in ("self", "space")]
        return {n: getattr(self, n) for n in names}

    # -- capabilities (None unless an optimizer has them) ---------------------------------------
    def surrogate(self) -> Any:
        """A snapshot of the model behind the proposals, or None for model-free optimizers."""
        return None

    def population(self) -> Any:
        """The current population and search distribution, or None for non-population methods."""
        return None

    # -- hooks ------------------------------------------------------------------------------
    @abstractmethod
    def _ask(self, rng: np.random.Generator) -> Suggestion:
        """Propose one point. ``rng`` is this ask's own random stream."""

    def _taken(self, trial: Trial) -> Suggestion | None:
        """A running trial that another instance of this method asked (see :meth:`note_running`)
        takes its place in this one's sequence now, as a replayed trial would when told.

        Return the suggestion this optimizer would have made for it (it is then told as one of
        its own), or None (the default) when nothing is to be taken: it is told as foreign.
        """
        return None

    @staticmethod
    def _as_asked(trial: Trial) -> Suggestion:
        """The suggestion that ``trial`` was asked with, rebuilt from the trial (for :meth:`_taken`)."""
        return Suggestion(x=np.array(trial.x), budget=trial.budget, generation=trial.generation,
                          info=dict(trial.user_attrs))

    def _tell(self, trial: Trial, loss: float | None, suggestion: Suggestion | None) -> None:  # noqa: B027
        """Learn from a finished trial. ``suggestion`` is what this optimizer asked for it,
        or None when the trial came from elsewhere. The default learns nothing."""

    # -- internals ----------------------------------------------------------------------------
    def _stream(self, key: int) -> np.random.Generator:
        return np.random.Generator(np.random.PCG64(np.random.SeedSequence(self.seed, spawn_key=(key,))))

    def _claim(self, trial: Trial) -> Suggestion | None:
        """Remove and return the pending suggestion this trial evaluated, if it was ours
        (a trial noted running elsewhere is removed from the pending ones, and is not ours)."""
        index = self._pending_index(trial)
        if index is None:
            return None
        ours = self._asked(trial)  # read before the pop below removes what it reads
        _, suggestion = self._pending.pop(index)
        return suggestion if ours else None

    def _asked(self, trial: Trial) -> bool:
        """Whether ``trial`` evaluates a pending suggestion of this optimizer's own."""
        index = self._pending_index(trial)
        return index is not None and _ELSEWHERE not in self._pending[index][1].info

    def _pending_index(self, trial: Trial) -> int | None:
        """Where the pending suggestion ``trial`` evaluates is among them: one noted running
        elsewhere under its number, else one this optimizer asked at its point (a trial of
        another source evaluates none; :meth:`_evaluates` tells apart two at one point); None if
        there is none."""
        for i, (_, suggestion) in enumerate(self._pending):
            if suggestion.info.get(_ELSEWHERE) == trial.number:
                return i
        if trial.source != self.name:
            return None
        for i, (x, suggestion) in enumerate(self._pending):
            if _ELSEWHERE not in suggestion.info and np.array_equal(x, trial.x) and self._evaluates(trial, suggestion):
                return i
        return None

    def _evaluates(self, trial: Trial, suggestion: Suggestion) -> bool:
        """Whether ``trial``, of this optimizer's name and at the point of the pending ``suggestion``,
        evaluates it. True; an optimizer whose suggestions record more than their point (where in a
        sequence they were drawn) tells apart another instance's trial that proposed the same point."""
        return True

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.settings().items())
        return f"{type(self).__name__}({args})"


def unit_rows(points: Any, dim: int, name: str, owner: str) -> np.ndarray:
    """``points`` as an array of shape (m, ``dim``) of points of the unit cube (one point of
    shape (dim,) is one row), or a clear error naming ``name`` of ``owner``: a wrong width was
    reshaped into other points, silently (a (3, 3) array into four and a half 2-D points)."""
    rule = f"an array of shape (m, {dim}) of points of the unit cube [0, 1]^{dim}"
    rows = float_array(points, name, owner, rule)
    if rows.shape == (dim,):
        rows = rows[None]
    if rows.shape in ((0,), (0, dim)):
        return rows.reshape(0, dim)
    if rows.ndim != 2 or rows.shape[1] != dim or not np.all(np.isfinite(rows) & (rows >= 0.0) & (rows <= 1.0)):
        raise fail(name, owner, rule, points)
    return rows
