"""Which small counts the published equations determine, for every union of combinations of
group values (any number of groups), crossed with every protected set of outcome cells.

A union of combinations is a 0/1 vector ``c`` over the combinations. For one set of outcome
cells ``w``, the unions whose count is derivable form a linear subspace: the ``c`` with
``c ⊗ w`` in the row space of what is published. A small union can only hold combinations
that are themselves below the threshold in ``w`` (counts are never negative), so the search is
restricted to those, and the subspace is found from a small Gram matrix (one per ``w``)
instead of enumerating the 2^k unions of k groups: its 0/1 points are enumerated exactly when
its dimension is at most ``MAX_ENUMERATED``, and otherwise its basis itself is withheld (more
than needed, never less). Margins minus listed cells, in groupings of any size, are unions of
combinations, and so are every group of every grouping and their unions.
"""

from __future__ import annotations

import numpy as np

from custodiet.audit import _metrics as mt

#: Dimension up to which the 0/1 points of a derivable subspace are enumerated (2^12 points).
MAX_ENUMERATED: int = 12
#: Up to this many score intervals every set of them is protected (2^6 - 1 = 63 sets, against
#: 21 runs); beyond, runs of consecutive intervals only (assumption: the work of the check
#: grows with the number of sets, and 2^20 sets of 20 intervals would not end).
MAX_SUBSET_INTERVALS: int = 6
_TOL = 1e-7
_CHUNK = 4_000_000  # floats of projections computed at once (32 MB)


def interval_sets(n_intervals: int) -> np.ndarray:
    """Sets of score intervals (rows, 0/1) that are protected: every non-empty set of them
    (separate bands together, 1-2 with 7-8) when there are at most ``MAX_SUBSET_INTERVALS``,
    else every run of consecutive intervals."""
    if n_intervals <= MAX_SUBSET_INTERVALS:
        return ((np.arange(1, 2 ** n_intervals)[:, None] >> np.arange(n_intervals)) & 1
                ).astype(bool).reshape(-1, n_intervals)
    lo, hi = np.triu_indices(n_intervals + 1, k=1)
    idx = np.arange(n_intervals)
    return (idx >= lo[:, None]) & (idx < hi[:, None])


def outcome_family(atoms: np.ndarray, n_intervals: int, labelled: bool) -> np.ndarray:
    """Sets of atoms (rows, 0/1) whose counts must stay protected: every set of score
    intervals of :func:`interval_sets`, crossed with flagged or not (or either) and label 1 or
    0 (or either)."""
    iv, f, y = atoms[:, 0], atoms[:, 1], atoms[:, 2]
    out = []
    ys = ((0,), (1,), (0, 1)) if labelled else ((0,),)
    sets = interval_sets(n_intervals)
    for fs in ((0,), (1,), (0, 1)):
        for yv in ys:
            base = np.isin(f, fs) & np.isin(y, yv)
            w = base[None, :] & sets[:, iv]
            out.append(w[w.any(axis=1)])
    return np.concatenate(out).reshape(-1, len(atoms))


def _rref(n: np.ndarray) -> np.ndarray:
    """Reduced row echelon form of the rows of ``n`` (d, t), full row rank assumed: each row
    has a 1 at its pivot column and every other row a 0 there."""
    r = n.copy()
    d = r.shape[0]
    for i in range(d):
        p = int(np.argmax(np.abs(r[i])))  # earlier pivots are already 0 in this row
        r[i] /= r[i, p]
        others = np.arange(d) != i
        r[others] -= np.outer(r[others, p], r[i])
    return r


def _binary_points(null: np.ndarray, small: np.ndarray, min_cell: float) -> list[np.ndarray]:
    """The 0/1 points of the span of ``null`` (t, d) whose count (``small`` people each) is
    small; the basis itself when the span is too large to enumerate."""
    d = null.shape[1]
    if d > MAX_ENUMERATED:
        return list(null.T)
    r = _rref(null.T)
    choose = ((np.arange(1, 2 ** d)[:, None] >> np.arange(d)) & 1).astype(np.float64)
    pts = choose @ r
    binary = np.all((np.abs(pts) < 1e-6) | (np.abs(pts - 1) < 1e-6), axis=1)
    pts = np.rint(pts[binary])
    value = pts @ small
    return list(pts[mt.small(value, min_cell)])


def derivable_small(x: np.ndarray, outcomes: np.ndarray, basis: np.ndarray,
                    min_cell: float) -> np.ndarray:
    """Rows (vectors over combination × atom) of small counts that ``basis`` (an orthonormal
    basis, columns, of what is published) determines: unions of combinations crossed with
    each set of outcome cells. ``x`` holds people per (combination, atom)."""
    c_n, a_n = x.shape
    b3 = basis.reshape(c_n, a_n, -1)
    wf = outcomes.astype(np.float64)
    per = x @ wf.T  # (C, O) people per combination and outcome set
    # only outcome sets with a small combination, and in them only combinations below the
    # threshold (a small union holds no larger one)
    todo = np.flatnonzero(mt.small(per, min_cell).any(axis=0))
    out: list[np.ndarray] = []
    step = max(1, _CHUNK // max(1, c_n * b3.shape[2]))
    for start in range(0, len(todo), step):
        chunk = todo[start:start + step]
        y = np.tensordot(wf[chunk], b3, axes=([1], [1]))  # (o, C, r): projections
        y *= (per[:, chunk] < min_cell).T[:, :, None]  # others: not in the search
        size = wf[chunk].sum(axis=1)[:, None, None]
        gram = size * np.eye(c_n) - y @ y.transpose(0, 2, 1)  # residuals' Gram matrices
        lam, vec = np.linalg.eigh(gram)
        for k in np.flatnonzero((lam < _TOL * size[:, :, 0]).any(axis=1)):
            o = chunk[k]
            null = vec[k][:, lam[k] < _TOL * size[k, 0, 0]]
            for pt in _binary_points(null, per[:, o], min_cell):
                out.append(np.outer(pt, wf[o]).ravel())
    return np.array(out).reshape(-1, c_n * a_n)
