"""Distinct rows of the learned scorer's feature matrix: its features are few and take few values
(flags and counts), so 50,000 persons' rows fall into a few dozen to a few hundred distinct ones.
The scorer keeps its training rows as distinct rows with counts and scores each distinct row once.

Every function here returns the distinct rows in sorted (lexicographic) order, the order
``np.unique(..., axis=0)`` gives: the learned fit sums its gradient over the rows in that order,
so the order is part of what makes a fit reproducible to the bit."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Distinct:
    """A matrix's distinct rows (sorted) and, for each of its rows, which distinct row it is:
    ``rows[index]`` is the matrix."""

    rows: np.ndarray
    index: np.ndarray
    """int64, one per row of the matrix."""


def distinct(x: np.ndarray, columns: Sequence[tuple[np.ndarray, int]] | None = None
             ) -> Distinct:
    """The distinct rows of ``x`` and each row's place among them: the columns' values packed
    into one integer code a row (mixed radix, first column most significant), ranked without
    sorting where the codes span a range no wider than the rows are many; whole rows sorted
    where the combinations are too many to pack. ``columns``: the columns' :func:`dense_codes`
    where known (a static feature's are found once)."""
    n = x.shape[0]
    if n == 0:
        return Distinct(x[:0], np.zeros(0, np.int64))
    if columns is None:
        columns = [dense_codes(col) for col in x.T]
    codes = _packed_codes(columns, n)
    if codes is None:  # too many combinations to pack: sort whole rows
        rows, index = np.unique(x, axis=0, return_inverse=True)
        return Distinct(rows, index.ravel().astype(np.int64))
    index, size = dense_codes(codes)
    first = np.zeros(size, np.int64)
    first[index] = np.arange(n)  # a row of each code (equal rows: any one will do)
    return Distinct(x[first], index.astype(np.int64))


def _packed_codes(columns: Sequence[tuple[np.ndarray, int]], n: int) -> np.ndarray | None:
    """One int64 a row ordering the rows as their values do, or None when the columns' numbers
    of distinct values multiply past what an int64 holds."""
    codes = np.zeros(n, np.int64)
    radix = 1
    for code, size in columns:
        if radix * size >= 2**62:
            return None
        codes = codes * size + code
        radix *= size
    return codes


def labelled(x: Distinct, keep: np.ndarray, y: np.ndarray
             ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """What :func:`distinct_rows` gives for the rows ``keep`` selects of the matrix ``x`` was
    made from and their labels ``y[keep]``, from the distinct rows already found: each kept
    row's (distinct row, label) pair counted, no sort."""
    pair = x.index[keep] * 2 + y[keep]
    count = np.bincount(pair, minlength=2 * x.rows.shape[0])
    present = np.flatnonzero(count)
    return x.rows[present >> 1], (present & 1).astype(bool), count[present].astype(np.float64)


def distinct_rows(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The distinct rows of ``(x, y)`` (in sorted order: by the row, then the label, False
    first) and how often each occurs, as float64 counts."""
    return labelled(distinct(x), np.ones(x.shape[0], bool), y)


def dense_codes(col: np.ndarray) -> tuple[np.ndarray, int]:
    """Each value's rank among the column's distinct values, and how many there are (what
    ``np.unique(col, return_inverse=True)`` gives): without sorting when the values are whole
    numbers in a range no wider than the column is long (counts, flags), else by sorting."""
    low, high = col.min(), col.max()
    if col.dtype == bool or (np.isfinite(low) and np.isfinite(high)
                             and high - low <= 4 * col.size):
        whole = col.astype(np.int64) - np.int64(low)
        if col.dtype == bool or np.array_equal(whole + np.int64(low), col):
            present = np.bincount(whole, minlength=1) > 0
            rank = np.cumsum(present) - 1
            return rank[whole], int(present.sum())
    values, code = np.unique(col, return_inverse=True)
    return code.ravel(), values.size
