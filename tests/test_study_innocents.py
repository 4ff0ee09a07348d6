"""Innocents per true alert with its interval from the bootstrap nested by city, then person:
the rows it resamples add up to the figures the audit counts, its estimate is the pooled
Σ innocents / Σ true alerts exactly, the interval brackets it, and the summary quotes it like
precision; with no true alert there is no interval."""

from __future__ import annotations

import dataclasses

import pyarrow as pa

from custodiet.audit.sim import StudyInfo, pool_study
from custodiet.audit.sim._innocent_rows import innocent_rows, rule_innocent_rows
from custodiet.audit.sim._rules import overall_metrics, rule_metrics
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
                    "true_alerts": [0, 2, 1, 0, 0], "innocent_days": [1, 0, 1, 0, 1]}
    o = overall_metrics(con, rules=rules, days=2)
    assert sum(rows["innocent"]) == o["innocents_flagged"] == 3
    assert sum(rows["true_alerts"]) == o["true_alerts"] == 3
    assert sum(rows["innocent_days"]) / 2 == o["innocents_per_day"] == 1.5


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


def test_rows_per_rule_add_up_to_each_rules_figures_and_to_the_overall_rows() -> None:
    """Two rules flag person 2: guilty for ``a`` (a sham marriage it claims), innocent for
    ``b`` (which claims a drug deal): innocent in ``b``'s rows, not in the pair's."""
    alerts = [(0, "a", DAY, [1], 7, False), (1, "a", DAY, [2], 8, False),
              (2, "b", 2 * DAY, [2, 3], 9, False), (3, "b", 2 * DAY, [3], 9, False)]
    incidents = [(2, "sham_marriage", [2, 20], 0, 8, False),
                 (5, "drug_deal", [3], 2 * DAY, 9, False)]
    rules = {"a": ["sham_marriage"], "b": ["drug_deal"]}
    con = _con(alerts, incidents)
    rows = rule_innocent_rows(con, rules=rules).to_pydict()
    assert rows == {"rule": ["a", "a", "b", "b"], "person": [1, 2, 2, 3],
                    "innocent": [True, False, True, False], "true_alerts": [0, 1, 1, 1]}
    per_rule = {r["rule"]: r for r in rule_metrics(con, rules=rules, days=2).to_pylist()}
    for rule in rules:
        mine = [k for k, r in enumerate(rows["rule"]) if r == rule]
        assert sum(rows["innocent"][k] for k in mine) == per_rule[rule]["innocents_flagged"]
        assert sum(rows["true_alerts"][k] for k in mine) == per_rule[rule]["true_alerts"]
    together = innocent_rows(con, rules=rules).to_pydict()
    assert together == {"person": [1, 2, 3], "innocent": [True, False, False],
                        "true_alerts": [0, 2, 1], "innocent_days": [1, 0, 0]}


def _rule_rows(n: int, true: int, innocents: int, rule: str = "r") -> pa.Table:
    t = _people(n, true, innocents)
    return t.add_column(0, "rule", pa.array([rule] * n, pa.string()))


def test_each_rule_and_system_gets_its_interval_around_its_own_pooled_figure() -> None:
    audits, _ = _study()
    audits = [dataclasses.replace(a, rule_innocents=_rule_rows(*c[:2], c[2]))
              for a, c in zip(audits, CITIES, strict=True)]
    m = pool_study(StudyInfo("toy", people=2000, days=5, seeds=[1, 2, 3]), audits,
                   groups={}, runs={})
    (rule,) = m.rules
    assert rule.innocents_per_true_alert == 81 / 14
    q = rule.innocents_interval(3)
    assert q is not None and q.low < 81 / 14 < q.high
    # the same rows resampled the same way as the pooled set of the one rule: the same interval
    assert (q.low, q.high) == (m.wrongdoing.innocents_per_true_alert_low,
                               m.wrongdoing.innocents_per_true_alert_high)
    assert "innocents_per_true_alert_low" in m.to_dict()["rules"][0]


