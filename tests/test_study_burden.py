"""Whom each system burdens: the per-seed counts pooled into flag-rate ratios with intervals
nested by city and person, the sentences and the table gated as the overall answer is, and the
overall answer reading the clustered interval of the all-rules row."""

from __future__ import annotations

import math
import types
from typing import Any

import numpy as np
import pytest

from custodiet.audit import ClusteredSample
from custodiet.audit.sim import ALL_RULES, CategoryBurden
from custodiet.audit.sim._pooled_burden import (
    BURDEN_REPLICATES,
    burden_pooled,
    exact_ratio_interval,
)
from custodiet.report import _answers
from custodiet.report._burdens import burden_by_system_table, system_burdens
from custodiet.report._html import Report
from tests._typed import typed


def _row(system: str, category: str, people: int, flagged: int, others: int,
         others_flagged: int) -> CategoryBurden:
    return CategoryBurden(system, category, people, flagged, others, others_flagged)


def _audits(rows_per_seed: dict[int, list[CategoryBurden]]) -> list[Any]:
    return [types.SimpleNamespace(seed=s, burden_by_system=rows)
            for s, rows in rows_per_seed.items()]


def test_pooling_adds_counts_and_brackets_the_ratio() -> None:
    seeds = {s: [_row("hotels", "drug_use_recorded", 200, 40 + s, 9800, 98 + s)]
             for s in range(1, 4)}
    (r,) = burden_pooled(_audits(seeds))
    assert (r.people, r.flagged, r.others, r.others_flagged) == (600, 126, 29400, 300)
    assert r.ratio == pytest.approx((126 / 600) / (300 / 29400))
    assert r.ratio_low < r.ratio < r.ratio_high
    assert not r.ratio_lower_bound_only


def test_cities_that_differ_widen_the_interval() -> None:
    # the same totals, once spread evenly over four cities and once concentrated in two
    even = {s: [_row("s", "foreign", 100, 20, 10_000, 100)] for s in range(4)}
    uneven = {0: [_row("s", "foreign", 100, 40, 10_000, 100)],
              1: [_row("s", "foreign", 100, 0, 10_000, 100)],
              2: [_row("s", "foreign", 100, 40, 10_000, 100)],
              3: [_row("s", "foreign", 100, 0, 10_000, 100)]}
    (a,), (b,) = burden_pooled(_audits(even)), burden_pooled(_audits(uneven))
    assert a.ratio == pytest.approx(b.ratio)
    assert b.ratio_high - b.ratio_low > 1.2 * (a.ratio_high - a.ratio_low)


def _person_rows(parts: list[tuple[int, int, int]], offset: int = 0) -> ClusteredSample:
    """(seed, people, flagged) laid out as one 0/1 row per person, each its own cluster."""
    city = np.concatenate([np.full(n, s) for s, n, _ in parts])
    hit = np.concatenate([np.r_[np.ones(f), np.zeros(n - f)] for _, n, f in parts])
    return ClusteredSample.from_arrays(city, np.arange(len(city)) + offset, hit,
                                       cities=[1, 2, 3])


def test_counts_give_the_interval_of_one_row_per_person() -> None:
    # the cells are built from counts per city; the bootstrap draws what 0/1 rows would
    counts = {1: (300, 40, 9700, 120), 2: (200, 9, 9800, 150), 3: (250, 30, 9750, 90)}
    (r,) = burden_pooled(_audits({s: [_row("s", "foreign", *c)] for s, c in counts.items()}),
                         seed=4)
    yes = _person_rows([(s, n, f) for s, (n, f, _, _) in counts.items()])
    no = _person_rows([(s, m, g) for s, (_, _, m, g) in counts.items()], offset=yes.n_units)
    ci = yes.rate_ratio(no, replicates=BURDEN_REPLICATES, seed=4)
    low, high = exact_ratio_interval(r.flagged, r.people, r.others_flagged, r.others)
    assert (r.ratio, r.ratio_low, r.ratio_high) == (ci.estimate, min(ci.low, low),
                                                     max(ci.high, high))


def _clopper_pearson_by_tails(f: int, total: int) -> tuple[float, float]:
    """Clopper-Pearson's bounds found from the binomial tails themselves (the definition:
    the p at which seeing f or more, or f or fewer, of total has probability 2.5%)."""
    from scipy.optimize import brentq
    from scipy.stats import binom

    low = brentq(lambda p: binom.sf(f - 1, total, p) - 0.025, 1e-12, 1 - 1e-12) if f else 0.0
    high = brentq(lambda p: binom.cdf(f, total, p) - 0.025, 1e-12, 1 - 1e-12) \
        if f < total else 1.0
    return low, high


