"""The null world rule by rule: a rule aimed at unlawful acts can raise no true alert there;
each rule's null-world ratio (null-world alerts over the no-response twin's) and the response's
share (1 − no-response alerts / watched alerts) are computed as defined, the acts' ratio pools
only the rules aimed at unlawful acts, paired alerts cancel out of the interval, and the
"Does it work?" words give a verdict only where the interval decides it."""

from __future__ import annotations

import json
import math

import numpy as np
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from custodiet.audit.sim import (
    ACT_AIM,
    NullRule,
    NullWorld,
    StudyInfo,
    StudyMetrics,
    aim_of,
    claim_for,
    count_ratio,
    null_world_pooled,
    rule_metrics,
)
from custodiet.audit.sim._null import NULL_ALERTS, null_rows
from custodiet.audit.sim._null_pooled import _pair_index
from custodiet.audit.sim._sections import NullWorldAlerts, Twins
from custodiet.report._works import null_world_words
from custodiet.scenario import builtin_scenarios, load_scenario
from custodiet.schema import ADMINISTRATIVE_INCIDENT_KINDS, LAWFUL_INCIDENT_KINDS
from custodiet.store import open_run
from custodiet.study._overrides import with_changes
from custodiet.study._plan import sized
from custodiet.study._simulate import simulate
from custodiet.study._variants import no_response, null_world
from tests.test_study_results import hand_built


def test_a_rule_is_aimed_by_what_it_claims() -> None:
    assert aim_of(["drug_deal", "protest"]) == "unlawful_act"
    assert aim_of(["sham_marriage"]) == "standing"
    assert aim_of(["petition_trip"]) == aim_of(["petition_trip", "protest"]) == "lawful_act"
    assert aim_of(["crowded_rental"]) == "status"
    assert aim_of(["crowded_rental", "burglary"]) == "unlawful_act"


def _table(rows: list[tuple[str, str, int]]) -> pa.Table:
    run, rule, cluster = zip(*rows, strict=True) if rows else ((), (), ())
    return pa.table({"run": list(run), "rule": list(rule), "cluster": list(cluster)},
                    schema=NULL_ALERTS)


def _seed(seed: int, counts: dict[str, tuple[int, int, int]], aims: dict[str, str]):
    """A seed whose rule r raised counts[r] = (watch, base, null) alerts, each on its own
    person (so no alert is paired with another)."""
    rows, person = [], 0
    for rule, (w, b, n) in counts.items():
        for run, k in (("watch", w), ("base", b), ("null", n)):
            for _ in range(k):
                rows.append((run, rule, person))
                person += 1
    table = _table(rows)
    twins = Twins(null_world_alerts_by_rule=null_rows(table, aims, has_base=True))
    return hand_built(seed=seed, twins=twins, null_alerts=table)


AIMS = {"deals": "unlawful_act", "theft": "unlawful_act", "meter": "status",
        "petitions": "lawful_act"}


def test_the_ratio_per_rule_is_as_defined_on_hand_built_tables() -> None:
    seeds = [_seed(1, {"deals": (40, 50, 10), "theft": (20, 20, 16), "meter": (90, 90, 90),
                       "petitions": (8, 12, 12)}, AIMS),
             _seed(2, {"deals": (30, 30, 5), "theft": (0, 0, 0), "meter": (70, 70, 70),
                       "petitions": (3, 5, 5)}, AIMS)]
    nw = null_world_pooled(seeds)
    assert isinstance(nw, NullWorld)
    by = {r.rule: r for r in nw.rules}
    assert by["deals"].ratio == pytest.approx((10 + 5) / (50 + 30))
    assert by["deals"].response_share == pytest.approx(1 - (50 + 30) / (40 + 30))
    assert (by["deals"].alerts, by["deals"].baseline_alerts, by["deals"].null_world_alerts) == \
        (70, 80, 15)
    assert by["theft"].ratio == pytest.approx(16 / 20)
    assert by["meter"].aim == "status" and by["petitions"].aim == "lawful_act"
    # The acts' ratio pools only the rules aimed at unlawful acts.
    assert nw.acts is not None and nw.acts.rules == ["deals", "theft"]
    assert nw.acts.ratio == pytest.approx((10 + 5 + 16) / (50 + 30 + 20))
    assert nw.acts.response_share == pytest.approx(1 - 100 / 90)
    for r in (*nw.rules, nw.acts):
        if r.ratio is not None:
            assert r.ratio_low <= r.ratio <= (r.ratio_high or math.inf)
            assert r.response_share_low <= r.response_share <= r.response_share_high
    # 15 of 80 alerts on 95 distinct people: the interval lies wholly below 1.
    assert by["deals"].ratio_high < 1
    # The JSON form reads back unchanged.
    metrics = StudyMetrics(StudyInfo("t"), null_world=nw)
    assert StudyMetrics.from_dict(json.loads(json.dumps(metrics.to_dict()))) == metrics


