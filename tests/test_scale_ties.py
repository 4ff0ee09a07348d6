"""The adjacency filled by a counting sort equals the plain construction it replaces
(concatenate both directions, stable-sort on the source, take the destinations), for int32 and
int64 ids."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from custodiet.world import _ties


def _plain_csr(lo: np.ndarray, hi: np.ndarray, n: int, wide: bool
               ) -> tuple[np.ndarray, np.ndarray]:
    src = np.concatenate([lo, hi])
    dst = np.concatenate([hi, lo])
    # stable: each person's neighbours in edge-list order, the same on every CPU
    order = np.argsort(src if wide else src.astype(np.int32), kind="stable")
    indptr = np.zeros(n + 1, np.int64)
    np.cumsum(np.bincount(src, minlength=n), out=indptr[1:])
    return indptr, dst[order]


@settings(max_examples=40, deadline=None)
@given(n=st.integers(1, 300), m=st.integers(0, 2000), seed=st.integers(0, 2**32 - 1),
       wide=st.booleans())
def test_csr_equals_the_plain_construction(n, m, seed, wide) -> None:
    rng = np.random.default_rng(seed)
    a, b = rng.integers(0, n, m), rng.integers(0, n, m)
    lo, hi = np.minimum(a, b), np.maximum(a, b)
    old = _ties._INT32_IDS
    _ties._INT32_IDS = 0 if wide else 2**31  # wide: the int64 path
    try:
        indptr, nbrs = _ties._csr(lo, hi, n)
    finally:
        _ties._INT32_IDS = old
    assert nbrs.dtype == (np.int64 if wide else np.int32)
    want_indptr, want = _plain_csr(lo, hi, n, wide)
    assert np.array_equal(indptr, want_indptr)
    assert np.array_equal(nbrs.astype(np.int64), want)
    # every person's row lists exactly their ties (as a multiset)
    for p in rng.integers(0, n, 5):
        row = np.sort(nbrs[indptr[p]:indptr[p + 1]])
        expect = np.sort(np.concatenate([hi[lo == p], lo[hi == p]]))
        assert np.array_equal(row, expect)


def test_random_neighbour_returns_int64_ids_and_minus_one_without_ties() -> None:
    lo, hi = np.array([0, 0, 1]), np.array([1, 2, 2])
    indptr, nbrs = _ties._csr(lo, hi, 4)
    ties = _ties.Ties(a=lo, b=hi, kind=np.zeros(3, np.int8), indptr=indptr, neighbours=nbrs,
                      friend_indptr=indptr, friends=nbrs, spouse=np.full(4, -1),
                      apart=np.empty((0, 2), np.int64), sham=np.empty(0, bool))
    got = ties.random_neighbour(np.random.default_rng(0), np.array([0, 1, 2, 3]))
    assert got.dtype == np.int64
    assert got[3] == -1
    for p, q in zip(range(3), got[:3], strict=True):
        assert q in ({0, 1, 2} - {p})


