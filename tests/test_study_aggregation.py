"""One aggregation on a page: on a three-city study built by hand, whose cities' precisions
differ so that the mean of the cities' ratios (30.0%) is not the pooled ratio (14.0%), every
place the report and the printout write a figure gives the same value, ratios pooled over the
cities and counts as means per city or totals said to be totals."""

from __future__ import annotations

import dataclasses
import re

from custodiet.audit.sim import FIGURES, RuleFigures, StudyInfo, pool_study
from custodiet.audit.sim._sections import Twins
from custodiet.report import Report, figure_text, summary
from custodiet.report._aggregation import pooled
from custodiet.report._answers import works
from custodiet.report._study_report import _headline_table
from tests.test_study_results import hand_built

#: (alerts, true alerts, innocents, suppressed) per city: precisions 50%, 10%, 30%.
CITIES = ((10, 5, 4, 2), (80, 8, 70, 6), (10, 1, 7, 4))


def _figures(alerts: int, true: int, innocents: int, suppressed: int, rule: str | None
             ) -> RuleFigures:
    return RuleFigures(alerts=alerts, alerts_per_day=alerts / 5, suppressed=suppressed,
                       true_alerts=true, precision=true / alerts, persons_flagged=alerts,
                       innocents_flagged=innocents, innocents_per_true_alert=innocents / true,
                       innocents_per_day=innocents / 5, guilty_named_share=None,
                       lawful_alerts=1, lawful_share=1 / alerts, status_alerts=0,
                       status_precision=None, status_persons_flagged=0, rule=rule)


def _study():  # type: ignore[no-untyped-def]
    audits = []
    for seed, (n, t, i, s) in enumerate(CITIES, start=1):
        base = hand_built()
        audits.append(hand_built(
            seed=seed, overall=_figures(n, t, i, s, None), rules=[_figures(n, t, i, s, "r")],
            wrongdoing_rules=["r"],
            redlist=dataclasses.replace(base.redlist, alerts_suppressed=s),
            twins=Twins(precision_seen=t / n, precision_true=(t + 1) / n,
                        prevented_by_kind=[], precision_by_rule=[])))
    return pool_study(StudyInfo("toy", people=2000, days=5, seeds=[1, 2, 3]), audits,
                      groups={}, runs={})


def _text(m) -> str:  # type: ignore[no-untyped-def]
    report = Report("t")
    report.section("s").table(_headline_table(m))
    rows = [" | ".join(r) for b in report.sections[0].blocks for r in getattr(b, "rows", [])]
    printed = [figure_text(m, f) for f in FIGURES if m.spread(f.name) is not None]
    return "\n".join([summary(m), works(m), *rows, *printed])


def test_a_ratio_of_counts_has_one_value_on_the_page() -> None:
    m = _study()
    text = _text(m)
    assert pooled(m, "precision").value == 14 / 100
    assert "14.0%" in text
    mean = f"{100 * m.mean('precision'):.1f}%"
    assert mean != "14.0%" and mean not in text
    # the police's precision is the same figure, said with the same value
    seen = re.search(r"would compute a precision of ([\d.]+%)", summary(m))
    assert seen is not None and seen.group(1) == "14.0%"
    true = re.search(r"without any response it was ([\d.]+%)", summary(m))
    assert true is not None and true.group(1) == f"{100 * 17 / 100:.1f}%"
    # innocents per true alert: Σ innocents / Σ true alerts, not the mean of the cities'
    assert "for every true alert, 5.79 innocent people" in summary(m)
    assert pooled(m, "innocents_per_true_alert").value == 81 / 14


def test_counts_are_means_per_city_and_totals_say_so() -> None:
    m = _study()
    said = summary(m)
    assert "Of the 100 alerts of the rules that claim wrongdoing (in total over 3 cities)" \
        in said
    assert "alerts per city" in said
    # suppressed: 2, 6, 4: a mean of 4 per city, 12 in total, both labelled
    assert re.search(r"The red list suppressed 4 \(95% interval [^)]*\) alerts per city "
                     r"\(12 in total over 3 cities\)", said)
    for f in FIGURES:
        if m.spread(f.name) is None:
            continue
        line = figure_text(m, f)
        assert line.startswith("mean per city ") or line.endswith("pooled over 3 cities") \
            or line == "undefined", line


def test_one_city_needs_no_label() -> None:
    m = pool_study(StudyInfo("toy", people=2000, days=5, seeds=[1]),
                   [hand_built(seed=1, wrongdoing_rules=["r"])], groups={}, runs={})
    assert all(not figure_text(m, f).startswith("mean per city")
               for f in FIGURES if m.spread(f.name) is not None)
    assert "in the one city" in summary(m)


def test_no_concentration_claim_when_fewer_people_were_flagged_than_the_top_percent() -> None:
    audits = [hand_built(seed=s, wrongdoing_rules=["r"]) for s in (1, 2)]  # 83 flagged each
    small = pool_study(StudyInfo("toy", people=2000, days=5, seeds=[1, 2]), audits,
                       groups={}, runs={})
    assert "The 1% of residents flagged most carried 37.0% of all flags" in summary(small)
    large = pool_study(StudyInfo("toy", people=100_000, days=5, seeds=[1, 2]), audits,
                       groups={}, runs={})
    said = summary(large)
    assert "carried" not in said
    assert "Fewer people were flagged (83 per city) than the 1% of residents" in said


