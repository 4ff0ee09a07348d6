"""The headline figures a one-city summary used to state bare: innocent people flagged per day
(a mean per city) and the shares of alerts that caught only a lawful act or found an
administrative status, each with its interval from the bootstrap nested by city and person.
Its estimate is the pooled figure exactly, its interval holds the truth about 95% of the time
on a population whose truth is known, repeated alerts on the same people widen it, and the
summary quotes it; rows that do not add up to the figure give no interval."""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pyarrow as pa

from custodiet.audit.sim import AlertShare, StudyInfo, pool_study, status_pooled, wilson
from custodiet.audit.sim._pooled_innocents import innocents_per_day_interval
from custodiet.audit.sim._sections import Twins
from custodiet.report import summary
from custodiet.report._aggregation import pooled, pooled_text
from tests.test_study_aggregation import _figures
from tests.test_study_results import hand_built

DAYS = 7


def _rows(person: np.ndarray, innocent_days: np.ndarray) -> pa.Table:
    """Innocent rows (``INNOCENT_ROWS``): each person innocent, no true alert."""
    n = len(person)
    return pa.table({"person": pa.array(person, pa.int64()),
                     "innocent": pa.array(np.ones(n, bool)),
                     "true_alerts": pa.array(np.zeros(n, np.int64)),
                     "innocent_days": pa.array(innocent_days, pa.int64())})


def _city(rng: np.random.Generator, residents: int, p_flagged: float, mean_extra: float
          ) -> tuple[np.ndarray, np.ndarray]:
    """The innocents of one city: each resident flagged with ``p_flagged``; if flagged, named
    on 1 + Poisson(``mean_extra``) days, at most ``DAYS``."""
    person = np.flatnonzero(rng.random(residents) < p_flagged)
    days = np.minimum(1 + rng.poisson(mean_extra, person.size), DAYS)
    return person, days


def _expected_days(mean_extra: float) -> float:
    """E[min(1 + Poisson(m), DAYS)], summed exactly over the Poisson's support."""
    pmf = [math.exp(-mean_extra) * mean_extra ** k / math.factorial(k) for k in range(60)]
    return sum(min(1 + k, DAYS) * p for k, p in enumerate(pmf))


def test_innocents_per_day_interval_holds_the_truth_about_95_percent_of_the_time() -> None:
    """One city of 4,000 residents, each innocently flagged with probability 0.02 on
    1 + Poisson(1.5) days: the true mean is 4,000 × 0.02 × E[days] / 7 a day. Over 300 cities
    drawn from it, the 95% interval should hold it in 95% of them: the count covered is then
    Binomial(300, 0.95), sd 3.8, so fewer than 270 (4 sd under 285) fails, and so does every
    one of the 300 (probability 0.95^300, about 2e-7: an interval too wide to mean much)."""
    rng = np.random.default_rng(20261205)
    truth = 4000 * 0.02 * _expected_days(1.5) / DAYS
    covered = 0
    trials = 300
    for k in range(trials):
        person, days = _city(rng, 4000, 0.02, 1.5)
        audit = dataclasses.replace(hand_built(seed=k), innocents=_rows(person, days),
                                    days=DAYS)
        out = innocents_per_day_interval([audit], expected=days.sum() / DAYS, seed=k)
        assert out["innocents_per_day_low"] <= days.sum() / DAYS <= out["innocents_per_day_high"]
        covered += out["innocents_per_day_low"] <= truth <= out["innocents_per_day_high"]
    sd = math.sqrt(trials * 0.95 * 0.05)
    assert trials * 0.95 - 4 * sd <= covered < trials, covered


def test_rows_that_do_not_add_up_or_lack_the_days_give_no_interval() -> None:
    person, days = np.arange(5), np.array([1, 2, 1, 3, 1])
    audit = dataclasses.replace(hand_built(), innocents=_rows(person, days), days=DAYS)
    assert innocents_per_day_interval([audit], expected=8 / DAYS)
    assert innocents_per_day_interval([audit], expected=9 / DAYS) == {}
    assert innocents_per_day_interval([dataclasses.replace(audit, days=None)],
                                      expected=8 / DAYS) == {}
    older = dataclasses.replace(audit, innocents=_rows(person, days).drop(["innocent_days"]))
    assert innocents_per_day_interval([older], expected=8 / DAYS) == {}
    # cities watched for different numbers of days have no mean per day to resample
    other = dataclasses.replace(audit, seed=9, days=DAYS + 1)
    assert innocents_per_day_interval([audit, other], expected=8 / DAYS) == {}


def _hits(rule: str, cluster: list[int], status: list[bool], lawful: list[bool] | None = None
          ) -> pa.Table:
    n = len(cluster)
    return pa.table({"alert_id": list(range(n)), "rule": [rule] * n, "cluster": cluster,
                     "hit": [False] * n, "lawful": lawful or [False] * n, "status": status,
                     "chance": [False] * n})


