"""Build a landscape by evaluating every configuration of a grid, and replay it as an objective.

:func:`build_landscape` evaluates an objective (an ``SklearnCV`` task, a synthetic function,
any objective with a ``space``) on the full grid of its space (``SearchSpace.levels``: log-spaced
for log parameters, every choice for categoricals), at one budget, averaged over seeds, in
parallel if asked; for scikit-learn tasks it keeps the training and test losses too. The losses
are cached on disk as JSON, one file per (objective, grid, budget, seed), so a notebook builds
each landscape once (:mod:`.cache`). :class:`LandscapeObjective` turns a built landscape back
into an objective (a lookup table), so any optimizer can be stepped on it in microseconds.

On a conditional space the grid is still the product of every parameter's levels, so the
landscape's neighbourhood (one parameter, one step) is defined as on any grid; a grid point is
evaluated as the configuration it stands for (``SearchSpace.complete``: its inactive values
dropped), each configuration once, and every grid point that differs from another only in
inactive parameters shares its loss. An inactive parameter is a plateau of the landscape: moves
along it are neutral, which the neutrality and plateau metrics count as such.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from .._paths import check_folder
from .._validation import (
    accepts_keyword,
    check_int,
    check_real,
    describe_error,
    fail,
    import_optional,
    is_int,
    shown,
    warn_user,
)
from ..direction import Direction
from ..exceptions import Unfingerprintable
from ..objectives.base import FunctionObjective
from ..objectives.sealed import SealedTestSetWarning
from ..outcome import Measured, budget_range_of, call_objective
from ..space import SearchSpace
from ..trial import TrialState
from .cache import cache_file, cache_key, cache_path, read_cache, write_cache
from .failures import EXAMPLES_KEPT, Failures
from .graph import Landscape, check_edges

# cache_path lives in .cache; it is a name of this module since 0.1.
__all__ = ["MAX_CONFIGURATIONS", "MAX_JOBS", "build_landscape", "cache_path", "LandscapeObjective", "grid_of"]

#: The largest grid :func:`build_landscape` evaluates, as :class:`~interactive_hpo.optimizers.GridSearch`
#: lists (measured: 512,000 configurations of a cheap function took 9 s and 480 MB, about 1 KB
#: each); past it a resolution asked for in error would take the machine's memory before failing.
MAX_CONFIGURATIONS = 1_000_000
#: Configurations handed to the worker processes at a time: their results (a failure's message
#: can be a traceback of kilobytes) are summarized chunk by chunk, never held for the whole grid.
CHUNK = 1000
#: The most worker processes: each holds an interpreter and the objective's data (n_jobs=10**6
#: asked joblib for a million of them). The machine's cores, or 8 on a smaller machine, so the
#: same call works on a laptop and in CI.
MAX_JOBS = max(8, os.cpu_count() or 1)


def grid_of(space: SearchSpace, resolution: int) -> tuple[tuple[Any, ...], ...]:
    """Each parameter's grid levels: ``resolution`` values for numbers (log-spaced for log
    parameters; integers may give fewer), every choice for categoricals; at most
    :data:`MAX_CONFIGURATIONS` configurations in all, and :data:`~.graph.MAX_EDGES` neighbour
    pairs between them."""
    if not isinstance(space, SearchSpace):
        raise fail("space", "grid_of", "a SearchSpace", space)
    return _levels(space, resolution, "grid_of")


def _levels(space: SearchSpace, resolution: Any, owner: str) -> tuple[tuple[Any, ...], ...]:
    """:func:`grid_of`, its errors naming ``owner`` (the function the person called)."""
    rule = f"an int in [2, inf) that makes at most {MAX_CONFIGURATIONS:,} configurations"
    resolution = check_int(resolution, "resolution", owner, 2)
    if resolution > MAX_CONFIGURATIONS:  # before listing the levels: a float would get them all
        raise fail("resolution", owner, rule, resolution)
    levels = tuple(param.levels(resolution) for param in space)
    shape = tuple(len(v) for v in levels)
    if (size := math.prod(shape)) > MAX_CONFIGURATIONS:
        raise fail("resolution", owner, rule, resolution,
                   hint=f"The grid {' x '.join(map(str, shape))} has {size:,}; use a smaller resolution.")
    # The Landscape would refuse its graph after every configuration was evaluated: refuse it first.
    check_edges(shape, [param.kind != "categorical" for param in space], "resolution", owner, resolution)
    return levels


def _grid_losses(objective: Any, params: Mapping[str, Any], budget: float | None,
                 goal: Direction) -> tuple[dict[str, float], str | None]:
    """One configuration's losses by kind, and why it failed (None if it did not); ``goal`` is
    the objective's direction.

    Kinds: ``"valid"`` (the objective's value) and, for objectives with ``landscape_scores``
    (``SklearnCV``), ``"train"`` and ``"test"``. Scores of objectives to maximize are negated;
    a configuration that fails, or scores NaN, gets inf for every kind that it could not score.
    """
    detailed = callable(getattr(objective, "landscape_scores", None))
    if detailed:
        try:
            raw = objective.landscape_scores(dict(params), budget=budget)
        except Exception as error:  # a configuration that cannot be fitted is data, not a crash
            return dict.fromkeys(("valid", "train", "test"), math.inf), describe_error(error)
    else:
        outcome = call_objective(objective, params, budget=budget)
        if isinstance(outcome.value, Measured):
            return {"valid": math.inf}, (f"the objective returned several values {shown(outcome.value.values)}; a "
                                         "landscape has one loss per configuration")
        if outcome.state is not TrialState.COMPLETE:  # FAILED with its reason, or PRUNED: it raised TrialPruned
            return {"valid": math.inf}, outcome.user_attrs.get("error", f"the objective ended {outcome.state.value}")
        raw = {"valid": outcome.value}
    losses = {kind: goal.to_loss(float(value)) if math.isfinite(value) else math.inf for kind, value in raw.items()}
    return losses, None if math.isfinite(losses["valid"]) else f"the objective scored {raw['valid']!r}"


def _key(params: Mapping[str, Any]) -> str:
    """One text per distinct configuration (a conditional space's grid repeats configurations)."""
    return json.dumps(params, sort_keys=True, default=repr)


def _rows(objective: Any, configs: list[dict[str, Any]], budget: float | None, goal: Direction,
          n_jobs: int) -> Iterator[tuple[dict[str, float], str | None]]:
    """:func:`_grid_losses` of every configuration, in order, evaluated by ``n_jobs`` processes."""
    if n_jobs == 1:
        for params in configs:
            yield _grid_losses(objective, params, budget, goal)
        return
    joblib = import_optional("joblib", "sklearn", "build_landscape(n_jobs=...)")
    with joblib.Parallel(n_jobs=n_jobs) as parallel:  # one pool of workers for every chunk
        for start in range(0, len(configs), CHUNK):
            yield from parallel(joblib.delayed(_grid_losses)(objective, params, budget, goal)
                                for params in configs[start:start + CHUNK])


def _evaluate_grid(objective: Any, configs: list[dict[str, Any]], budget: float | None, goal: Direction,
                   n_jobs: int) -> tuple[dict[str, np.ndarray], Failures]:
    """Losses of every configuration by kind, shape (n,) each (inf for failures), and the failures
    summarized, evaluated by ``n_jobs`` processes, each distinct configuration once."""
    position: dict[str, int] = {}  # a conditional space's grid repeats configurations
    where = np.array([position.setdefault(_key(params), len(position))
                      for params in configs])  # grid point -> its distinct configuration, shape (n,)
    # The grid points of each distinct configuration, ascending: points[bounds[j]:bounds[j + 1]].
    points = np.argsort(where, kind="stable")
    bounds = np.searchsorted(where[points], np.arange(len(position) + 1))
    distinct = [configs[i] for i in points[bounds[:-1]]]
    losses: dict[str, np.ndarray] = {}
    failures = Failures()
    for j, (row, reason) in enumerate(_rows(objective, distinct, budget, goal, n_jobs)):
        for kind, loss in row.items():
            losses.setdefault(kind, np.full(len(distinct), math.inf))[j] = loss  # a kind never scored: inf
        if reason is not None:
            group = points[bounds[j]:bounds[j + 1]]
            failures.add(reason, group[:EXAMPLES_KEPT].tolist(), len(group))
    return {kind: values[where] for kind, values in losses.items()}, failures


def _check_failures(objective: Any, failed: np.ndarray, first: tuple[int, str] | None,
                    configs: list[dict[str, Any]], budget: float | None, max_failed: float) -> None:
    """Refuse a grid on which more than ``max_failed`` of the configurations failed (every one,
    always): the worst loss they are given would be most of the landscape, and its metrics
    would describe the failures. ``failed`` has shape (n,); ``first`` is the first failure's
    grid index and message."""
    count = int(failed.sum())
    if first is not None and (count == len(failed) or count > max_failed * len(failed)):
        raise fail("objective", "build_landscape", f"an objective that fails on at most {max_failed:.0%} of the "
                   "grid's configurations (`max_failed`)", objective,
                   hint=f"{count} of {len(failed)} configurations failed at budget={budget!r}; the first, "
                        f"{shown(configs[first[0]])}: {first[1]}")


def _worst_for_failures(values: np.ndarray) -> np.ndarray:
    """``values`` with inf replaced by the worst finite value (a failure is as bad as the worst)."""
    finite = np.isfinite(values)
    return np.where(finite, values, values[finite].max() if finite.any() else 0.0)


def _entry(objective: Any, levels: Sequence[Sequence[Any]], budget: float | None,
           cache_dir: str | os.PathLike[str]) -> tuple[str, Path]:
    """The cache key of ``objective`` (:func:`.cache.cache_key`) and its file in ``cache_dir``,
    else the refusal of ``cache_dir`` naming the objective and how to give it a fingerprint."""
    try:
        key = cache_key(objective, levels, budget)
    except Unfingerprintable as error:
        raise fail("cache_dir", "build_landscape", "None for an objective whose values cannot be keyed reliably "
                   "(by its `fingerprint`)", str(cache_dir), hint=f"{error} Or build it without a cache.") from None
    return key, cache_file(key, cache_dir)


def build_landscape(objective: Any, *, resolution: int = 5, budget: float | None = None,
                    seeds: Sequence[int] | None = None, n_jobs: int = 1,
                    cache_dir: str | os.PathLike[str] | None = None, max_failed: float = 0.5) -> Landscape:
    """Evaluate ``objective`` on every configuration of its space's grid; return the landscape.

    Parameters
    ----------
    objective : objective with a ``space``
        Its value becomes the loss (negated when ``objective.direction == "maximize"``, so an
        accuracy becomes minus the accuracy). A configuration that fails (raises, or scores NaN
        or inf) gets the worst loss seen; ``info["failed"]`` counts them,
        ``info["first_failure"]`` says why the first one failed, and ``info["failures"]`` maps
        each distinct message (at most 10, the rest counted under ``"(other messages)"``; long
        ones shortened to their head and tail) to ``{"count": failed evaluations, "first": grid
        indices of its first 3 configurations}`` (``land.params(i)`` reads one); the cache keeps
        which configurations failed (their losses are null).
        For a :class:`~interactive_hpo.objectives.SklearnCV` task, the training and sealed-test
        losses are stored too (``landscape.other("train")``, ``landscape.other("test")``), to
        study, not to choose by: the task records the read (``task.test_reads``, cached or not),
        so its next ``test_score`` warns (:class:`~interactive_hpo.objectives.SealedTestSetWarning`),
        and so does a :class:`LandscapeObjective` of the test losses.
    resolution : int, default=5
        Levels per numeric parameter.
    budget : float, optional
        Passed to the objective (a fraction of the training data in (0, 1] for ``SklearnCV``); a
        positive number, for an objective that takes a ``budget`` keyword.
    seeds : sequence of int, optional
        Average the losses over these seeds (``objective.with_seed(seed)`` for each: another
        split, other folds, other model seeds); ``others["valid_std"]`` keeps the spread of the
        validation loss over them. By default the objective is evaluated as it is.
    n_jobs : int, default=1
        Processes evaluating configurations in parallel (joblib; -1 for every core), at most
        :data:`MAX_JOBS`.
    cache_dir : path, optional
        Where the losses are kept as JSON, one file per (objective, grid, budget, seed), keyed by
        the objective's ``fingerprint`` (a :class:`~interactive_hpo.objectives.FunctionObjective`
        hashes its function's code and the values it reads; a synthetic function its seed and
        noise); a build with the same key reads the file instead of evaluating again. An
        objective without a reliable fingerprint is refused a ``cache_dir`` before any
        evaluation (``FunctionObjective(..., fingerprint="v2")`` gives one). A file of another
        key, or not a cache, is refused and left as it is; a cache written before caches held
        their key is evaluated again and replaced. A refused build writes nothing.
    max_failed : float in [0, 1), default=0.5
        The largest share of the grid's configurations that may fail. A landscape where more
        fail (or every one: a budget the objective refuses, say) is refused with how many failed
        and why the first did: it would be mostly a plateau of stand-in losses.

    Returns
    -------
    Landscape
        Its ``space`` is the objective's, so :class:`LandscapeObjective` can replay it.
    """
    owner = "build_landscape"
    space = getattr(objective, "space", None)
    if not isinstance(space, SearchSpace) or not callable(objective):
        raise fail("objective", owner, "a callable objective with a SearchSpace `space`", objective)
    if not (is_int(n_jobs) and (n_jobs == -1 or 1 <= n_jobs <= MAX_JOBS)):
        raise fail("n_jobs", owner, f"-1 (every core) or an int in [1, {MAX_JOBS}]", n_jobs)
    n_jobs = int(n_jobs)
    if cache_dir is not None:  # before any evaluation, "~" expanded (it was a folder "~" in the working folder)
        cache_dir = check_folder(cache_dir, "cache_dir", owner, "landscapes/", optional=True)
    max_failed = check_real(max_failed, "max_failed", owner, 0, 1, high_open=True)
    if budget is not None:
        budget = check_real(budget, "budget", owner, 0, None, low_open=True)
        called = objective.fn if isinstance(objective, FunctionObjective) else objective  # what receives it
        # Before any evaluation: a budget the objective cannot take failed every configuration of
        # the grid, then read as "`objective` ... fails on at most 50%".
        if not accepts_keyword(called, "budget") or getattr(objective, "single_fidelity", False) is True:
            raise fail("budget", owner, "None for an objective of a single fidelity", budget,
                       hint=f"{shown(called)} has a single fidelity: write it as fn(params, *, budget=None), or wrap "
                            "a synthetic function: MultiFidelity(objective).")
        declared = budget_range_of(objective, owner)
        if declared is not None and not declared[0] < budget <= declared[1]:
            low, high = declared
            raise fail("budget", owner, f"a budget the objective takes, in ({low:g}, {high:g}]", budget,
                       hint=f"{shown(objective)} takes budgets in ({low:g}, {high:g}], {high:g} its full evaluation.")
    if seeds is not None:
        if isinstance(seeds, (str, bytes)) or not isinstance(seeds, Sequence) or not seeds:
            raise fail("seeds", owner, "a non-empty sequence of ints, or None", seeds)
        seeds = [check_int(seed, "seeds", owner, 0) for seed in seeds]
        if not callable(getattr(objective, "with_seed", None)):
            raise fail("seeds", owner, "None for an objective without a `with_seed` method", seeds,
                       hint=f"{type(objective).__name__} cannot be re-seeded; SklearnCV tasks can.")
    # Once, before any configuration is evaluated (parsed per configuration it was 15 % of a cheap build).
    goal = Direction.parse(getattr(objective, "direction", "minimize"), "objective.direction", owner)
    levels = _levels(space, resolution, owner)
    shape = tuple(len(v) for v in levels)
    codes = np.stack(np.unravel_index(np.arange(math.prod(shape)), shape), axis=1)
    configs = [space.complete({p.name: levels[k][c] for k, (p, c) in enumerate(zip(space, row, strict=True))})
               for row in codes]  # in a conditional space, what each grid point stands for
    runs: list[dict[str, np.ndarray]] = []
    summaries: list[Failures] = []  # one per seed
    pending: list[tuple[str, Path, Any, dict[str, np.ndarray], Failures]] = []
    failed = np.zeros(len(configs), dtype=bool)
    objectives = [objective] if seeds is None else [objective.with_seed(seed) for seed in seeds]
    # Every seed's key before the first evaluation: an objective refused a cache is refused at once.
    entries = [None if cache_dir is None else _entry(seeded, levels, budget, cache_dir) for seeded in objectives]
    for seeded, entry in zip(objectives, entries, strict=True):
        cached = None if entry is None or not entry[1].exists() else read_cache(entry[1], len(configs), entry[0])
        if cached is not None:
            run, failures = cached
        else:  # no cache, or one written before caches held their key: evaluated again, and replaced
            run, failures = _evaluate_grid(seeded, configs, budget, goal, n_jobs)
            if entry is not None:
                pending.append((*entry, seeded, run, failures))
        runs.append(run)
        summaries.append(failures)
        failed |= ~np.isfinite(run["valid"])
    # The first failed configuration, for the first seed that failed there.
    first = min((part.first for part in summaries if part.first is not None), key=lambda f: f[0], default=None)
    _check_failures(objective, failed, first, configs, budget, max_failed)
    for key, path, seeded, run, failures in pending:  # only a build that stands is kept: a refused one is not cached
        write_cache(path, key, seeded, budget, run, failures)
    if "test" in runs[0] and callable(record := getattr(objective, "record_test_read", None)):
        # Read from the cache or in worker processes too: the task, not each call, keeps the record.
        over = "" if seeds is None else f" averaged over seeds {seeds}"
        record(f"build_landscape: the test scores of {len({_key(c) for c in configs})} configurations{over}")
    losses = {kind: _worst_for_failures(np.mean([run[kind] for run in runs], axis=0)) for kind in runs[0]}
    if len(runs) > 1:
        valid = np.array([_worst_for_failures(run["valid"]) for run in runs])
        losses["valid_std"] = valid.std(axis=0)
    info = {"objective": repr(objective), "budget": budget, "seeds": seeds, "resolution": resolution,
            "failed": int(failed.sum()), "first_failure": None if first is None else first[1],
            "failures": Failures.merged(summaries).summary}
    return Landscape(tuple(space.names), levels, tuple(p.kind != "categorical" for p in space), losses.pop("valid"),
                     space=space, others=losses, info=info)


class LandscapeObjective:
    """A built landscape as an objective: the loss of the grid configuration nearest to ``params``.

    Numeric parameters snap to the nearest level in the space's unit cube (so on a log scale for
    log parameters); categoricals match exactly. Every optimizer can be stepped on it in
    microseconds: a landscape of SVM cross-validation scores becomes a free benchmark. A
    landscape has one fidelity, so a ``budget`` is accepted and ignored.

    Parameters
    ----------
    landscape : Landscape
        Built with a search space (:func:`build_landscape`).
    direction : {"minimize", "maximize"}, default="minimize"
        The direction of the objective the landscape was built from. With "maximize" the replay
        answers with that objective's values (an accuracy, ``-loss``) for a study that maximizes
        them, so its trials, best value and progress read in natural units, not as minus accuracies.

    Examples
    --------
    >>> from interactive_hpo import Float, SearchSpace, Study
    >>> from interactive_hpo.landscape import build_landscape
    >>> from interactive_hpo.objectives import FunctionObjective
    >>> space = SearchSpace([Float("x", -2, 2)])
    >>> land = build_landscape(FunctionObjective(lambda p: p["x"] ** 2, space), resolution=5)
    >>> replay = LandscapeObjective(land)
    >>> replay({"x": 0.9}), replay({"x": 0.1})   # nearest levels: 1.0 and 0.0
    (1.0, 0.0)
    >>> LandscapeObjective(land, direction="maximize")({"x": 0.9})   # the value whose loss is 1.0
    -1.0
    >>> Study(space, "sobol", seed=0).run(replay, n_trials=8)[-1].state.value
    'COMPLETE'
    """

    def __init__(self, landscape: Landscape, *, direction: str = "minimize"):
        if not isinstance(landscape, Landscape) or landscape.space is None:
            raise fail("landscape", "LandscapeObjective", "a Landscape built with a search space (build_landscape)",
                       landscape)
        if landscape.info.get("kind") == "test":  # landscape.other("test"): a search on it chooses by the test split
            warn_user("This landscape holds the sealed test split's losses (landscape.other('test')): an optimizer "
                      "stepped on it chooses configurations by their test scores, which makes the test split a "
                      "validation split and every test score after it optimistic. Tune on the validation losses "
                      "(the landscape build_landscape returned); study the test losses, do not choose by them.",
                      SealedTestSetWarning)
        self.landscape = landscape
        self.space = landscape.space
        self._goal = Direction.parse(direction, "direction", "LandscapeObjective")
        self.direction = self._goal.value
        self.name = f"landscape({', '.join(landscape.names)})"

    def index_of(self, params: Mapping[str, Any]) -> int:
        """The grid index of the configuration nearest to ``params`` (see :meth:`Landscape.index_of`)."""
        return self._index(params, "LandscapeObjective.index_of")

    def __call__(self, params: Mapping[str, Any], *, budget: float | None = None) -> float:
        return float(self._goal.to_value(self.landscape.losses[self._index(params, "LandscapeObjective")]))

    def _index(self, params: Any, owner: str) -> int:
        """:meth:`index_of`, a refusal of ``params`` naming ``owner`` (what the person called) with
        the space's reason, not the space's own method."""
        return self.landscape.index_of(self.space.validate(params, owner=owner))

    @property
    def fingerprint(self) -> str:
        """A hash (16 hex digits) of what decides the replay's values: the grid (names, levels,
        which are ordered), the space it snaps to, every loss and the direction. It keys the
        landscape cache: two landscapes of one space and grid differ by their losses."""
        land = self.landscape
        grid = repr((land.names, [list(map(repr, v)) for v in land.levels], land.ordered, self.space.to_dict(),
                     self.direction))
        digest = hashlib.sha256(grid.encode())
        digest.update(np.ascontiguousarray(land.losses, dtype=float).tobytes())
        return digest.hexdigest()[:16]

    def __repr__(self) -> str:
        return f"LandscapeObjective({self.landscape.n} configurations of {self.landscape.names})"