def test_rows_that_do_not_add_up_to_the_figure_give_no_interval() -> None:
    """A city whose rows disagree with its counted figures (one innocent too many) gives no
    interval, rather than an interval around another figure."""
    audits, _ = _study()
    rows = [_rule_rows(*c[:2], c[2]) for c in CITIES]
    rows[0] = _rule_rows(CITIES[0][0], CITIES[0][1], CITIES[0][2] + 1)
    audits = [dataclasses.replace(a, rule_innocents=r) for a, r in zip(audits, rows,
                                                                       strict=True)]
    m = pool_study(StudyInfo("toy", people=2000, days=5, seeds=[1, 2, 3]), audits,
                   groups={}, runs={})
    assert m.rules[0].innocents_per_true_alert_low is None
    assert "innocents_per_true_alert_low" not in m.to_dict()["rules"][0]


def test_a_systems_rows_are_its_rules_rows_added_up_person_by_person() -> None:
    """The interval of a set of rules resamples the same rows as the overall figure of the
    set: a person innocent under one rule and guilty under another is not innocent."""
    from types import SimpleNamespace

    from custodiet.audit.sim._pooled_innocents import innocents_interval

    by_rule = pa.table({"rule": ["a", "a", "b", "b", "b"], "person": [1, 2, 2, 3, 4],
                        "innocent": [True, False, True, False, True],
                        "true_alerts": [0, 1, 1, 1, 0]})
    together = pa.table({"person": [1, 2, 3, 4], "innocent": [True, False, False, True],
                         "true_alerts": [0, 2, 1, 0]})
    cities = [SimpleNamespace(seed=s, rule_innocents=by_rule, innocents=together)
              for s in (1, 2, 3)]
    system = innocents_interval(cities, rules={"a", "b"}, expected=(6, 9))
    overall = innocents_interval(cities)
    assert system == overall and system["innocents_per_true_alert_low"] is not None
    assert innocents_interval(cities, rules={"a", "b"}, expected=(9, 9)) == {}


def test_no_innocent_counted_gives_a_bound_that_can_pass_one() -> None:
    """Two true alerts, nobody innocent: the rows look like a proportion (no row's innocents
    exceed its true alerts), but innocents per true alert is a rate; its upper bound is the
    Poisson bound -ln(0.025) / 2 = 1.84, not capped at 1 as a share would be."""
    import math
    from types import SimpleNamespace

    from custodiet.audit.sim._pooled_innocents import innocents_interval

    rows = pa.table({"rule": ["a", "a"], "person": [1, 2], "innocent": [False, False],
                     "true_alerts": [1, 1]})
    city = [SimpleNamespace(seed=1, rule_innocents=rows, innocents=rows.drop(["rule"]))]
    got = innocents_interval(city, rules={"a"}, expected=(0, 2))
    assert got["innocents_per_true_alert_low"] == 0.0
    assert math.isclose(got["innocents_per_true_alert_high"], -math.log(0.025) / 2)


def test_the_rows_of_one_city_give_the_interval_its_audit_gives() -> None:
    """The workbench's one rule over one city: ``innocents_rows_interval`` over the rows as
    ``innocent_rows`` returns them is the interval the study's pooling computes from the same
    rows kept on the seed's audit."""
    from custodiet.audit.sim import innocents_rows_interval
    from custodiet.audit.sim._pooled_innocents import innocents_interval

    rows = _people(80, 8, 70)
    audit = hand_built(seed=2, innocents=rows)
    pooled_ = innocents_interval([audit], expected=(70, 8))
    assert pooled_ and innocents_rows_interval([(2, rows)], expected=(70, 8)) == pooled_
    assert innocents_rows_interval([(2, rows)], expected=(71, 8)) == {}
    assert innocents_rows_interval([(2, _people(10, 0, 10))]) == {}  # no true alert