def _status_audit(seed: int, cluster: list[int], status: list[bool]):  # type: ignore[no-untyped-def]
    n, found = len(cluster), sum(status)
    rule = dataclasses.replace(_figures(n, 1, 1, 0, "meter"), status_alerts=found,
                               status_precision=found / n)
    return dataclasses.replace(hand_built(seed=seed), rules=[rule],
                               alert_hits=_hits("meter", cluster, status))


def test_the_status_share_is_pooled_over_every_rule_and_clustered_by_person() -> None:
    # 40 alerts on 40 people against the same 40 alerts on 4 people, each of whom either
    # always or never lives in a crowded rental: the same share, a wider interval
    status = [k % 4 == 0 for k in range(40)]
    spread = status_pooled([_status_audit(1, list(range(40)), status)])
    bunched = status_pooled([_status_audit(1, [k % 4 for k in range(40)], status)])
    assert isinstance(spread, AlertShare) and isinstance(bunched, AlertShare)
    assert spread.share == bunched.share == 10 / 40
    w_low, w_high = wilson(10, 40)
    for s in (spread, bunched):
        assert s.low <= w_low and s.high >= w_high  # never narrower than Wilson's
    assert bunched.high - bunched.low > spread.high - spread.low
    # outcomes that do not add up to the rule's counts give no interval, not another figure's
    wrong = _status_audit(1, list(range(40)), status)
    wrong = dataclasses.replace(wrong, alert_hits=_hits("meter", list(range(39)), status[:39]))
    assert status_pooled([wrong]) is None


def test_the_one_city_summary_quotes_every_headline_share_with_its_interval() -> None:
    rng = np.random.default_rng(3)
    person, days = _city(rng, 2000, 0.03, 1.0)
    n = 60
    status = [k % 3 == 0 for k in range(n)]
    lawful = [k % 10 == 1 for k in range(n)]
    hits = _hits("r", list(range(n)), status, lawful)
    innocent_days = int(days.sum())
    overall = dataclasses.replace(_figures(n, 6, person.size, 0, None),
                                  persons_flagged=person.size + 6,
                                  innocents_per_day=innocent_days / DAYS, lawful_alerts=6,
                                  lawful_share=6 / n, status_alerts=20, status_precision=20 / n)
    rule = dataclasses.replace(overall, rule="r")
    truth = pa.table({"person": pa.array(np.r_[person, 10_000 + np.arange(6)], pa.int64()),
                      "innocent": pa.array(np.r_[np.ones(person.size, bool), np.zeros(6, bool)]),
                      "true_alerts": pa.array(np.r_[np.zeros(person.size, np.int64),
                                                    np.ones(6, np.int64)]),
                      "innocent_days": pa.array(np.r_[days, np.zeros(6, np.int64)], pa.int64())})
    audit = dataclasses.replace(hand_built(seed=1), overall=overall, rules=[rule],
                                wrongdoing_rules=["r"], alert_hits=hits, innocents=truth,
                                days=DAYS)
    m = pool_study(StudyInfo("toy", people=2000, days=DAYS, seeds=[1]), [audit], groups={},
                   runs={})
    said = summary(m)
    for name, value in (("innocents_per_day", innocent_days / DAYS),
                        ("lawful_share", 6 / n), ("status_precision", 20 / n)):
        p = pooled(m, name)
        assert p is not None and p.interval is not None and p.value == value, name
        assert p.interval.low <= value <= p.interval.high, name
        text = pooled_text(m, name, "number" if name == "innocents_per_day" else "share",
                           labelled=False)
        assert text is not None and "95% interval" in text, text
    assert f"; {pooled_text(m, 'innocents_per_day', 'number', labelled=False)} innocent " \
           "people a day." in said, said
    assert f"{pooled_text(m, 'status_precision', 'share', labelled=False)} of all alerts " \
           "found an administrative status" in said, said
    json_ = m.to_dict()
    assert json_["status"]["counted"] == 20 and json_["status"]["alerts"] == n
    assert "innocents_per_day_low" in json_["wrongdoing"]
    assert "lawful_share_low" in json_["wrongdoing"]


