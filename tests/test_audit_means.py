"""Per-person means in the group-metrics core (police contacts, days on a list): hand-worked
values, suppression and undefined groups, bootstrap intervals, and the study's group metrics
against fairlearn's MetricFrame."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pytest

from custodiet.audit import cells_from_arrow, group_metrics


def _table() -> pa.Table:
    # group a: 12 people, contacts 0 ×8, 1 ×2, 3 ×2 -> mean 8/12; 2 of them flagged.
    # group b: 20 people, contacts 0 ×10, 2 ×10 -> mean 1.0; 10 flagged.
    g = ["a"] * 12 + ["b"] * 20
    c = [0] * 8 + [1, 1, 3, 3] + [0] * 10 + [2] * 10
    f = [0] * 10 + [1, 1] + [0] * 10 + [1] * 10
    y = [0] * 32
    return pa.table({"g": g, "f": f, "y": y, "contacts": c})


def test_means_by_hand() -> None:
    res = group_metrics(cells_from_arrow(_table(), groups=["g"], flag="f", label="y",
                                         values=["contacts"]), min_cell=0)
    frame = res.frame("g")
    a, b = frame.keys.index(("a",)), frame.keys.index(("b",))
    assert frame.estimate(a, "contacts").value == pytest.approx(8 / 12)
    assert frame.estimate(b, "contacts").value == pytest.approx(1.0)
    assert res.overall["contacts"].value == pytest.approx(28 / 32)
    # reference: the largest group (b)
    assert frame.reference == b
    assert frame.disparity(a, "contacts").value == pytest.approx(8 / 12)
    assert frame.disparity(a, "contacts", kind="difference").value == pytest.approx(-1 / 3)
    assert "contacts" in frame.by_group.column_names


def test_means_suppressed_on_small_counts() -> None:
    # group a has 4 people with a contact (fewer than 10): the mean would disclose them.
    res = group_metrics(cells_from_arrow(_table(), groups=["g"], flag="f", label="y",
                                         values=["contacts"]), min_cell=10)
    frame = res.frame("g")
    e = frame.estimate(frame.keys.index(("a",)), "contacts")
    assert e.status == "suppressed" and e.value is None
    assert frame.estimate(frame.keys.index(("b",)), "contacts").value == pytest.approx(1.0)


def test_mean_of_a_group_with_no_contacts_is_zero_not_undefined() -> None:
    t = pa.table({"g": ["a"] * 3 + ["b"] * 3, "f": [0] * 6, "contacts": [0, 0, 0, 1, 2, 3]})
    res = group_metrics(cells_from_arrow(t, groups=["g"], flag="f", values=["contacts"]),
                        min_cell=0)
    frame = res.frame("g")
    assert frame.estimate(frame.keys.index(("a",)), "contacts").value == 0.0
    # Equal sizes: the reference is the first in sorted order, a, whose mean is 0, so b's
    # ratio to it divides by 0 and is undefined, with the reason (never inf or a crash).
    assert frame.reference == frame.keys.index(("a",))
    d = frame.disparity(frame.keys.index(("b",)), "contacts")
    assert d.status == "undefined" and d.value is None and "is 0" in d.reason
    assert frame.disparity(frame.keys.index(("b",)), "contacts",
                           kind="difference").value == pytest.approx(2.0)


def test_bootstrap_interval_contains_the_mean() -> None:
    rng = np.random.default_rng(4)
    n = 4000
    g = rng.choice(["a", "b"], n)
    c = rng.poisson(np.where(g == "a", 0.5, 1.5))
    t = pa.table({"g": g, "f": np.zeros(n, int), "contacts": c})
    res = group_metrics(cells_from_arrow(t, groups=["g"], flag="f", values=["contacts"]),
                        bootstrap=300, seed=2)
    frame = res.frame("g")
    for key, lam in (("a", 0.5), ("b", 1.5)):
        e = frame.estimate(frame.keys.index((key,)), "contacts")
        # the interval's width is about 2 × 1.96 × sqrt(λ / n_group)
        se = np.sqrt(lam / (n / 2))
        assert e.low < e.value < e.high
        assert e.high - e.low == pytest.approx(2 * 1.96 * se, rel=0.25)


def test_study_groups_match_fairlearn(study) -> None:
    fairlearn = pytest.importorskip("fairlearn.metrics")
    sk = pytest.importorskip("sklearn.metrics")
    from custodiet.study._study import people_table

    people = people_table({s: {"watch": study.run_path("watch", s)} for s in study.seeds},
                          study.scenario)
    from custodiet.audit.sim._summary import pooled_group_metrics

    ours = pooled_group_metrics([people], groups=["ethnicity", "ses"], bootstrap=0, seed=0,
                                min_cell=0)
    df = people.select(["ethnicity", "ses", "flagged", "label", "contacts",
                        "list_days"]).to_pandas()
    y, f = df["label"].astype(int), df["flagged"].astype(int)
    for col in ("ethnicity", "ses"):
        mf = fairlearn.MetricFrame(
            metrics={"flag_rate": fairlearn.selection_rate,
                     "tpr": fairlearn.true_positive_rate,
                     "fpr": fairlearn.false_positive_rate,
                     "ppv": lambda t, p: sk.precision_score(t, p, zero_division=np.nan)},
            y_true=y, y_pred=f, sensitive_features=df[col])
        means = fairlearn.MetricFrame(
            metrics={"contacts": lambda t, p: float(np.mean(p))},
            y_true=y, y_pred=df["contacts"], sensitive_features=df[col])
        days = fairlearn.MetricFrame(
            metrics={"list_days": lambda t, p: float(np.mean(p))},
            y_true=y, y_pred=df["list_days"], sensitive_features=df[col])
        frame = ours.frame(col)
        for key in mf.by_group.index:
            g = frame.keys.index((str(key),))
            in_group = (df[col] == key).to_numpy()
            # fairlearn returns 0 for a rate whose denominator is empty; ours is undefined.
            empty = {"tpr": (y[in_group] == 1).sum() == 0, "fpr": (y[in_group] == 0).sum() == 0}
            for m in ("flag_rate", "tpr", "fpr", "ppv"):
                want = mf.by_group.loc[key, m]
                got = frame.estimate(g, m).value
                if np.isnan(want) or empty.get(m, False):
                    assert got is None
                else:
                    assert got == pytest.approx(want)
            assert frame.estimate(g, "contacts").value == pytest.approx(
                means.by_group.loc[key, "contacts"])
            assert frame.estimate(g, "list_days").value == pytest.approx(
                days.by_group.loc[key, "list_days"])


def test_summarise_across_seeds() -> None:
    from custodiet.audit.sim._summary import summarise

    s = summarise([1.0, 3.0, None])
    # mean 2, sd √2, t(0.975, 1) = 12.706: 2 ± 12.706 · √2 / √2, cut at 0
    assert s["mean"] == 2.0 and s["n"] == 2 and s["undefined_seeds"] == 1
    assert s["low"] == 0.0 and s["high"] == pytest.approx(2 + 12.706)
    neg = summarise([-1.0, 1.0, 3.0])
    assert neg["low"] == pytest.approx(1 - 4.303 * 2 / np.sqrt(3))
    assert summarise([None])["mean"] is None
    assert summarise([5.0])["low"] is None
