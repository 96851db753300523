"""The landscape paper's findings, re-tested on scikit-learn's bundled datasets.

:func:`paper_landscapes` builds the landscapes of three models (an RBF SVM, a random forest and
gradient boosting) on bundled datasets at several training-data budgets; :func:`check_findings`
measures them and says, claim by claim, in how many cases each of the paper's qualitative
findings holds (Huang and Li, arXiv:2311.14014). The benchmark ``benchmarks/bench_landscapes.py``
and the notebook ``09_landscapes`` both call these two, so they report the same thing.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .._validation import check_int, check_one_of, check_real, fail, is_real, seed_to_int, shown
from ..exceptions import InvalidParameterError
from ..space import Float, Int, SearchSpace
from .build import build_landscape
from .compare import best_trained, similarity, top_overlap_null, train_test_agreement
from .graph import Landscape
from .metrics import check_shuffles, null_zscores, profile

__all__ = ["MODELS", "DATASETS", "EASY_FDC", "NULL_METRICS", "Claim", "Findings", "paper_task", "paper_landscapes",
           "check_findings"]


def _svm() -> tuple[Any, SearchSpace]:
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler
    from sklearn.svm import SVC

    return make_pipeline(StandardScaler(), SVC(kernel="rbf")), SearchSpace([
        Float("svc__C", 1e-2, 1e3, log=True), Float("svc__gamma", 1e-4, 1e1, log=True)])


def _random_forest() -> tuple[Any, SearchSpace]:
    from sklearn.ensemble import RandomForestClassifier

    return RandomForestClassifier(n_estimators=30), SearchSpace([
        Int("max_depth", 1, 16, log=True), Float("max_features", 0.1, 1.0, log=True),
        Int("min_samples_leaf", 1, 32, log=True)])


def _gradient_boosting() -> tuple[Any, SearchSpace]:
    from sklearn.ensemble import GradientBoostingClassifier

    return GradientBoostingClassifier(n_estimators=30), SearchSpace([
        Float("learning_rate", 0.01, 1.0, log=True), Int("max_depth", 1, 5), Float("subsample", 0.3, 1.0)])


#: The models, by name: a factory of (estimator, search space) and the grid's default resolution
#: (levels per parameter; 8 x 8 = 64 SVM configurations, 5 x 5 x 5 = 125 for the ensembles).
MODELS: dict[str, tuple[Callable[[], tuple[Any, SearchSpace]], int]] = {
    "svm": (_svm, 8), "random_forest": (_random_forest, 5), "gradient_boosting": (_gradient_boosting, 5)}

#: scikit-learn's bundled classification datasets the study uses by default.
DATASETS = ("iris", "wine", "breast_cancer")
_LOADERS = {"iris": "load_iris", "wine": "load_wine", "breast_cancer": "load_breast_cancer", "digits": "load_digits"}


def paper_task(model: str, dataset: str, *, seed: int = 0, cv: int = 3) -> Any:
    """A ``SklearnCV`` task (accuracy, ``cv`` folds, 25% sealed test split) for one model on one
    bundled dataset; its budgets are fractions of the training samples."""
    from ..objectives.sklearn_cv import SklearnCV

    check_one_of(model, "model", "paper_task", list(MODELS))  # a list: `[] in MODELS` hashed it
    check_one_of(dataset, "dataset", "paper_task", list(_LOADERS))
    import sklearn.datasets

    X, y = getattr(sklearn.datasets, _LOADERS[dataset])(return_X_y=True)
    estimator, space = MODELS[model][0]()
    seed, cv = seed_to_int(seed, "paper_task"), check_int(cv, "cv", "paper_task", 2)
    try:
        return SklearnCV(estimator, X, y, space, cv=cv, scoring="accuracy", seed=seed, name=f"{model} on {dataset}")
    except InvalidParameterError as error:  # more folds than a class has samples: named as typed here
        raise fail("cv", "paper_task", f"a number of folds {dataset!r} allows", cv,
                   hint=f"SklearnCV refuses it: {error}") from None


def paper_landscapes(models: Iterable[str] = tuple(MODELS), datasets: Iterable[str] = DATASETS,
                     budgets: Iterable[float] = (0.1, 0.25, 0.5, 1.0), *, resolution: int | None = None,
                     seeds: Sequence[int] = (0,), n_jobs: int = 1, cache_dir: Any = None,
                     progress: Callable[[str], None] | None = None) -> dict[tuple[str, str, float], Landscape]:
    """Build every (model, dataset, budget) landscape; losses are minus the accuracy.

    Parameters
    ----------
    models, datasets, budgets : iterables
        Names from :data:`MODELS` and :data:`DATASETS` (or ``"digits"``), fractions of the
        training samples in (0, 1].
    resolution : int, optional
        Levels per parameter for every model (default: each model's own, see :data:`MODELS`).
    seeds, n_jobs, cache_dir
        Passed to :func:`~.build.build_landscape` (with a ``cache_dir``, a second call is instant).
    progress : callable, optional
        Called with a line of text before each landscape is built.

    Returns
    -------
    dict
        ``(model, dataset, budget) -> Landscape``, with ``others["train"]`` and ``others["test"]``.
    """
    out = {}
    for model in models:
        for dataset in datasets:
            task = paper_task(model, dataset, seed=seeds[0] if seeds else 0)
            for budget in budgets:
                if progress is not None:
                    progress(f"{model} on {dataset} at budget {budget:g}")
                out[model, dataset, float(budget)] = build_landscape(
                    task, resolution=resolution or MODELS[model][1], budget=budget, seeds=seeds, n_jobs=n_jobs,
                    cache_dir=cache_dir)
    return out


@dataclass(frozen=True)
class Claim:
    """One of the paper's findings and how often it held here.

    Attributes
    ----------
    name : str
        Short name ("smooth", "clustered", ...).
    statement : str
        What was tested, in words, with the test's threshold.
    held, cases : int
        In how many of the cases it was tested on it held (cases where the measure is undefined,
        for example a correlation over constant losses, are left out).
    holds : bool
        Whether it held in at least the ``majority`` share of the cases.
    undefined : int
        How many cases were left out because the measure is undefined there.
    """

    name: str
    statement: str
    held: int
    cases: int
    holds: bool
    undefined: int = 0


@dataclass(frozen=True)
class Findings:
    """The claims, and the measurements behind them: one row per landscape (its profile, the
    z-scores of both local-optima counts against the null model, the Spearman to its full-budget landscape and
    the train-test agreement), one row per pair of datasets (their similarity, and its null model of noisy copies)."""

    claims: list[Claim]
    rows: list[dict[str, Any]] = field(repr=False)
    pairs: list[dict[str, Any]] = field(repr=False)

    def to_markdown(self) -> str:
        """The claims as a Markdown table."""
        lines = ["| claim | tested as | held in | verdict |", "|---|---|---|---|"]
        for c in self.claims:
            left_out = f" ({c.undefined} undefined)" if c.undefined else ""
            lines.append(f"| {c.name} | {c.statement} | {c.held}/{c.cases}{left_out} | "
                         f"{'holds' if c.holds else 'does not hold'} |")
        return "\n".join(lines)


def _claim(name: str, statement: str, outcomes: Iterable[float | bool], majority: float) -> Claim:
    """A claim from its per-case outcomes (NaN: undefined, left out)."""
    outcomes = list(outcomes)
    cases = [bool(o) for o in outcomes if not (isinstance(o, float) and math.isnan(o))]
    held = sum(cases)
    return Claim(name, statement, held, len(cases), bool(cases) and held >= majority * len(cases),
                 len(outcomes) - len(cases))


def _outcome(test: Callable[..., bool], *values: float) -> float | bool:
    """``test(*values)``, or NaN (undefined, left out) if any of the values is NaN."""
    return math.nan if any(math.isnan(v) for v in values) else test(*values)


#: Jones and Forrest's (1995) classes of fitness-distance correlation, for a loss to minimize:
#: FDC >= 0.15 is "easy" (straightforward), -0.15 < FDC < 0.15 "difficult", FDC <= -0.15 "misleading".
EASY_FDC = 0.15

#: The metrics whose z-scores against the shuffled null model the claims test.
NULL_METRICS = ("autocorrelation", "assortativity", "fdc", "local_optima", "local_optimum_plateaus")


def check_findings(landscapes: Mapping[tuple[str, str, float], Landscape], *, n_shuffles: int = 30, seed: int = 0,
                   majority: float = 0.75, tolerance: float = 0.02, z: float = 2.0) -> Findings:
    """Test the paper's qualitative findings on landscapes from :func:`paper_landscapes`.

    Parameters
    ----------
    landscapes : mapping
        ``(model, dataset, budget) -> Landscape``; the largest budget of each (model, dataset)
        is its full budget. Landscapes need ``others["train"]`` and ``["test"]``.
    n_shuffles : int, default=30
        Shuffles of the null model (the same losses shuffled over the same grid) for the z-scores,
        and noisy copies for "top regions overlap less" (:func:`~.compare.top_overlap_null`).
    seed : int, default=0
        Seeds the null models.
    majority : float, default=0.75
        A claim "holds" when it holds in at least this share of its cases.
    tolerance : float, default=0.02
        How far a Spearman correlation may dip as the budget rises and still count as rising.
    z : float, default=2.0
        How many standard deviations of the null model a metric must lie beyond its mean: a
        positive autocorrelation, say, is not "smooth" unless shuffled losses rarely reach it.

    Returns
    -------
    Findings
        Eight claims: smooth, clustered, easy, few local optima, flatter near the optimum
        (tested on every landscape), rankings converge with the budget (the Spearman to the full
        budget rises with it, per model and dataset: not that low budgets rank like the full one),
        top regions overlap less (per model, over pairs of datasets at full budget: their γ-set
        overlap against noisy copies that agree with one as much as the other does overall),
        train-test agreement weaker among the best-trained (every full-budget landscape).
        Each row holds a landscape's profile, the z-scores of :data:`NULL_METRICS` (as
        ``"<metric>_z"``), ``"spearman_to_full"``, ``"train_test_all"``, ``"train_test_best"``
        and ``"n_best_trained"`` (how many configurations the latter compares: the best 10% by
        training loss and every tie at the cut). Each pair holds ``"model"``, ``"datasets"``, its
        :func:`~.compare.similarity` and its :func:`~.compare.top_overlap_null`.
    """
    rule = "a non-empty mapping (model, dataset, budget) -> Landscape with 'train' and 'test' losses in `others`"
    if not isinstance(landscapes, Mapping) or not landscapes:
        raise fail("landscapes", "check_findings", rule, landscapes)
    for key, land in landscapes.items():
        if not (isinstance(key, tuple) and len(key) == 3 and is_real(key[2]) and isinstance(land, Landscape)
                and {"train", "test"} <= set(land.others)):
            raise fail("landscapes", "check_findings", rule, landscapes,
                       hint=f"The entry {shown(key, 60)}: {shown(land, 60)} is not one (paper_landscapes "
                            "builds them).")
    # null_zscores's memory limit, checked here: the user typed n_shuffles in this call.
    largest = max(land.n for land in landscapes.values())
    n_shuffles = check_shuffles(n_shuffles, largest, "check_findings")
    seed = seed_to_int(seed, "check_findings")  # an int: every landscape's null model starts from it
    majority = check_real(majority, "majority", "check_findings", 0, 1, low_open=True)
    tolerance = check_real(tolerance, "tolerance", "check_findings", 0, None)
    z = check_real(z, "z", "check_findings", 0, None)
    full: dict[tuple[str, str], float] = {}
    for model, dataset, budget in landscapes:
        full[model, dataset] = max(budget, full.get((model, dataset), budget))
    rows: list[dict[str, Any]] = []
    for (model, dataset, budget), land in landscapes.items():
        reference = landscapes[model, dataset, full[model, dataset]]
        row = {"model": model, "dataset": dataset, "budget": budget, **profile(land),
               **{f"{name}_z": value for name, value in null_zscores(land, n_shuffles=n_shuffles, seed=seed,
                                                                      metrics=NULL_METRICS).items()},
               "spearman_to_full": similarity(land, reference)["spearman"]}
        agreement = train_test_agreement(land)
        row["train_test_all"], row["train_test_best"] = agreement["all"], agreement["best_trained"]
        row["n_best_trained"] = len(best_trained(land))
        rows.append(row)
    pairs: list[dict[str, Any]] = []
    for model in dict.fromkeys(m for m, _, _ in landscapes):
        names = [d for (m, d) in full if m == model]
        for i, a in enumerate(names):
            for b in names[i + 1:]:
                land_a, land_b = landscapes[model, a, full[model, a]], landscapes[model, b, full[model, b]]
                pairs.append({"model": model, "datasets": (a, b), **similarity(land_a, land_b),
                              **top_overlap_null(land_a, land_b, n_copies=n_shuffles, seed=seed)})
    rising = []
    for (model, dataset), top_budget in full.items():
        lower = sorted((r["budget"], r["spearman_to_full"]) for r in rows
                       if r["model"] == model and r["dataset"] == dataset and r["budget"] < top_budget)
        values = np.array([s for _, s in lower])
        if len(values) >= 2 and not np.isnan(values).any():
            rising.append(bool(np.all(np.diff(values) >= -tolerance) and values[-1] > values[0]))
    at_full = [r for r in rows if r["budget"] == full[r["model"], r["dataset"]]]
    beyond = f"z > {z:g} against the shuffled null model"

    def per_row(test: Callable[..., bool], *names: str, among: list[dict[str, Any]] = rows) -> list[float | bool]:
        return [_outcome(test, *(r[name] for name in names)) for r in among]

    claims = [
        _claim("smooth", f"random-walk autocorrelation above chance ({beyond})",
               per_row(lambda v: v > z, "autocorrelation_z"), majority),
        _claim("clustered", f"assortativity above chance ({beyond})", per_row(lambda v: v > z, "assortativity_z"),
               majority),
        # Both tests: on a large grid an FDC of 0.1 is far above chance and still "difficult".
        _claim("easy", f"fitness-distance correlation >= {EASY_FDC:g} (Jones and Forrest's 'easy' class for "
               f"losses) and above chance ({beyond})",
               per_row(lambda fdc, fdc_z: fdc >= EASY_FDC and fdc_z > z, "fdc", "fdc_z"), majority),
        _claim("few local optima", "local optima (equal-loss plateaus merged, as graphfla counts them) fewer than "
               f"chance (z < -{z:g} against the shuffled null model)",
               per_row(lambda v: v < -z, "local_optimum_plateaus_z"), majority),
        _claim("flatter near the optimum", "neutrality-distance correlation < 0",
               per_row(lambda v: v < 0, "neutrality_distance"), majority),
        _claim("rankings converge with the budget", f"Spearman to the full budget rises with the budget "
               f"(dips of at most {tolerance:g}), per model and dataset", rising, majority),
        # Not "Spearman over the union of the top sets < over all": the union is chosen for being
        # best on one side or the other, and a landscape against a copy of itself plus a little
        # noise passed it (audit a391). The null keeps the pair's overall agreement.
        _claim("top regions overlap less", "between datasets at full budget: the top-10% sets (ties at the cut "
               "included) overlap less than in landscapes that agree as much overall (γ-set overlap z < "
               f"-{z:g} against noisy copies with the pair's Spearman)",
               per_row(lambda v: v < -z, "gamma_overlap_z", among=pairs), majority),
        _claim("train-test agree less at the top", "Spearman(train, test) over the 10% best-trained (ties at the "
               "cut included) < over all, at full budget; undefined where their training losses all tie",
               per_row(lambda best, every: best < every, "train_test_best", "train_test_all", among=at_full),
               majority),
    ]
    return Findings(claims, rows, pairs)
