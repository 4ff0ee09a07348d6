"""The world's compiled kernels return exactly what the numpy forms they replace returned."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from custodiet.world._crn import neighbour
from custodiet.world._kernels import calls_on
from custodiet.world._state import Phones
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


@settings(max_examples=60, deadline=None)
@given(n=st.integers(1, 40), m=st.integers(0, 300), x=st.integers(0, 50),
       seed=st.integers(0, 2**32 - 1))
def test_calls_on_equals_concatenating_and_dropping_calls_while_off(n: int, m: int, x: int,
                                                                    seed: int) -> None:
    rng = np.random.default_rng(seed)
    phones = Phones.on(n)
    off = rng.random(n) < 0.4
    phones.start[off] = rng.integers(0, 100, off.sum())
    phones.end[off] = phones.start[off] + rng.integers(1, 60, off.sum())
    caller, t = np.sort(rng.integers(0, n, m)), rng.integers(0, 160, m)
    callee, out = rng.integers(0, 1 << 40, m), rng.random(m) < 0.3
    x_caller, x_t, x_callee = rng.integers(0, n, x), rng.integers(0, 160, x), rng.integers(0, 99, x)
    got = calls_on(caller, t, callee, out, x_caller, x_t, x_callee, phones.start, phones.end)

    all_caller, all_t = np.concatenate([caller, x_caller]), np.concatenate([t, x_t])
    on = ~phones.is_off(all_caller, all_t)
    want = (all_caller[on], np.concatenate([callee, x_callee])[on], all_t[on],
            np.concatenate([out, np.ones(x, bool)])[on])
    for g, w in zip(got, want, strict=True):
        assert g.dtype == w.dtype
        assert np.array_equal(g, w)


def test_a_kernel_is_compiled_without_a_cache_folder(monkeypatch) -> None:
    import numba

    from custodiet.world import _kernels

    real = numba.njit

    def njit(*args, cache=False, **kwargs):  # numba finds no folder it can write
        if cache:
            raise RuntimeError("cannot cache function: no locator available")
        return real(*args, **kwargs)

    monkeypatch.setattr(numba, "njit", njit)
    uncached = _kernels._compiled(_kernels.neighbour_of.__wrapped__)
    indptr, nbrs = np.array([0, 2, 2, 3]), np.array([1, 2, 0], np.int32)
    got = uncached(indptr, nbrs, np.array([0, 1, 2]), np.array([0.6, 0.5, 0.1]))
    assert got.tolist() == [2, -1, 0]