def test_alerts_that_come_anyway_cancel_out_of_the_interval() -> None:
    """The same person alerted once in the twin and once in the null world: the ratio is 1 in
    every resample, so its interval has no width; an alert in one run only widens it."""
    paired = _table([(run, "r", p) for p in range(30) for run in ("base", "null", "watch")])
    assert count_ratio([(1, paired)], {"r"}, "null", "base", seeds=[1])[:3] == (1.0, 1.0, 1.0)
    lone = _table([(run, "r", p) for p in range(30) for run in ("base", "watch")]
                  + [("null", "r", p) for p in range(15)])
    ratio, low, high, _ = count_ratio([(1, lone)], {"r"}, "null", "base", seeds=[1])
    assert ratio == 0.5 and low < 0.5 < high < 1


def test_no_baseline_alert_gives_no_ratio() -> None:
    table = _table([("null", "r", 1)])
    assert count_ratio([(1, table)], {"r"}, "null", "base", seeds=[1]) == (None,) * 4


def _metrics(acts: NullRule, rules: list[NullRule], seeds: int = 3) -> StudyMetrics:
    return StudyMetrics(StudyInfo("t", seeds=list(range(seeds))),
                        null_world=NullWorld("w", rules, acts))


def _rule(name: str, aim: str, ratio: float, low: float, high: float,
          share: tuple[float, float, float] = (0.1, -0.2, 0.4)) -> NullRule:
    return NullRule(name, aim, 100, 100, round(100 * ratio), ratio, low, high, None, *share,
                    rules=[name])


def test_the_words_give_a_verdict_only_where_the_interval_decides() -> None:
    fewer = _rule("(acts)", ACT_AIM, 0.3, 0.2, 0.45, (0.2, 0.1, 0.3))
    meter = _rule("meter", "status", 1.0, 1.0, 1.0)
    text = null_world_words(_metrics(fewer, [_rule("a", ACT_AIM, 0.3, 0.2, 0.45),
                                             _rule("b", ACT_AIM, 0.9, 0.5, 1.3), meter]))
    assert "fewer, so part of their alerts follow the acts" in text
    assert "fewer for a" in text and "too few alerts to tell for b" in text
    assert "acting on alerts made more of them" in text
    assert "meter (aims only at an administrative status" in text
    assert "0.30 (95% interval 0.20 to 0.45)" in text
    open_ = null_world_words(_metrics(_rule("(acts)", ACT_AIM, 0.8, 0.5, 1.2), []))
    assert "too few alerts (or cities) to tell" in open_ and "fewer" not in open_
    assert "Whether the police response added" in open_
    same = null_world_words(_metrics(_rule("(acts)", ACT_AIM, 1.0, 1.0, 1.0, (0, 0, 0)), []))
    assert "the very same alerts, so none of them needed an act" in same
    assert "changed none of these rules' alerts" in same


def test_a_rule_aimed_at_acts_raises_no_true_alert_in_the_null_world(tmp_path) -> None:
    busy = {"world.incidents.dealer_share": 0.002, "world.incidents.drug_deal_rate": 0.1,
            "world.incidents.pickpocket_share": 0.003, "world.incidents.petition_rate": 0.05}
    sc = with_changes(sized(load_scenario(builtin_scenarios()["default"]), people=4000, days=4,
                            seed=5), busy)
    claims = {r.name: claim_for(r) for r in sc.rules}
    acts = {n for n, c in claims.items() if aim_of(c.kinds) == ACT_AIM}
    true = {}
    for name, variant in (("base", no_response(sc)), ("null", null_world(sc))):
        with open_run(simulate(variant, tmp_path / name)) as run:
            kinds = {k for (k,) in run.con.execute("SELECT DISTINCT kind FROM incidents"
                                                   ).fetchall()}
            figures = rule_metrics(run.con, rules=claims, days=4).to_pylist()
            true[name] = {r["rule"]: r["true_alerts"] for r in figures if r["rule"] in acts}
            if name == "null":
                assert kinds <= LAWFUL_INCIDENT_KINDS | ADMINISTRATIVE_INCIDENT_KINDS
                assert kinds & LAWFUL_INCIDENT_KINDS and kinds & ADMINISTRATIVE_INCIDENT_KINDS
                assert run.con.execute("SELECT count(*) FROM actions").fetchone()[0] == 0
    assert sum(true["base"].values()) > 0  # not vacuous: the same rules hit with the acts
    assert true["null"] == dict.fromkeys(true["null"], 0)


def test_the_headline_ratio_is_the_act_rules_over_their_baseline() -> None:
    seed = _seed(1, {"deals": (40, 50, 10), "meter": (90, 90, 90)}, AIMS)
    h = seed.headline
    assert h["null_world_alerts"] == 10
    assert h["null_to_actual_alerts"] == pytest.approx(10 / 50)
    assert isinstance(null_rows(_table([]), {"x": "status"}, has_base=False)[0],
                      NullWorldAlerts)


@settings(max_examples=50, deadline=None)
@given(pairs=st.lists(st.tuples(st.integers(0, 3), st.integers(-1, 20)), max_size=60))
def test_pairs_are_numbered_as_numpy_numbers_distinct_rows(pairs: list[tuple[int, int]]) -> None:
    """The discordant-pair floor groups alerts by (city, person) with one lexsort: the same
    numbering as ``np.unique(axis=0, return_inverse=True)``, the definition it replaces."""
    rows = np.asarray(pairs, np.int64).reshape(-1, 2)
    _, want = np.unique(rows, axis=0, return_inverse=True)
    assert _pair_index(rows[:, 0], rows[:, 1]).tolist() == want.reshape(-1).tolist()
