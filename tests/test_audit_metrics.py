"""The group-metrics core against brute-force oracles: rates, undefined values with reasons,
small-cell suppression, disparities, and the cell-level bootstrap against the row bootstrap."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from custodiet.audit import Grouping, cells_from_arrow, group_metrics, resample_counts

LEVELS = ("a", "b", "c")


def table(g, f, y, w=None):
    cols = {"g": pa.array(np.asarray(LEVELS)[g]), "f": pa.array(f, pa.int8()),
            "y": pa.array(y, pa.int8())}
    if w is not None:
        cols["w"] = pa.array(w, pa.float64())
    return pa.table(cols)


def oracle(g, f, y, w, level):
    """Rates for one group computed row by row from their definitions."""
    m = np.asarray(LEVELS)[g] == level
    f, y, w = f[m], y[m], w[m]
    tp, fp = w[(f == 1) & (y == 1)].sum(), w[(f == 1) & (y == 0)].sum()
    fn, tn = w[(f == 0) & (y == 1)].sum(), w[(f == 0) & (y == 0)].sum()
    n = tp + fp + fn + tn

    def div(a, b):
        return a / b if b > 0 else None
    return {"n": n, "flag_rate": div(tp + fp, n), "base_rate": div(tp + fn, n),
            "tpr": div(tp, tp + fn), "fpr": div(fp, fp + tn), "fnr": div(fn, tp + fn),
            "ppv": div(tp, tp + fp)}


@settings(max_examples=60, deadline=None)
@given(st.integers(1, 300).flatmap(lambda n: st.tuples(
    st.lists(st.integers(0, 2), min_size=n, max_size=n),
    st.lists(st.integers(0, 1), min_size=n, max_size=n),
    st.lists(st.integers(0, 1), min_size=n, max_size=n),
    st.lists(st.integers(0, 5), min_size=n, max_size=n))))
def test_rates_match_row_oracle(data):
    g, f, y, w = (np.asarray(x) for x in data)
    if w.sum() == 0:
        w[0] = 1
    cells = cells_from_arrow(table(g, f, y, w), groups=["g"], flag="f", label="y", weight="w")
    res = group_metrics(cells, min_cell=0)
    frame = res.frame("g")
    for i, key in enumerate(frame.keys):
        want = oracle(g, f, y, w.astype(float), key[0])
        assert frame.count(i, "n") == want["n"]
        for m in frame.metrics:
            e = frame.estimate(i, m)
            if want[m] is None:
                assert e.status == "undefined" and e.value is None and e.reason
            else:
                assert e.status == "ok" and e.value == pytest.approx(want[m], rel=1e-12)
    # groups with no people at all (zero weights) are absent, never reported as 0
    present = {LEVELS[k] for k in np.unique(g[w > 0])}
    assert {k[0] for k in frame.keys} == present


def test_no_positives_is_undefined_with_reason_and_ratios_follow():
    # group b has no positives (Aequitas #104: its FNR/TPR disparities must not be numbers)
    g = np.array([0] * 40 + [1] * 40)
    y = np.array([0, 1] * 20 + [0] * 40)
    f = np.array([0, 0, 1, 1] * 10 + [1, 0] * 20)
    res = group_metrics(cells_from_arrow(table(g, f, y), groups=["g"], flag="f", label="y"),
                        reference={"g": "a"}, min_cell=0)
    fr = res.frame("g")
    b = fr.keys.index(("b",))
    for m in ("tpr", "fnr"):
        e = fr.estimate(b, m)
        assert e.status == "undefined" and "no positives" in e.reason
        d = fr.disparity(b, m)
        assert d.value is None and d.status == "undefined" and "no positives" in d.reason
    assert fr.estimate(b, "fpr").value == pytest.approx(0.5)
    assert fr.disparity(b, "fpr").value == pytest.approx(0.5 / 0.5)


def test_reference_zero_makes_ratio_undefined_not_infinite():
    g = np.array([0] * 20 + [1] * 20)
    y = np.array([0] * 20 + [0, 1] * 10)
    f = np.array([0] * 20 + [1, 1, 0, 0] * 5)  # nobody in a flagged
    res = group_metrics(cells_from_arrow(table(g, f, y), groups=["g"], flag="f", label="y"),
                        reference={"g": "a"}, min_cell=0)
    fr = res.frame("g")
    b = fr.keys.index(("b",))
    d = fr.disparity(b, "flag_rate")
    assert d.value is None and "is 0" in d.reason
    assert fr.disparity(b, "flag_rate", kind="difference").value == pytest.approx(0.5)


def test_small_cells_suppressed_everywhere():
    rng = np.random.default_rng(3)
    n = 2000
    g = rng.choice(3, n, p=[0.6, 0.3995, 0.0005])  # c: about 1 person
    y = rng.integers(0, 2, n)
    f = rng.integers(0, 2, n)
    g[:3] = 2  # exactly a few people in c
    g[3:] = np.where(g[3:] == 2, 0, g[3:])
    f[g == 1] = np.where(np.arange((g == 1).sum()) < 4, 1, 0)  # b: 4 flagged
    res = group_metrics(cells_from_arrow(table(g, f, y), groups=["g"], flag="f", label="y"),
                        min_cell=10)
    fr = res.frame("g")
    assert ("c",) not in fr.keys and fr.suppressed_groups == 1
    b = fr.keys.index(("b",))
    assert fr.count(b, "flagged") is None
    for m in ("flag_rate", "ppv", "fpr", "tpr"):
        assert fr.estimate(b, m).status == "suppressed"
    text = str(res.to_dict())
    assert "'c'" not in text
    # the suppressed group's people still count overall
    assert res.overall_frame.count(0, "n") == n


def test_metricframe_style_api():
    g = np.array([0] * 50 + [1] * 50)
    y = np.array([0, 1] * 50)
    f = np.array([1] * 30 + [0] * 20 + [1] * 10 + [0] * 40)
    res = group_metrics(cells_from_arrow(table(g, f, y), groups=["g"], flag="f", label="y"),
                        min_cell=0)
    fr = res.frame("g")
    assert res.overall["flag_rate"].value == pytest.approx(0.4)
    assert res.by_group.column("flag_rate").to_pylist() == pytest.approx([0.6, 0.2])
    assert fr.difference(method="between_groups")["flag_rate"] == pytest.approx(0.4)
    assert fr.ratio(method="between_groups")["flag_rate"] == pytest.approx(0.2 / 0.6)
    # default reference is the largest group; a tie goes to the first in sorted order
    assert fr.reference_key == ("a",)
    assert fr.ratio().column("flag_rate").to_pylist() == pytest.approx([1.0, 1 / 3])
    assert fr.within_band(1, "flag_rate") is False
    with pytest.raises(TypeError):
        group_metrics(res, 1)  # keyword-only


def test_intersections_add_up_to_their_margins():
    rng = np.random.default_rng(5)
    n = 5000
    t = pa.table({"r": rng.choice(["x", "y", "z"], n), "s": rng.choice(["m", "w"], n),
                  "f": rng.integers(0, 2, n).astype(np.int8),
                  "y": rng.integers(0, 2, n).astype(np.int8)})
    cells = cells_from_arrow(t, groups=["r", "s"], flag="f", label="y")
    res = group_metrics(cells, min_cell=0)
    assert list(res.frames) == ["r", "s", "r × s"]
    inter, marg = res.frame("r × s"), res.frame("r")
    for i, (r,) in enumerate(marg.keys):
        tot = sum(inter.count(j, "flagged") for j, k in enumerate(inter.keys) if k[0] == r)
        assert tot == marg.count(i, "flagged")
    explicit = group_metrics(cells, groupings=[Grouping(("s",))], min_cell=0)
    assert list(explicit.frames) == ["s"]


def test_cell_bootstrap_matches_row_bootstrap_in_distribution():
    """Multinomial resampling of cells is the row bootstrap: the spread of the FPR across
    resamples must match both a brute-force row bootstrap and the binomial standard error."""
    rng = np.random.default_rng(11)
    n = 4000
    g = rng.integers(0, 2, n)
    y = (rng.random(n) < 0.4).astype(int)
    f = (rng.random(n) < np.where(y == 1, 0.7, 0.3)).astype(int)
    b = 400
    cells = cells_from_arrow(table(g, f, y), groups=["g"], flag="f", label="y")
    res = group_metrics(cells, bootstrap=b, seed=1, min_cell=0)
    fr = res.frame("g")
    j = fr.metrics.index("fpr")
    sd_cells = fr.samples[:, 0, j].std(ddof=1)
    # brute force: resample rows
    idx = rng.integers(0, n, size=(b, n))
    gs, fs, ys = g[idx], f[idx], y[idx]
    neg = (gs == 0) & (ys == 0)
    fpr_rows = ((fs == 1) & neg).sum(axis=1) / neg.sum(axis=1)
    sd_rows = fpr_rows.std(ddof=1)
    p = fr.values[0, j]
    negatives = fr.count(0, "negatives")
    se = np.sqrt(p * (1 - p) / negatives)
    # an SD estimated from B draws has relative standard error about 1/sqrt(2(B-1)); allow 4 of
    # them per estimate (the ratio of two independent estimates: sqrt(2) times that)
    tol = 4 * np.sqrt(2) / np.sqrt(2 * (b - 1))
    assert abs(sd_cells / se - 1) < tol
    assert abs(sd_cells / sd_rows - 1) < tol
    # mean of the replicates is the estimate, within 4 Monte Carlo standard errors
    assert abs(fr.samples[:, 0, j].mean() - p) < 4 * se / np.sqrt(b)
    lo, hi = fr.low[0, j], fr.high[0, j]
    assert lo < p < hi


def test_bootstrap_is_seeded_and_keeps_totals():
    c = np.array([5.0, 10.0, 0.0, 85.0])
    a = resample_counts(c, resamples=50, seed=7)
    assert np.array_equal(a, resample_counts(c, resamples=50, seed=7))
    assert not np.array_equal(a, resample_counts(c, resamples=50, seed=8))
    assert np.all(a.sum(axis=1) == 100) and np.all(a[:, 2] == 0)
    frac = resample_counts(np.array([0.5, 1.5, 2.25]), resamples=10, seed=0)
    assert np.allclose(frac.sum(axis=1), 4.25)


def test_unlabelled_table_reports_flag_rates_only():
    t = pa.table({"g": ["a"] * 30 + ["b"] * 30, "f": [1, 0, 0] * 20})
    res = group_metrics(cells_from_arrow(t, groups=["g"], flag="f"), min_cell=0)
    assert res.frame("g").metrics == ("flag_rate",)
    assert res.overall["flag_rate"].value == pytest.approx(1 / 3)


def test_flag_must_be_binary():
    from custodiet.errors import UserError

    t = pa.table({"g": ["a", "b"], "f": [1, 2]})
    with pytest.raises(UserError, match="0 or 1"):
        cells_from_arrow(t, groups=["g"], flag="f")


@settings(max_examples=40, deadline=None)
@given(st.integers(1, 400).flatmap(lambda n: st.tuples(
    st.lists(st.integers(0, 2), min_size=n, max_size=n),
    st.lists(st.integers(0, 1), min_size=n, max_size=n),
    st.lists(st.integers(0, 1), min_size=n, max_size=n))), st.integers(0, 25))
def test_no_reported_value_reveals_a_small_count(data, min_cell):
    """Whatever the table: no listed group is small, no shown count is small, and every shown
    rate is built from counts that are each zero or at least min_cell."""
    g, f, y = (np.asarray(x) for x in data)
    res = group_metrics(cells_from_arrow(table(g, f, y), groups=["g"], flag="f", label="y"),
                        min_cell=min_cell)
    fr = res.frame("g")
    small = lambda c: 0 < c < min_cell  # noqa: E731
    for i, (level,) in enumerate(fr.keys):
        m = np.asarray(LEVELS)[g] == level
        assert not small(m.sum())
        tp = int((m & (f == 1) & (y == 1)).sum())
        fp = int((m & (f == 1) & (y == 0)).sum())
        fn = int((m & (f == 0) & (y == 1)).sum())
        tn = int((m & (f == 0) & (y == 0)).sum())
        for name in ("flagged", "positives", "negatives", "tp", "fp", "fn", "tn"):
            v = fr.count(i, name)
            assert v is None or not small(v)
        built = {"fpr": (fp, tn), "tpr": (tp, fn), "fnr": (tp, fn), "ppv": (tp, fp),
                 "flag_rate": (tp + fp, fn + tn), "base_rate": (tp + fn, fp + tn)}
        for metric, parts in built.items():
            if fr.estimate(i, metric).status == "ok":
                assert not any(small(c) for c in parts)
    assert fr.suppressed_groups == sum(
        small((g == k).sum()) for k in range(3))


@settings(max_examples=25, deadline=None)
@given(st.integers(1, 300).flatmap(lambda n: st.tuples(
    st.lists(st.integers(0, 2), min_size=n, max_size=n),
    st.lists(st.integers(1, 6), min_size=n, max_size=n),
    st.lists(st.integers(0, 1), min_size=n, max_size=n))))
def test_sweep_equals_core_at_every_threshold(data):
    """The sweep's cumulative sums give, at each threshold, what group_metrics gives for the
    flag score >= threshold: one metric implementation, two routes."""
    import duckdb

    from custodiet.audit import threshold_sweep

    g, s, y = (np.asarray(x) for x in data)
    t = pa.table({"g": pa.array(np.asarray(LEVELS)[g]), "s": s, "y": y})
    con = duckdb.connect()
    sw = threshold_sweep(con.from_arrow(t), score="s", groupings=[Grouping(("g",))],
                         groups=("g",), label="y", min_cell=0)
    frame = sw.frames["g"]
    for k, thr in enumerate(sw.thresholds):
        flagged = t.append_column("f", pa.array((s >= thr).astype(np.int8)))
        core = group_metrics(cells_from_arrow(flagged, groups=["g"], flag="f", label="y"),
                             min_cell=0).frame("g")
        assert core.keys == frame.keys
        for j, m in enumerate(frame.metrics):
            for gi in range(len(frame.keys)):
                e = core.estimate(gi, m)
                v = frame.values[gi, k, j]
                assert (e.value is None and np.isnan(v)) or e.value == pytest.approx(v)


def test_bootstrap_independent_of_row_order_and_threads():
    """Cells are sorted before resampling: shuffled rows and several threads give the same
    intervals for the same seed."""
    import duckdb

    rng = np.random.default_rng(2)
    n = 200_000
    t = table(rng.integers(0, 3, n), rng.integers(0, 2, n), rng.integers(0, 2, n))
    results = []
    for threads, perm in ((1, np.arange(n)), (4, rng.permutation(n))):
        con = duckdb.connect()
        con.execute(f"SET threads = {threads}")
        from custodiet.audit import cells_from_relation

        cells = cells_from_relation(con.from_arrow(t.take(perm)), groups=["g"], flag="f",
                                    label="y")
        res = group_metrics(cells, bootstrap=50, seed=3)
        results.append(res.to_dict())
    assert results[0] == results[1]


def test_a_termination_request_ends_a_long_bootstrap(monkeypatch):
    """--bootstrap 100000000 ignored SIGTERM inside one multinomial call; the draws now come in
    chunks, with a check for a termination request between them, and equal one call's."""
    import pytest

    from custodiet import _interrupt
    from custodiet.audit import _bootstrap

    count = np.array([3.0, 50.0, 7.0, 0.0, 120.0])
    monkeypatch.setattr(_bootstrap, "_CHUNK", 10)
    chunked = _bootstrap.resample_counts(count, resamples=37, seed=4)
    one = np.random.default_rng(np.random.SeedSequence(4)).multinomial(180, count / 180, 37)
    np.testing.assert_array_equal(chunked, one)
    monkeypatch.setattr(_interrupt, "_requested", True)
    with pytest.raises(_interrupt.Terminated):
        _bootstrap.resample_counts(count, resamples=37, seed=4)
