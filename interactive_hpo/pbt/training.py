"""Population Based Training (Jaderberg et al., 2017, arXiv:1711.09846), one round at a time.

``n_members`` models train side by side in rounds. Every ``ready_every`` rounds the members are
ranked by validation score; each member of the bottom ``quantile`` copies the model (weights and
solver state) and the hyperparameters of a member drawn uniformly from the top ``quantile``
(*exploit*; a diverged member, scored NaN, ranks last and is never copied), then changes those
hyperparameters a little (*explore*, :func:`explore`). Training continues from the copied
weights, so a member's hyperparameters become a *schedule* over rounds, and good models spread
through the population (the *lineage*).

Unlike the ask/tell optimizers, PBT owns the models: it drives an
:class:`~interactive_hpo.objectives.incremental.IncrementalTask` directly and is not registered
with :func:`~interactive_hpo.optimizers.make_optimizer`.

Randomness: one generator seeded by ``seed`` is split into four streams (initial
hyperparameters, initial weights, data orders, exploit/explore choices). With the same seed, a
run with fixed hyperparameters (:func:`train_fixed`) therefore sees the same initial weights and
data orders as PBT, so :func:`compare_with_fixed` compares like with like.
"""

from __future__ import annotations

import math
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from .._paths import check_path
from .._validation import as_finite, as_scalar, check_int, check_real, fail, is_real, seed_to_int, warn_user
from ..exceptions import HPOError
from ..objectives.incremental import MAX_STEPS as MAX_TRAIN_STEPS
from ..objectives.incremental import IncrementalTask
from ..space import SearchSpace
from ..study.journal import Journal
from ..views import read_only
from .checks import MAX_MEMBERS, check_perturb, check_rounds, check_space, check_task
from .explore import explore, quantile_split
from .result import PBT_JOURNAL, PBTComparison, PBTResult, PBTRound, diverged_since

# PBTComparison, explore and quantile_split: what this module exported in 0.1, as interactive_hpo.optimizers.pbt.
__all__ = ["PBTComparison", "PBTResult", "PBTRound", "PopulationBasedTraining", "explore", "quantile_split"]

_OWNER = "PopulationBasedTraining"


@dataclass
class Member:
    """One member of the population: its current model, hyperparameters and last score."""

    index: int
    model: Any
    params: dict[str, Any]
    score: float = math.nan


