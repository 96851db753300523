"""Warm starts for Bayesian optimization: related studies' GPs as the prior mean, with learned weights.

Each warm-start source (a related study's trials, ``optimizers.warm_start.Source``) gets its own
GP, fitted once on the source's warped utilities. The target GP's mean function is then

    m(x) = c + sum_j w_j mu_j(x)

where ``mu_j`` is source j's posterior mean (standardized: about unit spread over its trials),
``c`` the usual constant and ``w_j`` a weight fitted with the other hyperparameters by maximum a
posteriori (``bayes.fit``), under a normal prior centred on ``1 / s`` for s sources. A source
whose landscape ranks configurations as the target's does keeps a weight near its prior or
above it; one that disagrees is pulled towards 0 as target trials arrive, and the GP falls back
to what the target's own trials say (Vizier's stacked residual GP, Golovin et al. 2017, fixes
the weight at 1; the weight is what lets a misleading source be down-weighted). The kernel,
its lengthscales and the noise are the target's own. The weights are in the GP's state, so the
journal records them and a replay rebuilds the exact model.

Source GPs are fitted once per source and kernel and kept with the :class:`Source` (a weak
reference: they go when the source does), so time travel and what-ifs do not refit them.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from ..warm_start import Source, distinct_names
from .model import fit_gp, torch
from .predictor import Predictor
from .prior_mean import SourceMeans, TransferMean
from .warping import OutputWarp

__all__ = ["WarmSources", "source_means", "source_weights"]

_FITS: weakref.WeakKeyDictionary[Source, dict[tuple, Predictor]] = weakref.WeakKeyDictionary()


def source_means(sources: Sequence[Source], cat_dims: list[int], kernel: str) -> SourceMeans:
    """The sources' GPs (with the target's categorical coordinates and kernel), as a prior mean;
    names made distinct (sources given to an optimizer directly may repeat one), so that
    :func:`source_weights` shows every weight."""
    names = distinct_names(s.name for s in sources)
    return SourceMeans(names, [_source_predictor(s, cat_dims, kernel) for s in sources])


def source_weights(model: Any) -> dict[str, float]:
    """Source name -> fitted weight of a GP's mean (empty for a GP without sources)."""
    mean = model.mean_module
    return dict(zip(mean.sources.names, mean.weights.tolist(), strict=True)) if isinstance(mean, TransferMean) else {}


def _source_predictor(source: Source, cat_dims: list[int], kernel: str) -> Predictor:
    """Source's GP, fitted on its warped utilities with the noise chosen as for the target; cached."""
    fits = _FITS.setdefault(source, {})
    key = (tuple(cat_dims), kernel)
    if key not in fits:
        warp = OutputWarp(-source.losses)
        with torch.random.fork_rng():
            torch.manual_seed(0)
            fitted = fit_gp(np.array(source.X), warp(-source.losses), cat_dims, kernel, "auto", None)
        fits[key] = Predictor(fitted.model)
    return fits[key]


class WarmSources:
    """What a Bayesian optimizer keeps of its warm-start sources: the sources, which of their
    best points its initial design has used, and their GPs as a prior mean.

    The initial design of a warm-started study first evaluates each source's best point
    (distinct ones, in the sources' order), then continues with Sobol points (:meth:`initial_size`).
    """

    def __init__(self, sources: Sequence[Source] = ()):
        self.sources = list(sources)
        self.starts = np.zeros((0, 0))  # the sources' best points, distinct, shape (k, d)
        if self.sources:
            best = np.vstack([s.best(1) for s in self.sources])
            self.starts = best[np.sort(np.unique(best, axis=0, return_index=True)[1])]
        self.used = 0  # how many of the starts were asked
        self.again: list[int] = []  # starts whose trial a person stopped (cut short), to ask again first

    def __bool__(self) -> bool:
        return bool(self.sources)

    def initial_size(self, cold: int) -> int:
        """The initial design of a warm-started study whose cold design has ``cold`` Sobol points:
        the sources' best points, then those Sobol points.

        Measured (``benchmarks/bench_transfer.py``, benchmarks/README.md): with one Sobol point
        after the sources' best, the GP followed the source's good region from trial 3 on. On
        an RBF SVM warm-started from a quarter of the data that paid at 10 trials (CV accuracy
        0.9843 against 0.9815 cold), but on the landscape paper's 36 landscapes, whose top-10%
        sets overlap little across budgets and datasets (0-0.5, mostly 0-0.2), it left the optimum unfound for
        longer (share of the grid better than the best found after 10 trials 0.033-0.072 against
        0.032 cold; 0.133 from a source ranking everything upside down). With the full cold
        design after the starts no source cost more than seed noise, a misleading one included.
        """
        return len(self.starts) + cold

    def next_start(self, taken: Callable[[np.ndarray], bool]) -> tuple[int, np.ndarray] | None:
        """The next source's best point to evaluate, with its index, or None when all were: one
        whose trial was cut short first (:meth:`ask_again`), and none whose configuration is
        ``taken`` (evaluated or pending otherwise: one that was blocked every later start)."""
        for index in [*self.again, *range(self.used, len(self.starts))]:
            if not taken(self.starts[index]):
                return index, self.starts[index]
        return None

    def mark_used(self, index: int) -> None:
        """Start ``index`` was asked (now, or in the run a journal replays)."""
        self.used = max(self.used, index + 1)
        if index in self.again:
            self.again.remove(index)

    def ask_again(self, index: int) -> None:
        """Start ``index``'s trial was cut short (a person's Ctrl-C, a cancelled run): it says
        nothing of the point, and evaluating the sources' best first is what a warm start
        promises, so it is asked again next (it was lost: the design had moved past it)."""
        if 0 <= index < len(self.starts) and index not in self.again:
            self.again.append(index)

    def prior(self, cat_dims: list[int], kernel: str) -> SourceMeans | None:
        """The sources' means as a GP's prior mean (None without sources)."""
        return source_means(self.sources, cat_dims, kernel) if self.sources else None

    def copy(self) -> WarmSources:
        twin = WarmSources()
        twin.sources, twin.starts, twin.used, twin.again = self.sources, self.starts, self.used, list(self.again)
        return twin
