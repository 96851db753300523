"""A 2-D picture of a landscape's neighbour graph: a spectral layout (numpy/scipy only).

Every configuration is placed by the 2nd and 3rd eigenvectors of the normalized Laplacian of the
neighbour graph (Belkin & Niyogi 2003, "Laplacian eigenmaps"; Koren 2005, "Drawing graphs by
eigenvectors"). Neighbours with similar losses are pulled together when edges are weighted by
loss similarity, so a loss cliff shows as a gap between regions, and basins as clusters.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import scipy.linalg
import scipy.sparse
import scipy.sparse.linalg
import scipy.stats

from .._validation import check_one_of, fail, seed_to_int
from .graph import Landscape

__all__ = ["graph_layout"]

#: Up to this many configurations the eigenvectors come from a dense solver (exact, ~0.2 s at
#: 1728); above it from shift-invert Lanczos on sparse matrices, as the dense matrix would not fit
#: in memory (measured on one core: 30^3 configurations 1.9 s and 128 MB, 45^3 9.3 s, 5^6 0.6 s,
#: 6^6 1.9 s and 157 MB).
DENSE_MAX = 2000
#: Smallest edge weight. Without a floor, flat plateaus (weight 1 inside) joined by cliffs
#: (weight near 0) make the graph nearly disconnected: its first eigenvectors become indicators
#: of the plateaus and every plateau collapses to one point. With 0.1, measured on the paper's
#: SVM, forest and boosting landscapes, the grid stays visible and cliffs still stretch it.
MIN_WEIGHT = 0.1
#: Eigenpairs computed: enough to hold a tied eigenvalue of a grid with up to six equal-sized
#: parameters whole, so the axes can be chosen within it (see the Notes of :func:`graph_layout`).
N_VECTORS = 6
#: Eigenvalues closer than this (relative) are treated as one, shared by several eigenvectors.
TIE = 1e-7
#: Shift of the sparse shift-invert solver: small against the eigenvalues wanted, large enough to
#: keep ``L + SHIFT I`` well conditioned.
SHIFT = 1e-3


def _edge_weights(land: Landscape, weight: str | None) -> np.ndarray:
    """Weight of every edge of ``land.edges``, shape (m,).

    ``weight="loss"``: ``w + (1 - w) exp(-|R(u) - R(v)| / s)`` with ``w`` = :data:`MIN_WEIGHT`,
    ``R`` the loss rank as a share of ``n`` (ranks: one failed configuration's huge loss does not
    squash the rest) and ``s`` the mean of the non-zero rank differences over the edges (1 on a
    flat landscape, where every weight is 1). ``weight=None``: every weight is 1 (the plain grid).
    """
    if not isinstance(land, Landscape):
        raise fail("land", "graph_layout", "a Landscape", land)
    weight = check_one_of(weight, "weight", "graph_layout", ("loss", None))
    if weight is None:
        return np.ones(len(land.edges))
    rank = scipy.stats.rankdata(land.losses) / land.n
    diff = np.abs(rank[land.edges[:, 0]] - rank[land.edges[:, 1]])
    positive = diff[diff > 0]
    scale = float(np.mean(positive)) if positive.size else 1.0
    return MIN_WEIGHT + (1 - MIN_WEIGHT) * np.exp(-diff / scale)


def _eigenvectors(land: Landscape, weights: np.ndarray, k: int,
                 seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The ``k`` smallest non-trivial eigenpairs of the normalized Laplacian ``L = I - D^-1/2 W D^-1/2``.

    Returns eigenvalues, shape (k,), ascending, and orthonormal eigenvectors, shape (n, k), and
    the square roots of the degrees, shape (n,). The trivial eigenvector ``sqrt(degree)``
    (eigenvalue 0) is deflated explicitly rather than skipped by position: when a loss cliff
    nearly cuts the graph, the 2nd eigenvalue is ~0 too and a solver could mix the two.
    """
    n, edges = land.n, land.edges
    rows, cols = np.concatenate([edges[:, 0], edges[:, 1]]), np.concatenate([edges[:, 1], edges[:, 0]])
    adjacency = scipy.sparse.csr_matrix((np.concatenate([weights, weights]), (rows, cols)), shape=(n, n))
    root = np.sqrt(np.asarray(adjacency.sum(axis=1)).ravel())
    scaled = (scipy.sparse.diags(1 / root) @ adjacency @ scipy.sparse.diags(1 / root)).tocsr()  # I - L
    trivial = root / np.linalg.norm(root)
    if n <= DENSE_MAX:
        # Sending the trivial eigenvalue of I - L from 1 to -2, below all others (they lie in
        # [-1, 1]; -1 itself is one for a bipartite graph), leaves the wanted ones on top.
        dense = scaled.toarray() - 3 * np.outer(trivial, trivial)
        values, vectors = scipy.linalg.eigh(dense, subset_by_index=[n - k, n - 1])
        return 1 - values[::-1], vectors[:, ::-1], root
    # Shift-invert: Lanczos on (L + SHIFT I)^-1, restricted to the complement of the trivial vector,
    # converges in a few iterations where plain Lanczos on L takes minutes (small spectral gaps).
    # Each solve is conjugate gradients: L + SHIFT I is positive definite with a condition number
    # below 2 / SHIFT, so a solve takes a few hundred sparse products. A sparse LU factor filled in
    # on grids of many parameters: 57 s and 1.2 GB for 5^6 configurations, minutes for 6^6.
    shifted = ((1 + SHIFT) * scipy.sparse.identity(n, format="csr") - scaled).tocsr()

    def apply(v: np.ndarray) -> np.ndarray:
        v = v - trivial * (trivial @ v)
        out, _ = scipy.sparse.linalg.cg(shifted, v, rtol=1e-12, atol=0.0)
        return out - trivial * (trivial @ out)

    operator = scipy.sparse.linalg.LinearOperator((n, n), matvec=apply, dtype=float)
    start = np.random.default_rng(seed).standard_normal(n)
    inverted, vectors = scipy.sparse.linalg.eigsh(operator, k=k, which="LA", v0=start, tol=1e-12)
    order = np.argsort(-inverted)
    return 1 / inverted[order] - SHIFT, vectors[:, order], root