def test_rare_flags_among_the_others_never_narrow_the_interval_below_the_exact_one() -> None:
    # 39 of 75 people with a petition history flagged against 1 of 11,925 others: the person
    # bootstrap rarely draws more than 3 of the one other, so its lower end alone was ~1,780
    rows = {1: [_row("petitioners", "petition_history_recorded", 75, 39, 11925, 1)]}
    (r,) = burden_pooled(_audits(rows))
    p_low, p_high = _clopper_pearson_by_tails(39, 40)
    scale = 11925 / 75
    assert r.ratio_low <= p_low / (1 - p_low) * scale * (1 + 1e-6)
    # None is an upper end the resamples left unbounded (no other person drawn)
    assert r.ratio_high is None or r.ratio_high >= p_high / (1 - p_high) * scale * (1 - 1e-6)
    assert r.ratio_low < r.ratio == pytest.approx((39 / 75) / (1 / 11925))


def test_nobody_else_flagged_gives_a_lower_bound_and_nobody_flagged_nothing() -> None:
    rows = {1: [_row("petitioners", "petition_history_recorded", 40, 30, 5960, 0),
                _row("petitioners", "foreign", 3, 0, 5997, 0)]}
    bound, none = burden_pooled(_audits(rows))
    assert bound.ratio_lower_bound_only and bound.ratio_low > 100 and bound.ratio_high is None
    assert none.ratio is None and none.ratio_low is None and not none.ratio_lower_bound_only


def _pooled(system: str, category: str, ratio: float | None, low: float | None,
            high: float | None, *, flagged: int = 5, others_flagged: int = 50,
            bound: bool = False) -> dict[str, Any]:
    return {"system": system, "category": category, "people": 100, "flagged": flagged,
            "flag_rate": flagged / 100, "others": 10_000, "others_flagged": others_flagged,
            "others_flag_rate": others_flagged / 10_000, "ratio": ratio, "ratio_low": low,
            "ratio_high": high, "ratio_lower_bound_only": bound}


SYSTEMS = [
    _pooled(ALL_RULES, "drug_use_recorded", 10.0, 7.0, 14.0),
    _pooled("hotels", "drug_use_recorded", 9.0, 6.0, 13.0),           # quotable
    _pooled("hotels", "foreign", 2.0, 0.5, 6.0),                      # crossing 1
    _pooled("meters", "drug_use_recorded", 1.1, 0.7, 1.6),            # narrow around 1
    _pooled("menu", "foreign", 391.0, 120.0, 2100.0),                 # decided, too wide
    _pooled("petitioners", "petition_history_recorded", None, 435.0, None, flagged=30,
            others_flagged=0, bound=True),                            # nobody else
    _pooled("schools", "foreign", None, None, None, flagged=0, others_flagged=0),
]


def test_each_system_is_said_with_the_overall_gate() -> None:
    m = typed({"scenario": {"name": "toy", "seeds": [1, 2, 3]}, "burden_by_system": SYSTEMS})
    assert system_burdens(m) == (
        "By system (95% intervals over 3 cities and the people in them): hotels flagged "
        "people with recorded drug use 9.0 times as often (95% interval 6.00 to 13); menu "
        "flagged foreigners more often than everyone else, by a factor of 95% interval 120 "
        "to 2,100; petitioners flagged people with a petition history on record and nobody "
        "else (at least 435 times as often as everyone else, a 95% lower bound); meters: no "
        "difference shown for any listed category; schools flagged nobody.")
    assert "391" not in system_burdens(m)


def test_the_table_gates_each_cell() -> None:
    m = typed({"scenario": {"name": "toy", "seeds": [1]}, "burden_by_system": SYSTEMS})
    report = Report("t")
    sec = report.section("s")
    burden_by_system_table(sec, m)
    (table,) = [b for b in sec.blocks if hasattr(b, "rows")]
    cells = {row[0]: row[1:] for row in table.rows}
    assert list(cells) == [ALL_RULES, "hotels", "menu", "meters", "petitioners", "schools"]
    assert cells["hotels"][0] == "9.00× (6.00–13)"
    assert cells["hotels"][1] == "too few to tell (0.50–6.00)"
    assert cells["menu"][1] == "more often (120–2,100)"
    assert cells["petitioners"][2] == "at least 435× (nobody else flagged)"
    assert cells["schools"][1] == "nobody flagged"
    assert "over 1 city" in table.caption


