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
    """``fn`` compiled by numba on its first call (cached on disk where numba finds a writable
    cache folder, else compiled in each process; the GIL released)."""
    jitted: list[Callable[..., Any]] = []

    @wraps(fn)
    def call(*args: Any) -> Any:
        if not jitted:
            import numba

            try:
                jitted.append(numba.njit(cache=True, nogil=True)(fn))
            except RuntimeError:  # no cache folder numba can write (a read-only install)
                jitted.append(numba.njit(nogil=True)(fn))
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


@_compiled
def calls_on(caller: np.ndarray, t: np.ndarray, callee: np.ndarray, out: np.ndarray,
             x_caller: np.ndarray, x_t: np.ndarray, x_callee: np.ndarray,
             off_start: np.ndarray, off_end: np.ndarray) -> tuple[np.ndarray, ...]:
    """The ordinary calls followed by the extra ones (out of town), less those made while the
    caller's phone is off (``off_start <= t < off_end``, ``off_start`` -1: on): caller, callee,
    t and out_of_town, in that order."""
    m, x = caller.size, x_caller.size
    kept = 0
    for i in range(m):
        s = off_start[caller[i]]
        kept += not (s >= 0 and s <= t[i] < off_end[caller[i]])
    for i in range(x):
        s = off_start[x_caller[i]]
        kept += not (s >= 0 and s <= x_t[i] < off_end[x_caller[i]])
    k_caller = np.empty(kept, np.int64)
    k_callee = np.empty(kept, np.int64)
    k_t = np.empty(kept, np.int64)
    k_out = np.empty(kept, np.bool_)
    j = 0
    for i in range(m):
        p = caller[i]
        s = off_start[p]
        if not (s >= 0 and s <= t[i] < off_end[p]):
            k_caller[j], k_callee[j], k_t[j], k_out[j] = p, callee[i], t[i], out[i]
            j += 1
    for i in range(x):
        p = x_caller[i]
        s = off_start[p]
        if not (s >= 0 and s <= x_t[i] < off_end[p]):
            k_caller[j], k_callee[j], k_t[j], k_out[j] = p, x_callee[i], x_t[i], True
            j += 1
    return k_caller, k_callee, k_t, k_out
