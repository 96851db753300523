"""Reading a pycma strategy in the coordinates of the points it returns, whatever pycma's own are.

When the condition number of pycma's covariance matrix passes ``conditioncov_alleviate`` (1e12
by default), its ``ask`` moves the ill-conditioned part into a linear geno-pheno transformation
(``alleviate_conditioning``): from then on ``es.mean``, ``es.sm.covariance_matrix`` and what
``es.inject`` takes are in new coordinates (``es.mean`` can read 1e16 while the samples ``ask``
returns stay at 0.75), and only ``es.gp.pheno`` / ``es.gp.geno`` map between them and the
points ``ask`` returns. A long run gets there after pycma's termination tests fired, its
distribution still shrinking on flat losses.
"""

from __future__ import annotations

from typing import Any

import numpy as np

__all__ = ["final_samples", "phenotype_distribution", "preimage_near", "to_genotype"]


def phenotype_distribution(es: Any, d: int) -> tuple[np.ndarray, np.ndarray]:
    """pycma's mean (d,) and ``sigma^2 C`` (d, d) in the coordinates of its samples, before the
    fold (``sigma_vec`` is pycma's diagonal scaling, ones unless diagonal decoding is on)."""
    scale = es.sigma_vec * np.ones(d)
    cov = es.sigma**2 * np.asarray(es.sm.covariance_matrix) * np.outer(scale, scale)
    mean = np.array(es.mean, dtype=float)
    if not es.gp.isidentity:
        # pycma's geno-pheno map is affine: its columns, read off the images of the unit vectors.
        origin = np.asarray(es.gp.pheno(np.zeros(d)), dtype=float)
        linear = np.column_stack([np.asarray(es.gp.pheno(e), dtype=float) - origin for e in np.eye(d)])
        mean, cov = origin + linear @ mean, linear @ cov @ linear.T
    return mean, (cov + cov.T) / 2


def to_genotype(es: Any, points: list[np.ndarray]) -> list[np.ndarray]:
    """``points`` (sample coordinates) in the coordinates ``es.inject`` takes."""
    if es.gp.isidentity:
        return points
    return [np.asarray(es.gp.geno(p), dtype=float) for p in points]


def preimage_near(y: np.ndarray, m: np.ndarray) -> np.ndarray:
    """The point g with ``reflect(g) == y`` closest to ``m``, coordinate by coordinate (shape (d,)):
    the preimages of y under the fold are ``y + 2k`` and ``-y + 2k``."""
    shifted = y + 2.0 * np.round((m - y) / 2.0)
    mirrored = -y + 2.0 * np.round((m + y) / 2.0)
    return np.where(np.abs(shifted - m) <= np.abs(mirrored - m), shifted, mirrored)


def final_samples(es: Any, d: int, rng: np.random.Generator, n: int) -> np.ndarray:
    """``n`` samples (n, d) of pycma's distribution, drawn here as ``rng.multivariate_normal(...,
    method="eigh")`` draws them, without its warning: a terminated distribution's covariance
    may be singular up to rounding (negative eigenvalues of 1e-30 count as 0). Uniform in the
    cube should pycma's state not be finite."""
    mean, cov = phenotype_distribution(es, d)
    if not (np.isfinite(mean).all() and np.isfinite(cov).all()):
        return rng.random((n, d))
    values, vectors = np.linalg.eigh(cov)
    return mean + rng.standard_normal((n, d)) @ (np.sqrt(np.abs(values))[:, None] * vectors.T)