class PopulationBasedTraining:
    """Population Based Training of an incremental model, steppable one round at a time.

    Parameters
    ----------
    space : SearchSpace
        The hyperparameters to explore: the task's names, each with values the task accepts
        (narrower bounds or fewer choices than ``task.space``, never wider) and the same
        conditions; a name whose condition can never hold in it may be left out. In a
        conditional space members train with their active parameters only.
    task : IncrementalTask
        Builds, trains, scores and copies models (e.g. :func:`~interactive_hpo.objectives.incremental.sgd_digits`).
        Its ``direction`` says whether higher scores are better.
    n_members : int, default=8
        Population size, in [2, 10 000] (:data:`~interactive_hpo.pbt.checks.MAX_MEMBERS`).
    ready_every : int or None, default=2
        Exploit and explore after every ``ready_every`` rounds; None never does (fixed
        hyperparameters: the baseline of :func:`train_fixed`).
    quantile : float, default=0.2
        Fraction of the population in the bottom (receivers) and the top (donors), in (0, 0.5].
    perturb : sequence of float, default=(0.8, 1.2)
        Factors an explored float or int is multiplied by.
    resample_probability : float, default=0.25
        Chance, per hyperparameter and explore, of drawing it afresh from the space.
    steps_per_round : int, default=1
        Training steps (epochs for ``partial_fit`` tasks) per member and round.
    initial : dict, list of dict or None, default=None
        Starting hyperparameters: one dict for every member, one per member, or None to sample
        them from the space.
    seed : int, numpy.random.Generator or None
        The one source of randomness; the same seed gives the same run.
    storage : str, os.PathLike or None
        A new JSON-lines journal: a header, then one line per finished round, fsynced, read back
        by :meth:`PBTResult.from_journal`. Models are not stored, so a run cannot resume.

    Attributes
    ----------
    members : list of Member
        Current model, hyperparameters and score of each member.
    rounds_done : int

    Examples
    --------
    >>> from interactive_hpo.objectives.incremental import sgd_digits
    >>> task = sgd_digits(seed=0)
    >>> pbt = PopulationBasedTraining(task.space, task, n_members=4, seed=0)
    >>> record = pbt.step_round()          # round 0: train and score, not ready yet
    >>> record.exploits
    ()
    >>> result = pbt.run(3)                # rounds 1-3; exploits after rounds 1 and 3
    >>> result.scores.shape, [e[0] for e in result.exploits]
    ((4, 4), [1, 3])
    """

    #: The function the person called, for errors that arise while the run trains (what the
    #: task's methods returned); train_fixed and compare_with_fixed run one under their own name.
    _owner = _OWNER

    def __init__(self, space: SearchSpace, task: IncrementalTask, *, n_members: int = 8,
                 ready_every: int | None = 2, quantile: float = 0.2, perturb: Sequence[float] = (0.8, 1.2),
                 resample_probability: float = 0.25, steps_per_round: int = 1,
                 initial: Mapping[str, Any] | Sequence[Mapping[str, Any]] | None = None,
                 seed: int | np.random.Generator | None = None, storage: str | os.PathLike[str] | None = None):
        self.task = check_task(task, _OWNER)
        self.space = check_space(space, task.space, _OWNER)
        self.direction = task.direction  # checked with the task
        self.n_members = check_int(n_members, "n_members", _OWNER, 2, MAX_MEMBERS)
        if ready_every is not None:
            ready_every = check_int(ready_every, "ready_every", _OWNER, 1)
        self.ready_every = ready_every
        self.quantile = check_real(quantile, "quantile", _OWNER, 0, 0.5, low_open=True)
        self.perturb = check_perturb(perturb, _OWNER)
        self.resample_probability = check_real(resample_probability, "resample_probability", _OWNER, 0, 1)
        # At most what a task's train takes (10**30 was refused at run time, under the task's argument).
        self.steps_per_round = check_int(steps_per_round, "steps_per_round", _OWNER, 1, MAX_TRAIN_STEPS)
        self.seed = seed_to_int(seed, _OWNER)
        path = None if storage is None else self._check_storage(storage)  # before any model is built
        # One generator, four independent streams: exploits never shift the data orders or the
        # initial weights, so a fixed-hyperparameter run with this seed is a paired baseline.
        params_rng, weights_rng, self._order_rng, self._explore_rng = np.random.default_rng(self.seed).spawn(4)
        population = self._check_initial(initial, params_rng)
        weight_seeds = weights_rng.integers(0, 2**31 - 1, size=self.n_members)
        self.members = [Member(i, self._new_model(p, int(s)), p)
                        for i, (p, s) in enumerate(zip(population, weight_seeds, strict=True))]
        self._rounds: list[PBTRound] = []
        self._journal = None if path is None else self._start_journal(path)
        self._cannot_step: str | None = None  # why the run cannot step again
        self.storage = None if self._journal is None else self._journal.path

    # -- validation --------------------------------------------------------------------------------
    def _check_initial(self, initial: Any, rng: np.random.Generator) -> list[dict[str, Any]]:
        if initial is None:
            return self.space.sample(self.n_members, rng)
        if isinstance(initial, Mapping):
            params = self.space.validate(initial, name="initial", owner=_OWNER)
            return [dict(params) for _ in range(self.n_members)]
        if not isinstance(initial, Sequence) or isinstance(initial, (str, bytes)) or len(initial) != self.n_members:
            raise fail("initial", _OWNER, f"None, a params dict, or a list of {self.n_members} params dicts",
                       initial)
        return [self.space.validate(p, name=f"initial[{i}]", owner=_OWNER) for i, p in enumerate(initial)]

    def _settings(self) -> dict[str, Any]:
        return {"n_members": self.n_members, "ready_every": self.ready_every, "quantile": self.quantile,
                "perturb": list(self.perturb), "resample_probability": self.resample_probability,
                "steps_per_round": self.steps_per_round, "seed": self.seed,
                "task": getattr(self.task, "name", type(self.task).__name__)}

    def _check_storage(self, storage: Any) -> Path:
        path = check_path(storage, "storage", _OWNER)
        if path.exists() and path.stat().st_size > 0:
            raise fail("storage", _OWNER, "a path to a new or empty file", str(path),
                       hint="A PBT run cannot resume (models are not stored); read the old run with "
                            "PBTResult.from_journal and choose another path.")
        return path

    def _start_journal(self, path: Path) -> Journal:
        journal = Journal(path, PBT_JOURNAL)  # the writer studies use: locked, fsynced lines
        with journal.locked():
            if journal.open_or_create({"space": self.space.to_dict(), "direction": self.direction,
                                       "settings": self._settings()}) is not None:
                raise fail("storage", _OWNER, "a path to a new or empty file", str(path),
                           hint="Another process wrote a journal there meanwhile; choose another path.")
        return journal

    # -- the algorithm -------------------------------------------------------------------------------
    @property
    def rounds_done(self) -> int:
        return len(self._rounds)

    def step_round(self) -> PBTRound:
        """Train every member ``steps_per_round`` steps, score it, and exploit/explore if ready.

        A round that stops midway (the task raised, a score was not a number, an interrupt, a
        journal that could not be written) ends the run: models train in place, so some went on
        without a record, and another round would be recorded as if they had not. The finished
        rounds stay in :attr:`result` and the journal.

        Returns
        -------
        PBTRound
            What happened; right after it, every receiver's model equals its donor's.
        """
        if self._cannot_step is not None:  # the members' models went on without a recorded round
            raise HPOError(f"{_OWNER} cannot step again: {self._cannot_step} Start a new run (the finished rounds "
                           "are in `result`).")
        number = self.rounds_done
        try:
            return self._play_round()
        except BaseException as error:
            self._cannot_step = f"round {number} failed ({type(error).__name__}) after some models trained."
            raise

    def _play_round(self) -> PBTRound:
        seeds = self._order_rng.integers(0, 2**31 - 1, size=self.n_members)
        trained_with = tuple(dict(m.params) for m in self.members)
        for member, seed in zip(self.members, seeds, strict=True):
            member.model = self._train(member, int(seed))
            member.score = self._score(member)
        scores = read_only([m.score for m in self.members])
        ready = self.ready_every is not None and (self.rounds_done + 1) % self.ready_every == 0
        exploits = self._exploit_and_explore(scores) if ready else ()
        record = PBTRound(round=self.rounds_done, scores=scores, params=trained_with, exploits=exploits,
                          next_params=tuple(dict(m.params) for m in self.members))
        self._rounds.append(record)
        if self._journal is not None:
            with self._journal.locked():
                self._journal.read_new()  # nothing new (a run has one writer), but append checks it was read
                self._journal.append(record.to_dict())
        return record

    def _train(self, member: Member, seed: int) -> Any:
        """``member``'s model after this round's training; a clear error if ``train`` forgot to return it."""
        model = self.task.train(member.model, member.params, self.steps_per_round, seed=seed)
        if model is None:  # trained in place and not returned: the next score would read None
            raise fail(f"{type(self.task).__name__}.train(model, params, n_steps)", self._owner,
                       "the model it trained (train it in place and return it)", model,
                       hint=self._lost(member, "training"))
        return model

    def _new_model(self, params: dict[str, Any], seed: int) -> Any:
        """``task.new_model(params, seed)``; a clear error if it returned nothing (``train`` would get None)."""
        model = self.task.new_model(params, seed)
        if model is None:
            raise fail(f"{type(self.task).__name__}.new_model(params, seed)", self._owner, "the new model", model)
        return model

    def _copy(self, model: Any, owner: str, hint: str | None = None) -> Any:
        """``task.copy(model)``; a clear error if it returned nothing, or the model itself: two
        members would then share one model, and training one would train the other."""
        copy = self.task.copy(model)
        if copy is None or copy is model:
            raise fail(f"{type(self.task).__name__}.copy(model)", owner, "an independent copy of the model (a new "
                       "object)", None if copy is None else "the model itself", hint=hint)
        return copy

    def _score(self, member: Member) -> float:
        """The task's score of ``member``'s model, NaN if it diverged (NaN or infinite: the journal
        holds neither, and an infinite score must not make a diverged model the one to copy); a
        clear error if it is not a number."""
        score = as_scalar(self.task.score(member.model))  # a 0-d array or tensor holds one number
        if not is_real(score):
            raise fail(f"{type(self.task).__name__}.score(model)", self._owner,
                       "a real number (NaN for a diverged model)", score, hint=self._lost(member, "score"))
        finite = as_finite(score)
        return math.nan if finite is None else finite

    def _lost(self, member: Member, what: str) -> str:
        """Where the run stands after ``member``'s ``what`` failed in this round: for error messages."""
        return (f"It was member {member.index}'s {what} in round {self.rounds_done}, which is not recorded; the "
                f"{self.rounds_done} finished round(s) are kept in `result`"
                + (" and the journal." if self._journal is not None else "."))

    def _exploit_and_explore(self, scores: np.ndarray) -> tuple[tuple[int, int], ...]:
        """Each bottom member copies a uniformly drawn top member, then explores its hyperparameters.

        Only members with a score are donors (:func:`quantile_split`): when every member
        diverged there is none, and the round exploits nothing, with a warning.
        """
        bottom, top = quantile_split(scores, self.direction, self.quantile)
        if not len(top):
            warn_user(f"{self._owner}: every member's score in round {self.rounds_done} is NaN (diverged), so no "
                      "member exploited another after it: a diverged model is never copied. The members train on "
                      "with their own models and hyperparameters.", RuntimeWarning)
            return ()
        pairs = []
        for receiver in bottom:
            donor = self.members[int(top[self._explore_rng.integers(len(top))])]
            member = self.members[int(receiver)]
            # Weights and solver state, as in the paper.
            member.model = self._copy(donor.model, self._owner, hint=self._lost(member, "exploit"))
            member.params = explore(donor.params, self.space, self._explore_rng, self.perturb,
                                    self.resample_probability)
            member.score = donor.score  # the score of the model it now holds
            pairs.append((member.index, donor.index))
        return tuple(pairs)

    def run(self, n_rounds: int) -> PBTResult:
        """Run ``n_rounds`` more rounds and return the whole run so far.

        ``run(a)`` then ``run(b)`` is the same run as ``run(a + b)``.
        """
        n_rounds = check_rounds(n_rounds, self.n_members, self.rounds_done, f"{_OWNER}.run")
        for _ in range(n_rounds):
            self.step_round()
        return self.result

    @property
    def result(self) -> PBTResult:
        """The rounds so far as a :class:`PBTResult` (a snapshot)."""
        return PBTResult.from_rounds(self.space, self.direction, self._settings(), self._rounds)

    def best_model(self) -> Any:
        """A copy of the model of :attr:`PBTResult.best_member`: the best validation score in the last round.

        The model to score once on the task's sealed test split (its ``test_score``). Exploits
        never replace it (a top member is never a receiver), so it is the model that scored.

        Raises
        ------
        InvalidParameterError
            Before any round.
        HPOError
            When every member's score in the last round is NaN (diverged): no model is best.
        """
        result = self.result
        owner = f"{_OWNER}.best_model" if self._owner == _OWNER else self._owner
        if not self.rounds_done:
            raise fail("rounds_done", owner, "at least 1 (no model has been scored yet)", self.rounds_done)
        if result.best_member < 0:
            raise HPOError(f"{owner} has no model to return: {diverged_since(result.scores)}, so no model is "
                           "the best. `result.scores` shows when each member diverged.")
        return self._copy(self.members[result.best_member].model, owner)

    def __repr__(self) -> str:
        return (f"PopulationBasedTraining(n_members={self.n_members}, ready_every={self.ready_every}, "
                f"quantile={self.quantile}, rounds_done={self.rounds_done}, seed={self.seed})")


def __getattr__(name: str) -> Any:
    from .._moved import moved_name

    return moved_name(__name__, name, "interactive_hpo.pbt.baselines", ("compare_with_fixed", "train_fixed"))