def _aligned(basis: np.ndarray, targets: np.ndarray) -> np.ndarray:
    """The unit vector of span(``basis``) (orthonormal columns, shape (n, j)) best aligned with the
    first of ``targets`` (shape (n, t)) that has a noticeable projection on it; the sign makes the
    correlation positive. Without one: the first column, its first large entry made positive."""
    for target in targets.T:
        coefficients = basis.T @ target
        if np.linalg.norm(coefficients) > 1e-6 * np.linalg.norm(target):
            return basis @ (coefficients / np.linalg.norm(coefficients))
    column = basis[:, 0]
    big = np.flatnonzero(np.abs(column) >= 0.5 * np.abs(column).max())
    return -column if column[big[0]] < 0 else column


def graph_layout(land: Landscape, *, weight: str | None = "loss", seed: Any = 0) -> np.ndarray:
    """Spectral layout of the landscape's neighbour graph.

    Parameters
    ----------
    land : Landscape
        Its ``edges`` (shape (m, 2)) are the graph; with ``weight="loss"`` its losses weight them.
    weight : {"loss", None}, default="loss"
        ``"loss"``: edges weighted by how alike the losses (ranks) of their ends are, between
        :data:`MIN_WEIGHT` and 1, so loss cliffs pull regions apart; None: the plain grid.
    seed : int or numpy.random.Generator, default=0
        Start vector of the sparse eigensolver (used when ``land.n`` > :data:`DENSE_MAX`).

    Returns
    -------
    ndarray of shape (n, 2)
        One point per configuration (grid index order): the 2nd and 3rd eigenvectors ``u`` of the
        normalized Laplacian, as ``D^-1/2 u`` (the random-walk form, whose coordinates do not
        shrink at low-degree configurations), both scaled by one factor into [-1, 1]. A
        landscape with fewer than three configurations has zeros where no eigenvector exists.

    Notes
    -----
    Same landscape, same picture: an eigenvector's sign is arbitrary, and so is the basis of
    an eigenvalue shared by several eigenvectors (a plain square grid has two for its 2nd
    eigenvalue). Each axis is therefore chosen within its eigenspace as the direction best
    aligned with the level indices of the first parameter (then the second, ...), with a
    positive sign: on a plain grid, axis 0 follows the first parameter and axis 1 the second.

    Examples
    --------
    >>> from interactive_hpo.landscape import Landscape
    >>> land = Landscape(("a",), (tuple(range(5)),), (True,), [0.0, 0.1, 0.2, 5.0, 5.1])
    >>> xy = graph_layout(land)
    >>> xy.shape, bool(xy[2, 0] - xy[1, 0] < xy[3, 0] - xy[2, 0])   # the cliff between 2 and 3 is a gap
    ((5, 2), True)
    """
    weights = _edge_weights(land, weight)
    seed = seed_to_int(seed, "graph_layout")
    k = min(N_VECTORS, land.n - 1)
    values, vectors, root = _eigenvectors(land, weights, k, seed)
    degree = root**2
    codes = land.codes - (degree @ land.codes) / degree.sum()  # centred: orthogonal to the trivial vector
    targets = root[:, None] * codes  # in the coordinates of the eigenvectors u (x = D^-1/2 u)
    layout = np.zeros((land.n, 2))
    axis, j = 0, 0
    while axis < 2 and j < k:
        tied = np.flatnonzero(np.abs(values - values[j]) <= TIE * max(1.0, abs(values[j])))
        basis = vectors[:, tied[tied >= j]]
        while axis < 2 and basis.shape[1]:
            direction = _aligned(basis, targets)
            layout[:, axis] = direction / root
            axis += 1
            # What remains of the eigenspace once this direction is taken: an orthonormal basis of
            # its complement in span(basis), by SVD (the rank drops by exactly one).
            rest = basis - np.outer(direction, direction @ basis)
            left, singular, _ = np.linalg.svd(rest, full_matrices=False)
            basis = left[:, singular > 0.5]
        j = int(tied.max()) + 1
    top = np.abs(layout).max()
    return layout / top if top > 0 else layout
