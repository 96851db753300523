"""The Lab's branches: fork one from any step, switch between them, and start over (Reset, an
edited search space) without losing the study left; mixed into
:class:`~interactive_hpo.ui.controller.LabController`.

A Reset and an Apply that left trials behind replaced every branch by the new study: an unsaved
study was gone without a word. Now the study left stays a branch under its name whenever it holds
trials or a queue, the new study is a new one ("reset", "new space"), and the Lab's notes say so.
An Apply that carried every trial replaced the study too, though the carried trials lose the values
of a parameter removed and every optimizer's record of its proposals (a GP's belief at each step).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from .._validation import check_int, check_no_seed_setting, fail
from ..optimizers.capabilities import WarmStartable
from ..optimizers.warm_start import distinct_names
from ..space import SearchSpace
from ..study.branching import SEED_OF_A_BRANCH, Remapped, fork_study, never_used, next_journal, remap_study
from ..study.core import Study
from ..study.replay import context_of, spec_of
from ..subspace import check_within
from .lab_events import LabEvent
from .lab_objective import PlainCall, check_switch

__all__ = ["Branches"]


class Branches:
    """Forks, branch switches, Reset and space edits of :class:`LabController`."""

    # Provided by LabController.
    study: Study
    branches: dict[str, Study]
    branch_name: str
    viewing: int | None
    notes: list[str]
    left_behind: list[str]
    origins: dict[str, str]
    _call: PlainCall
    check_open: Callable[[str], None]
    check_idle: Callable[[str], None]
    _attach: Callable[[Study], None]
    _emit: Callable[[LabEvent], None]

    def fork(self, step: int | None = None, optimizer: str | None = None,
             settings: Mapping[str, Any] | None = None) -> Study:
        """Continue on a new branch started at trial ``step`` (default: the step viewed, else the
        present) with ``optimizer`` and ``settings`` (default: as they were then; ``fork_study``).
        The branch left behind is kept unchanged in :attr:`branches`; the new one is named
        ``fork@<step>``, plus its optimizer when that is not the one in charge at ``step`` (the
        Fork button always names one: "fork@6 bo" beside a main line of "bo" read as a switch),
        plus `` (2)``... when taken. A journaled study's branch gets its own journal."""
        self.check_idle("Fork")
        step = (self.viewing if self.viewing is not None else len(self.study.trials)) if step is None else step
        step = check_int(step, "step", "Lab.fork", 0, len(self.study.trials))
        # In charge at ``step``, as fork_study continues it (the present: as it is now).
        now = step == len(self.study.trials)
        spec = spec_of(self.study.optimizer) if now else context_of(self.study.state, step).spec
        then = spec["name"]
        check_no_seed_setting(settings, "Lab.fork", "settings", hint=SEED_OF_A_BRANCH)  # named as typed here
        check_switch(self._call, optimizer, settings, "Lab.fork", in_charge=then, space=self.study.space,
                     kept=spec["settings"] if optimizer in (None, then) else None)
        # Choosing the optimizer in charge at ``step`` is no switch: the branch goes on with it as it
        # was then, its seed too, the settings given updating its settings (the Fork button names
        # one always: after a switch, a name made the branch draw from the first optimizer's seed).
        chosen = None if optimizer == then else optimizer
        forked = fork_study(self.study, step, optimizer=chosen, optimizer_settings=settings,
                            storage=next_journal(self.study.storage), owner="Lab.fork")
        branch = forked.study
        name = distinct_names([f"fork@{step}" + (f" {branch.optimizer.name}" if branch.optimizer.name != then else "")],
                              taken=self.branches)[0]
        self.branches[name] = branch
        self.origins[name] = self.branch_name
        self.switch_branch(name, left_behind=_left_behind(forked, self.study))
        return branch

    def switch_branch(self, name: str, left_behind: list[str] | None = None) -> None:
        """Steer the branch ``name`` (one of :attr:`branches`), in its present; ``left_behind``
        is what a new branch left behind (its sources, say: :attr:`left_behind`). A branch over
        another space (one a Reset or a space edit kept) is reported as :attr:`LabEvent.SPACE`."""
        if not isinstance(name, str) or name not in self.branches:
            raise fail("name", "Lab.switch_branch", f"one of {list(self.branches)}", name)
        self.check_idle("Switching branch")
        same_space = self.branches[name].space == self.study.space
        self.branch_name, self.viewing = name, None
        self._attach(self.branches[name])
        self.notes, self.left_behind = [], list(left_behind or [])
        self._emit(LabEvent.BRANCH if same_space else LabEvent.SPACE)

    def _start_over(self, study: Study, event: LabEvent, name: str, keep: bool, carried: bool = False) -> None:
        """Steer ``study``, a new one. ``keep``: the study left holds trials or a queue, and stays
        a branch under its name, ``study`` a new one named ``name`` (a Reset destroyed an unsaved
        study without a word); else ``study`` takes its place and its name. ``carried``: ``study``
        holds trials carried from the study left (:attr:`origins`). The other branches stay."""
        left = self.branch_name
        if keep:
            self.notes.append(f"The previous study stays as branch {left!r} ({len(self.study.trials)} trial(s)): "
                              "choose it in the branch list, under the model, to go back.")
            self.branch_name = distinct_names([name], taken=self.branches)[0]
        self.origins.pop(self.branch_name, None)  # a study replaced in place was empty: nothing came from it
        if keep and carried:
            self.origins[self.branch_name] = left
        self.branches[self.branch_name], self.viewing = study, None
        self._attach(study)
        self._emit(event)

    def reset(self) -> Study:
        """Start a new, empty study with the same space, direction, optimizer and seed.

        It is a new branch, "reset", when the study left has trials or a queue: that one stays
        in :attr:`branches` under its name, and :attr:`notes` says so. A journaled study keeps
        its journal; the new one gets a journal of its own beside it (``name-2.jsonl``, ...), so
        nothing done after the reset lives in memory only. A study with no trials and nothing
        queued is what a Reset would make: it stays as it is (a new journal beside an empty one
        was an orphan file, and the notes said trials stayed in it), and :attr:`notes` says so.
        """
        self.check_idle("Reset")
        old = self.study
        if not (old.trials or old.queued):
            self.notes, self.left_behind = ["Nothing to reset: this study has no trials and nothing queued."], []
            self._emit(LabEvent.NOTED)
            return old
        settings = {k: v for k, v in old.optimizer.settings().items() if k != "seed"}
        storage = next_journal(old.storage)
        self.left_behind = []
        self.notes = [f"The previous trials stay in {old.storage}; this study is journaled in {storage}."] \
            if old.storage else []
        # The warm-start sources stay, unless the optimizer now in charge cannot use them.
        sources = old.warm_start if isinstance(old.optimizer, WarmStartable) else None
        self._start_over(Study(old.space, old.optimizer.name, **old.goals.study_arguments(), seed=old.seed,
                               optimizer_settings=settings, storage=storage, warm_start=sources or None),
                         LabEvent.RESET, "reset", keep=True)
        return self.study

    def check_space(self, space: SearchSpace) -> SearchSpace:
        """``space`` if the objective can evaluate it: refused, naming the parameter, when the
        objective declares a space and ``space`` is not within it (another name, a wider bound:
        every trial failed). The search-space editor shows this before Apply."""
        return space if self._call.space is None else \
            check_within(space, self._call.space, "Lab.set_space", "space", "the objective's", "The objective")

    def set_space(self, space: SearchSpace) -> Study:
        """Continue over an edited space: a new study holding the trials that still fit.

        Refused, before anything changes, when the objective cannot evaluate ``space``
        (:meth:`check_space`). It is a new branch, "new space", when the study left has trials
        or queued params: that one stays in :attr:`branches` under its name, with what the new
        one lacks (the trials left behind, the values of a parameter removed, the model behind
        each proposal); an empty study is replaced where it is, in its own journal if that never
        held a trial (``branching.never_used``: ``Study.load`` of that path resumes over the new
        space, and no journal of the old one is left). :attr:`notes` say how many
        trials were carried over and left behind and which parameters' values were dropped,
        :attr:`left_behind` which trials, and why."""
        if not isinstance(space, SearchSpace):
            raise fail("space", "Lab.set_space", "a SearchSpace", space)
        self.check_open("Applying a new search space")
        self.check_space(space)
        if space == self.study.space:  # an Apply with no edit said nothing, as if it had been lost
            self.notes, self.left_behind = ["Nothing changed: the search space is the study's own."], []
            self._emit(LabEvent.NOTED)
            return self.study
        self.check_idle("Applying a new search space")
        old = self.study
        # A journal that never held a trial goes on holding the study, over the new space: a new
        # journal beside it left a header-only file of the old space behind, which resumed as that.
        in_place = never_used(old)
        storage = old.storage if in_place else next_journal(old.storage)
        remapped = remap_study(old, space, storage=storage)
        dropped = f"; {len(remapped.dropped)} left behind" if remapped.dropped else ""
        # Only the values a carried trial had: an inactive parameter (degree for an rbf kernel) has none to lose.
        removed = [name for name in old.space.names if name not in space.names
                   and any(name in old.trials[number].params for number in remapped.kept)]
        without = f", without their values of {', '.join(f'`{name}`' for name in removed)} (not in the new space)" \
            if removed else ""
        self.notes = [f"{storage} now holds the study over the new space (it had no trials yet)." if in_place else
                      f"Carried over {len(remapped.kept)} of {len(old.trials)} trial(s) to the new space{without}"
                      f"{dropped}" + (f" (journaled in {storage})." if storage else ".")]
        self.left_behind = _left_behind(remapped, old)
        self._start_over(remapped.study, LabEvent.SPACE, "new space", keep=bool(old.trials or old.queued),
                         carried=True)
        return self.study

    def carried_from(self) -> list[str]:
        """The branches the trials of the branch steered were carried from, nearest first: the
        branch it was forked or edited from, then that one's, ... (the Model tab names them)."""
        chain: list[str] = []
        name = self.origins.get(self.branch_name)
        while name is not None and name not in chain:
            chain.append(name)
            name = self.origins.get(name)
        return chain


def _left_behind(carried: Remapped, study: Study) -> list[str]:
    """What a fork or a new space of ``study`` left behind, one line each (a fork's queue is the
    one at its step: ``dropped_queued`` of a fork is empty, as its space is the study's)."""
    return ([f"Trial {number} left behind: {why}" for number, why in carried.dropped.items()]
            + [f"Queued params {study.queued[place]} left behind: {why}"
               for place, why in carried.dropped_queued.items()]
            + [f"Warm-start source {name!r} left behind: {why}" for name, why in carried.dropped_sources.items()])