def test_true_precision_against_the_twin_is_quoted_with_its_interval() -> None:
    """The precision of the same alerts against the twin without response: its estimate the
    pooled Σ true / Σ alerts over the cities, with an interval once every city kept those
    alerts' outcomes there; outcomes that do not add up give the counts instead."""
    def audit(seed: int, n: int, true: int, hits: pa.Table | None):  # type: ignore[no-untyped-def]
        overall = _figures(n, 1, 1, 0, None)
        return dataclasses.replace(
            hand_built(seed=seed), overall=overall, rules=[dataclasses.replace(overall, rule="r")],
            wrongdoing_rules=["r"],
            twins=Twins(precision_seen=1 / n, precision_true=true / n, prevented_by_kind=[],
                        precision_by_rule=[], true_hits=hits))

    def hits(n: int, true: int) -> pa.Table:
        return _hits("r", list(range(n)), [False] * n).set_column(
            3, "hit", pa.array([k < true for k in range(n)]))

    cities = [audit(1, 40, 6, hits(40, 6)), audit(2, 20, 5, hits(20, 5))]
    m = pool_study(StudyInfo("toy", people=2000, days=5, seeds=[1, 2]), cities, groups={},
                   runs={})
    p = pooled(m, "precision_true")
    assert p is not None and p.value == 11 / 60 and p.interval is not None
    w_low, w_high = wilson(11, 60)
    assert p.interval.low <= w_low and p.interval.high >= w_high
    assert "95% interval" in pooled_text(m, "precision_true", "share")
    short = [cities[0], audit(2, 20, 5, hits(19, 5))]
    m = pool_study(StudyInfo("toy", people=2000, days=5, seeds=[1, 2]), short, groups={},
                   runs={})
    p = pooled(m, "precision_true")
    assert p is not None and p.interval is None and p.basis == "11 true alerts of 60 alerts"


def test_a_status_lift_is_said_to_beat_chance_only_where_its_interval_says_so() -> None:
    from custodiet.report._answers import statuses

    audit = _status_audit(1, list(range(40)), [k % 4 == 0 for k in range(40)])
    m = pool_study(StudyInfo("toy", people=2000, days=5, seeds=[1]), [audit], groups={},
                   runs={})
    (rule,) = m.rules
    assert rule.status_precision_low is not None  # the nested bootstrap's, not Wilson's alone

    def said(lift: float, low: float, high: float | None, bound: bool = False) -> str:
        r = dataclasses.replace(rule, status_base_rate=0.1, status_lift=lift,
                                status_lift_low=low, status_lift_high=high,
                                status_lift_lower_bound_only=bound)
        text = statuses(dataclasses.replace(m, rules=[r]))
        assert text is not None
        return text

    assert ": more often than chance, 2.5× (95% interval 1.4× to 3.9×)" in said(2.5, 1.4, 3.9)
    assert ": less often than chance, 0.3× (95% interval 0.1× to 0.6×)" in said(0.3, 0.1, 0.6)
    undecided = said(1.3, 0.7, 2.2)
    assert "too few alerts to tell from one city" in undecided
    assert "whether more or less often than chance, 1.3× (95% interval 0.7× to 2.2×)" \
        in undecided and "more often than chance, 1.3" not in undecided
    assert ": more often than chance, at least 1.6× (95% lower bound)" in \
        said(math.inf, 1.6, None, bound=True)
    # a study written before the interval was kept says the lift alone, without a verdict
    r = dataclasses.replace(rule, status_base_rate=0.1, status_lift=2.5, status_lift_low=None)
    assert "(2.5 times chance)" in statuses(dataclasses.replace(m, rules=[r]))


def test_the_contact_listed_share_of_alerts_is_pooled_with_its_interval() -> None:
    """The hand-built seed counts 101 alerts on two days, 9 naming someone listed only because
    of a police contact: rows adding up to that give the share with an interval (the summary
    and the answer quote it), rows that do not give the old figure without one."""
    def rows(n: int, hits: int) -> pa.Table:
        return pa.table({"alert_id": list(range(n)), "cluster": [k % 30 for k in range(n)],
                         "hit": [k < hits for k in range(n)]})

    info = StudyInfo("toy", people=2000, days=5, seeds=[4])
    m = pool_study(info, [dataclasses.replace(hand_built(), contact_alerts=rows(101, 9))],
                   groups={}, runs={})
    share = m.lists.contact_share
    assert share is not None and (share.alerts, share.counted) == (101, 9)
    w_low, w_high = wilson(9, 101)
    assert share.low <= w_low < 9 / 101 < w_high <= share.high
    p = pooled(m, "contact_listed_alert_share")
    assert p is not None and p.value == 9 / 101 and p.interval is not None
    assert f"{pooled_text(m, 'contact_listed_alert_share', 'share', labelled=False)} of " \
           "alerts named someone who was on a list only because" in summary(m)
    assert "contact_share" in m.to_dict()["lists"]
    off = pool_study(info, [dataclasses.replace(hand_built(), contact_alerts=rows(101, 8))],
                     groups={}, runs={})
    assert off.lists.contact_share is None and "contact_share" not in off.to_dict()["lists"]
    p = pooled(off, "contact_listed_alert_share")
    assert p is not None and p.value == 9 / 101 and p.interval is None
