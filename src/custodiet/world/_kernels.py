"""The world's few sequential kernels, compiled with numba (as Covasim compiles its own).

Each is a single pass over the population or an edge list whose numpy form needs a sort or
several whole-array temporaries; each returns exactly what the numpy form it replaces returned
(the tests compare them with plain references). numba is imported, and a kernel compiled (or
loaded from numba's on-disk cache), on a kernel's first call, so importing the world stays cheap.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

import numpy as np


def _compiled(fn: Callable[..., Any]) -> Callable[..., Any]:
    """``fn`` compiled by numba on its first call (cached on disk; the GIL released)."""
    jitted: list[Callable[..., Any]] = []

    @wraps(fn)
    def call(*args: Any) -> Any:
        if not jitted:
            import numba

            jitted.append(numba.njit(cache=True, nogil=True)(fn))
        return jitted[0](*args)

    return call


@_compiled
def csr_fill(lo: np.ndarray, hi: np.ndarray, indptr: np.ndarray, out: np.ndarray) -> None:
    """Fill ``out`` with each person's neighbours, edge (lo, hi) listed under both ends.

    A counting sort: the order of a stable sort of ``lo ++ hi`` (each person's neighbours in
    edge-list order, the ``lo`` side's first), given the row starts ``indptr``."""
    fill = indptr[:-1].copy()
    for i in range(lo.size):
        s = lo[i]
        out[fill[s]] = hi[i]
        fill[s] += 1
    for i in range(hi.size):
        s = hi[i]
        out[fill[s]] = lo[i]
        fill[s] += 1


@_compiled
def neighbour_of(indptr: np.ndarray, neighbours: np.ndarray, persons: np.ndarray,
                 u: np.ndarray) -> np.ndarray:
    """One tie of each person drawn with their uniform (-1 for none): the tie at
    ``indptr[p] + floor(u * degree)`` (the last neighbour at most)."""
    got = np.empty(persons.size, np.int64)
    last = max(neighbours.size - 1, 0)
    for i in range(persons.size):
        p = persons[i]
        start = indptr[p]
        deg = indptr[p + 1] - start
        if deg == 0:
            got[i] = -1
        else:
            got[i] = neighbours[min(start + np.int64(np.floor(u[i] * deg)), last)]
    return got


@_compiled
def closed_stays(open_place: np.ndarray, open_start: np.ndarray, place: np.ndarray,
                 start: np.ndarray, t0: int) -> tuple[np.ndarray, ...]:
    """Each person's open stay and used slots (``place`` >= 0, starts ``start + t0``) merged
    where consecutive ones share a place; all but the last closed (rows in person order).

    Returns person, place, start, end of the closed stays and each person's new open place
    and start. Every person must have an open stay."""
    n, k = place.shape
    total = 0
    for r in range(n):  # count the closed stays first: the outputs are allocated once
        prev = open_place[r]
        if prev < 0:
            raise ValueError("a person without an open stay")
        for c in range(k):
            p = place[r, c]
            if p >= 0 and p != prev:
                total += 1
                prev = p
    person = np.empty(total, np.int64)
    where = np.empty(total, np.int64)
    begin = np.empty(total, np.int64)
    end = np.empty(total, np.int64)
    new_place = np.empty(n, np.int64)
    new_start = np.empty(n, np.int64)
    j = 0
    for r in range(n):
        prev, since = open_place[r], open_start[r]
        for c in range(k):
            p = place[r, c]
            if p >= 0 and p != prev:
                t = start[r, c] + t0
                person[j], where[j], begin[j], end[j] = r, prev, since, t
                j += 1
                prev, since = p, t
        new_place[r], new_start[r] = prev, since
    return person, where, begin, end, new_place, new_start
