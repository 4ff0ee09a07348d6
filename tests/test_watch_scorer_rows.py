"""The learned scorer's training rows kept as distinct rows with counts: the rows and counts match
a brute-force count, and the weighted fit on them is the fit on every row."""

from __future__ import annotations

from collections import Counter

import numpy as np
import pytest

from custodiet.watch import _rows
from custodiet.watch._rows import dense_codes, distinct, distinct_rows, labelled


def _brute_force(x: np.ndarray, y: np.ndarray) -> Counter:
    """How often each (row, label) occurs, row by row."""
    return Counter((tuple(row), bool(label)) for row, label in zip(x.tolist(), y.tolist(),
                                                                  strict=True))


def _check(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    rows, labels, count = distinct_rows(x, y)
    got = Counter({(tuple(r), bool(lab)): c for r, lab, c in zip(
        rows.tolist(), labels.tolist(), count.tolist(), strict=True)})
    # Each distinct row once (a repeat would collapse in the Counter) with every row's count.
    assert len(got) == rows.shape[0]
    assert got == _brute_force(x, y)
    assert rows.dtype == x.dtype and labels.dtype == np.bool_ and count.dtype == np.float64
    assert count.sum() == x.shape[0]
    # In the order the fit sums them: whole rows sorted, then the label (False first).
    whole, whole_count = np.unique(np.column_stack([x.astype(np.float64), y]), axis=0,
                                   return_counts=True)
    assert np.array_equal(rows, whole[:, :-1]) and np.array_equal(labels, whole[:, -1] > 0)
    assert np.array_equal(count, whole_count)
    return rows, labels, count


def test_distinct_rows_count_each_row_once() -> None:
    x = np.array([[1, 0], [0, 2], [1, 0], [1, 0], [0, 2]], np.float32)
    y = np.array([True, False, True, False, False])
    rows, labels, count = _check(x, y)
    got = sorted(zip(map(tuple, rows.tolist()), labels.tolist(), count.tolist(), strict=True))
    assert got == [((0.0, 2.0), False, 2.0), ((1.0, 0.0), False, 1.0),
                   ((1.0, 0.0), True, 2.0)]


def test_distinct_rows_match_a_brute_force_count_of_random_rows() -> None:
    rng = np.random.default_rng(5)
    n = 4000
    x = np.column_stack([rng.random(n) < 0.3, rng.poisson(1.5, n), rng.integers(0, 4, n),
                         rng.random(n) < 0.05]).astype(np.float32)
    y = rng.random(n) < 0.1
    rows, _, _ = _check(x, y)
    assert rows.shape[0] < 200


def test_distinct_rows_of_many_valued_columns_sort_whole_rows(monkeypatch) -> None:
    """Six columns of 1,500 values each make more combinations (1.1e19) than an int64 code
    packs: the fallback sorts whole rows, and still counts every row (repeats included)."""
    calls = []
    packed = _rows._packed_codes

    def spy(columns: list, n: int) -> np.ndarray | None:
        calls.append(packed(columns, n) is None)
        return packed(columns, n)

    monkeypatch.setattr(_rows, "_packed_codes", spy)
    rng = np.random.default_rng(6)
    n = 3000
    x = rng.random((n, 6)).astype(np.float32)
    x[n // 2:] = x[:n // 2]  # every row twice, some with a different label
    y = rng.random(n) < 0.5
    _check(x, y)
    assert calls == [True]


def test_the_sorted_fallback_agrees_with_the_packed_codes(monkeypatch) -> None:
    rng = np.random.default_rng(7)
    n = 2000
    x = np.column_stack([rng.integers(0, 3, n), rng.poisson(0.7, n)]).astype(np.float32)
    y = rng.random(n) < 0.2
    packed = distinct(x)
    by_codes = distinct_rows(x, y)
    monkeypatch.setattr(_rows, "_packed_codes", lambda columns, n: None)
    by_sort = distinct(x)
    assert np.array_equal(packed.rows, by_sort.rows) and packed.rows.dtype == x.dtype
    assert np.array_equal(packed.index, by_sort.index) and by_sort.index.dtype == np.int64
    for a, b in zip(by_codes, distinct_rows(x, y), strict=True):
        assert a.dtype == b.dtype and np.array_equal(a, b)


def test_distinct_rows_are_sorted_and_index_every_row() -> None:
    """``rows[index]`` gives the matrix back, each distinct row once, in lexicographic order
    (the order the fit sums its rows in), whether the columns' codes are given or found."""
    rng = np.random.default_rng(8)
    n = 5000
    x = np.column_stack([rng.poisson(2.0, n), rng.random(n) < 0.3,
                         rng.integers(-3, 3, n)]).astype(np.float32)
    given = distinct(x, [dense_codes(col) for col in x.T])
    for found in (distinct(x), given):
        assert np.array_equal(found.rows[found.index], x)
        assert np.array_equal(found.rows, np.unique(x, axis=0))


def test_labelled_rows_of_a_sample_are_the_distinct_rows_of_the_sample() -> None:
    """The training rows kept from the day's distinct rows (:func:`labelled`) are, to the bit
    and in the same order, the distinct rows of the kept rows found afresh."""
    rng = np.random.default_rng(9)
    n = 6000
    x = np.column_stack([rng.poisson(0.5, n), rng.random(n) < 0.1,
                         rng.poisson(3.0, n)]).astype(np.float32)
    y = rng.random(n) < 0.05
    keep = y | (rng.random(n) < 0.3)
    got = labelled(distinct(x), keep, y)
    expected = distinct_rows(x[keep], y[keep])
    assert not np.array_equal(got[2], distinct_rows(x, y)[2])  # the sample is not everything
    for a, b in zip(got, expected, strict=True):
        assert a.dtype == b.dtype and np.array_equal(a, b)


def test_distinct_rows_of_no_rows() -> None:
    x = np.zeros((0, 3), np.float32)
    rows, labels, count = distinct_rows(x, np.zeros(0, bool))
    assert rows.shape == (0, 3) and rows.dtype == np.float32
    assert labels.shape == (0,) and count.shape == (0,) and count.dtype == np.float64


def test_the_fit_on_distinct_rows_is_the_fit_on_every_row() -> None:
    """Counts as weights give the objective of the rows repeated: the coefficients of a fit on
    every row (float64, as the scorer fits) and on the distinct rows agree to lbfgs's
    precision, far below what moves a level."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    rng = np.random.default_rng(3)
    n = 20_000
    x = np.column_stack([rng.random(n) < 0.2, rng.poisson(1.0, n)]).astype(np.float32)
    y = rng.random(n) < np.where(x[:, 0] > 0, 0.2, 0.02) * (1 + x[:, 1]) / 2
    w = np.where(y, 1.0, 2.0)  # sampled negatives weighed back, as the scorer does
    every = make_pipeline(StandardScaler(), LogisticRegression(max_iter=1000))
    every.fit(x.astype(np.float64), y, logisticregression__sample_weight=w)
    rows, labels, count = distinct_rows(x, y)
    assert rows.shape[0] < 50
    once = make_pipeline(StandardScaler(), LogisticRegression(max_iter=1000))
    once.fit(rows.astype(np.float64), labels, standardscaler__sample_weight=count,
             logisticregression__sample_weight=count * np.where(labels, 1.0, 2.0))
    assert np.allclose(once[0].mean_, every[0].mean_, rtol=1e-12)
    assert np.allclose(once[0].scale_, every[0].scale_, rtol=1e-9)
    assert np.allclose(once[-1].coef_, every[-1].coef_, atol=1e-6)
    assert np.allclose(once[-1].intercept_, every[-1].intercept_, atol=1e-6)
    assert np.allclose(once.predict_proba(x)[:, 1], every.predict_proba(x)[:, 1], rtol=1e-5)


@pytest.mark.parametrize("column", [
    np.array([3, 0, 3, 7, 0, 2], np.float32),             # counts
    np.array([-2, 5, -2, 1], np.float64),                  # whole, negative
    np.array([True, False, True]),                         # flags
    np.array([0.5, 0.25, 0.5, 3.0], np.float32),           # fractions: sorted path
    np.array([0.0, 1e9, 5.0], np.float64),                 # a range far wider than the column
    np.array([4.0], np.float32),
])
def test_dense_codes_are_what_unique_gives(column: np.ndarray) -> None:
    code, size = dense_codes(column)
    values, expected = np.unique(column, return_inverse=True)
    assert size == values.size
    assert np.array_equal(code, expected.ravel())
