"""Innocents per true alert with its interval from the bootstrap nested by city, then person:
the rows it resamples add up to the figures the audit counts, its estimate is the pooled
Σ innocents / Σ true alerts exactly, the interval brackets it, and the summary quotes it like
precision; with no true alert there is no interval."""

from __future__ import annotations

import dataclasses

import pyarrow as pa

from custodiet.audit.sim import StudyInfo, pool_study
from custodiet.audit.sim._rules import innocent_rows, overall_metrics
from custodiet.audit.sim._sections import Twins
from custodiet.report import summary
from custodiet.report._aggregation import pooled
from tests.test_audit_sim_rules import DAY, _con
from tests.test_study_aggregation import CITIES, _figures
from tests.test_study_results import hand_built


def test_the_rows_add_up_to_the_innocents_and_true_alerts_counted() -> None:
    # alert 1 names 2 (guilty); alert 2 names 3 (innocent, status only) and 4 (guilty): a true
    # alert whose lowest named id is the innocent 3; alerts 0 and 3 name 1 and 5, innocent.
    alerts = [(0, "r", DAY, [1], 7, False), (1, "r", DAY, [2], 8, False),
              (2, "r", 2 * DAY, [3, 4], 9, False), (3, "r", 2 * DAY, [5], 9, False),
              (4, "r", 2 * DAY, [2], 8, False)]
    incidents = [(0, "crowded_rental", [1], 0, 7, False),
                 (2, "sham_marriage", [2, 20], 0, 8, False),
                 (3, "crowded_rental", [3], 0, 9, False),
                 (4, "sham_marriage", [4, 21], 0, 9, False)]
    rules = {"r": ["sham_marriage", "crowded_rental"]}
    con = _con(alerts, incidents)
    rows = innocent_rows(con, rules=rules).to_pydict()
    assert rows == {"person": [1, 2, 3, 4, 5], "innocent": [True, False, True, False, True],
                    "true_alerts": [0, 2, 1, 0, 0]}
    o = overall_metrics(con, rules=rules, days=2)
    assert sum(rows["innocent"]) == o["innocents_flagged"] == 3
    assert sum(rows["true_alerts"]) == o["true_alerts"] == 3


def _people(n: int, true: int, innocents: int) -> pa.Table:
    """``n`` people flagged, the first ``innocents`` innocent, one true alert first naming
    each of the next ``true``."""
    return pa.table({"person": list(range(n)), "innocent": [k < innocents for k in range(n)],
                     "true_alerts": [int(innocents <= k < innocents + true) for k in range(n)]})


def _overall(n: int, t: int, i: int, s: int, rule: str | None):  # type: ignore[no-untyped-def]
    f = _figures(n, max(t, 1), i, s, rule)
    return f if t else dataclasses.replace(f, true_alerts=0, precision=0.0,
                                           innocents_per_true_alert=None)


def _study(with_rows: bool = True, cities=CITIES):  # type: ignore[no-untyped-def]
    audits = []
    for seed, (n, t, i, s) in enumerate(cities, start=1):
        base = hand_built()
        audits.append(hand_built(
            seed=seed, overall=_overall(n, t, i, s, None), rules=[_overall(n, t, i, s, "r")],
            wrongdoing_rules=["r"], innocents=_people(n, t, i) if with_rows else None,
            redlist=dataclasses.replace(base.redlist, alerts_suppressed=s),
            twins=Twins(precision_seen=t / n, precision_true=(t + 1) / n,
                        prevented_by_kind=[], precision_by_rule=[])))
    return audits, pool_study(StudyInfo("toy", people=2000, days=5, seeds=[1, 2, 3]), audits,
                              groups={}, runs={})


def test_the_estimate_is_the_pooled_figure_and_the_interval_brackets_it() -> None:
    _, m = _study()
    w = m.wrongdoing
    assert w is not None and w.innocents_per_true_alert == 81 / 14  # Σ innocents / Σ true
    p = pooled(m, "innocents_per_true_alert")
    assert p is not None and p.interval is not None and p.value == 81 / 14
    assert w.innocents_per_true_alert_low < 81 / 14 < w.innocents_per_true_alert_high
    assert m.to_dict()["wrongdoing"]["innocents_per_true_alert_low"] == \
        w.innocents_per_true_alert_low
    said = summary(m)
    low, high = w.innocents_per_true_alert_low, w.innocents_per_true_alert_high
    assert (f"for every true alert, 5.79 (95% interval {low:.2f} to {high:.2f}) innocent "
            "people were flagged over 3 cities together;") in said, said
    assert "no interval is computed" not in said


def test_no_interval_without_true_alerts_or_without_the_rows() -> None:
    _, m = _study(cities=((10, 0, 10, 0), (5, 0, 5, 0), (4, 0, 4, 0)))
    w = m.wrongdoing
    assert w is not None and w.innocents_per_true_alert_low is None
    assert "innocents_per_true_alert_low" not in m.to_dict()["wrongdoing"]
    assert "no alert was true, and 19 innocent people were flagged" in summary(m)
    _, old = _study(with_rows=False)  # a study written before the rows were kept
    assert old.wrongdoing is not None and old.wrongdoing.innocents_per_true_alert_low is None
    assert "(from 14 true alerts; no interval is computed)" in summary(old)
