"""The world's compiled kernels return exactly what the numpy forms they replace returned."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from custodiet.world._crn import neighbour
from custodiet.world._ties import _csr


def _plain_neighbour(indptr: np.ndarray, neighbours: np.ndarray, persons: np.ndarray,
                     u: np.ndarray) -> np.ndarray:
    start = indptr[persons]
    deg = indptr[persons + 1] - start
    at = np.minimum(start + np.floor(u * deg).astype(np.int64), max(neighbours.size - 1, 0))
    got = neighbours[at].astype(np.int64)
    got[deg == 0] = -1
    return got


@settings(max_examples=60, deadline=None)
@given(n=st.integers(1, 60), m=st.integers(1, 300), k=st.integers(0, 200),
       seed=st.integers(0, 2**32 - 1))
def test_neighbour_equals_the_plain_draw(n: int, m: int, k: int, seed: int) -> None:
    rng = np.random.default_rng(seed)
    a, b = rng.integers(0, n, m), rng.integers(0, n, m)
    indptr, nbrs = _csr(np.minimum(a, b), np.maximum(a, b), n + 3)  # 3 persons without ties
    persons = rng.integers(0, n + 3, k)
    u = rng.random(k)
    u[: k // 10] = np.nextafter(1.0, 0.0)  # the largest uniform: the last neighbour at most
    got = neighbour(indptr, nbrs, persons, u)
    assert got.dtype == np.int64
    assert np.array_equal(got, _plain_neighbour(indptr, nbrs, persons, u))
    assert ((got == -1) == (indptr[persons + 1] == indptr[persons])).all()