def test_cells_under_the_disclosure_threshold_are_suppressed_in_table_and_sentence() -> None:
    """As in the category table: 5 flagged people with a recorded mental illness is under a
    min_cell of 10, so neither the table nor the sentence says their ratio (not even that
    nobody else was flagged); 30 flagged and 0 others is not disclosive (zero is not)."""
    rows = [
        _pooled(ALL_RULES, "mental_illness_recorded", None, 72.0, None, flagged=5,
                others_flagged=0, bound=True),
        _pooled("schools", "mental_illness_recorded", None, 72.0, None, flagged=5,
                others_flagged=0, bound=True),
        _pooled("petitioners", "petition_history_recorded", None, 435.0, None, flagged=30,
                others_flagged=0, bound=True),
        _pooled("meters", "criminal_record_recorded", 0.93, 0.62, 1.28, flagged=40,
                others_flagged=4300),
    ]
    m = typed({"scenario": {"name": "toy", "seeds": [1, 2]}, "burden_by_system": rows,
               "groups": {"settings": {"min_cell": 10}}})
    said = system_burdens(m)
    assert said == (
        "By system (95% intervals over 2 cities and the people in them): petitioners flagged "
        "people with a petition history on record and nobody else (at least 435 times as "
        "often as everyone else, a 95% lower bound); too few flags to tell whether schools "
        "burdens any listed category more than everyone else; meters: no difference shown "
        "for any listed category; figures built from fewer than 10 people are suppressed and "
        "not said.")
    assert "mental illness" not in said and "72" not in said
    report = Report("t")
    sec = report.section("s")
    burden_by_system_table(sec, m)
    (table,) = [b for b in sec.blocks if hasattr(b, "rows")]
    cells = {row[0]: row[1:] for row in table.rows}
    assert cells["schools"][0] == "suppressed (fewer than 10 people)"
    assert cells[ALL_RULES][0] == "suppressed (fewer than 10 people)"
    assert cells["petitioners"][1] == "at least 435× (nobody else flagged)"
    assert cells["meters"][2] == "no difference shown (0.62–1.28)"


def _group(col: str, value: str, n: int, flag_rate: float) -> dict[str, Any]:
    return {"group": {col: value}, "counts": {"n": n, "flagged": round(n * flag_rate)},
            "metrics": {"flag_rate": {"value": flag_rate}}}


def test_the_overall_answer_reads_the_clustered_interval_of_all_rules() -> None:
    # the group metrics' interval (people only) decides; the clustered one (cities) does not
    groups = {"groupings": {"foreign": {"groups": [
        _group("foreign", "false", 9900, 0.01),
        {**_group("foreign", "true", 100, 0.03),
         "ratio_to_reference": {"flag_rate": {"value": 3.0, "ci": [2.0, 4.4]}}}]}}}
    base = {"groups": groups, "scenario": {"name": "toy", "categories": ["foreign"]}}
    assert "3.0 times as often" in _answers.burdens(typed(base))
    clustered = {**base, "burden_by_system": [_pooled(ALL_RULES, "foreign", 3.0, 0.6, 9.0)]}
    said = _answers.burdens(typed(clustered))
    assert said == ("Too few flags to tell whether any listed category is flagged more often "
                    "than everyone else; too few flags to tell for foreigners.")
    from custodiet.audit.sim import BURDENS, answer_verdicts

    assert not answer_verdicts(typed(clustered))[BURDENS].decided  # --until-stable waits


def test_a_seed_without_the_counts_pools_to_nothing() -> None:
    assert burden_pooled([]) is None
    assert burden_pooled(_audits({1: None})) is None  # type: ignore[dict-item]


@pytest.mark.parametrize("flagged, others_flagged", [
    (1, 1), (39, 1), (0, 5), (5, 0), (12, 340), (2_000, 31), (150_000, 120_000)])
def test_the_exact_interval_is_clopper_pearson_by_the_beta_quantile(
        flagged: int, others_flagged: int) -> None:
    """Clopper-Pearson's bounds are beta quantiles; the interval takes them from
    scipy.special and must equal scipy.stats' beta.ppf, which it spares importing."""
    from scipy.stats import beta

    people, others, alpha = 200_000, 600_000, 1 - 0.95
    p_low = beta.ppf(alpha / 2, flagged, others_flagged + 1) if flagged else 0.0
    p_high = beta.ppf(1 - alpha / 2, flagged + 1, others_flagged) if others_flagged else 1.0
    scale = others / people
    want = (p_low / (1 - p_low) * scale,
            p_high / (1 - p_high) * scale if p_high < 1 else math.inf)
    assert exact_ratio_interval(flagged, people, others_flagged, others) == want