def _spread(values: list[float]):  # type: ignore[no-untyped-def]
    from custodiet.audit.sim import Spread, summarise
    return Spread(**summarise(values))


def test_the_null_world_ratio_is_the_answers_pooled_figure_everywhere() -> None:
    from custodiet.audit.sim import NullRule, NullWorld
    m = _study()
    acts = NullRule(rule="(aimed at unlawful acts)", aim="unlawful_act", alerts=40,
                    baseline_alerts=40, null_world_alerts=31, ratio=0.775, ratio_low=0.56,
                    ratio_high=0.95, response_share=0.0, response_share_low=0.0,
                    response_share_high=0.0, rules=["r", "s"])
    # the cities' ratios average 0.765 with a wide t interval: never on the page
    head = {**m.headline, "null_to_actual_alerts": _spread([0.3, 1.23])}
    m = dataclasses.replace(m, headline=head, null_world=NullWorld("w", [], acts))
    text = _text(m)
    said = "0.78 (95% interval 0.56 to 0.95)"
    assert said in summary(m) and said in works(m)
    assert f"{said}, pooled over 3 cities" in text
    assert "0.765" not in text and "0.77" not in text


def test_lawful_shares_and_contact_shares_are_pooled_not_averaged() -> None:
    m = _study()
    # deterred: lawful 1, 0, 1 and unlawful 1, 9, 0 per city: the cities' shares 50%, 0%,
    # 100% average 50%; pooled, 2 of 12 acts deterred were lawful
    head = {**m.headline, "lawful_deterred": _spread([1, 0, 1]),
            "unlawful_deterred": _spread([1, 9, 0]),
            "deterrence_lawful_share": _spread([0.5, 0.0, 1.0])}
    m = dataclasses.replace(m, headline=head)
    assert pooled(m, "deterrence_lawful_share").value == 2 / 12
    text = _text(m)
    assert "16.7%, pooled over 3 cities" in text and "mean per city 50.0%" not in text


def test_innocents_per_true_alert_and_true_precision_say_what_they_rest_on() -> None:
    m = _study()
    text = _text(m)
    # no interval is computed for either: the counts they rest on are said beside them
    assert "5.79 (from 14 true alerts), pooled over 3 cities" in text
    assert "(from 14 true alerts; no interval is computed)" in summary(m)
    assert "17.0% (17 true alerts of 100 alerts)" in summary(m)


def test_the_contact_listed_share_is_weighted_by_each_citys_alerts() -> None:
    m = _study()
    # alerts 10, 80, 10 per city; shares 50%, 0%, 50%: their mean is 33.3%, pooled 10 of 100
    head = {**m.headline, "contact_listed_alert_share": _spread([0.5, 0.0, 0.5])}
    m = dataclasses.replace(m, headline=head)
    assert pooled(m, "contact_listed_alert_share").value == 10 / 100
    assert "10.0% of alerts named someone who was on a list only because" in summary(m)


def test_no_alert_gives_no_precision_sentence_rather_than_undefined() -> None:
    # a system that raised nothing in any city: the police compute no precision, and the
    # summary says nothing of one instead of "a precision of undefined"
    base = hand_built()
    nothing = RuleFigures(alerts=0, alerts_per_day=0.0, suppressed=0, true_alerts=0,
                          precision=None, persons_flagged=0, innocents_flagged=0,
                          innocents_per_true_alert=None, innocents_per_day=0.0,
                          guilty_named_share=None, lawful_alerts=0, lawful_share=None,
                          status_alerts=0, status_precision=None, status_persons_flagged=0,
                          rule=None)
    audit = hand_built(overall=nothing, rules=[dataclasses.replace(nothing, rule="r")],
                       wrongdoing_rules=["r"], redlist=base.redlist,
                       twins=Twins(precision_seen=None, precision_true=None,
                                   prevented_by_kind=[], precision_by_rule=[]))
    m = pool_study(StudyInfo("toy", people=2000, days=5, seeds=[0]), [audit], groups={},
                   runs={})
    assert "undefined" not in summary(m)
    assert "would compute a precision" not in summary(m)


def test_a_citys_outcomes_are_split_once_while_they_live() -> None:
    """The rules, the systems and the rules claiming wrongdoing pool the same outcome
    tables: each is split by rule once, and forgotten with its table."""
    import gc

    import pyarrow as pa

    from custodiet.audit.sim import _alert_shares

    def outcomes(hits: list[bool]) -> pa.Table:
        n = len(hits)
        return pa.table({"alert_id": list(range(n)), "rule": ["r", "s"] * (n // 2),
                         "cluster": list(range(n)), "hit": hits, "chance": [False] * n})

    first, second = outcomes([True, False, True, True]), outcomes([False, False, True, True])
    split = _alert_shares._split(first)
    assert _alert_shares._split(first) is split
    other = _alert_shares._split(second)
    assert other is not split
    assert split.outcome["hit"][split.rows({"r"}, False)].tolist() == [True, True]
    assert other.outcome["hit"][other.rows({"r"}, False)].tolist() == [False, True]
    key = id(first)
    del first, split
    gc.collect()
    assert key not in _alert_shares._SPLIT
