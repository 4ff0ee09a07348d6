"""Typed study results on hand-built sections: every headline figure reads its own field of its
own section, lawful and unlawful counts stay apart, the red-list table puts each count in its
column, and the summary says exactly what the numbers say. Also: the registry is complete and
``docs/metrics.md`` carries its table."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pytest

from custodiet.audit.sim._figures import FIGURES, REGISTRY, docs_table
from custodiet.audit.sim._sections import (
    AlertsOnDay,
    Burden,
    ContactListedAlerts,
    Lists,
    ListSize,
    NullWorldAlerts,
    Police,
    Prevented,
    RedList,
    RedListCounts,
    RuleFigures,
    Split,
    Stopped,
    TwinPrecision,
    Twins,
)
from custodiet.audit.sim._study import SeedAudit, headline
from custodiet.report import Report, Table, _study_report, _study_sections
from tests._typed import typed


def summary(metrics: dict) -> str:  # type: ignore[type-arg]
    return _study_report.summary(typed(metrics))


def redlist_section(sec, metrics: dict) -> None:  # type: ignore[no-untyped-def, type-arg]
    _study_sections.redlist_section(sec, typed(metrics))


def status_section(sec, metrics: dict) -> None:  # type: ignore[no-untyped-def, type-arg]
    _study_sections.status_section(sec, typed(metrics))

DOCS = Path(__file__).resolve().parents[1] / "docs" / "metrics.md"


def hand_built(**changes: object) -> SeedAudit:
    """One seed whose every section field holds a different number."""
    parts: dict[str, object] = dict(
        seed=4,
        overall=RuleFigures(alerts=101, alerts_per_day=20.2, suppressed=7, true_alerts=13,
                            precision=13 / 101, persons_flagged=83, innocents_flagged=71,
                            innocents_per_true_alert=71 / 13, innocents_per_day=9.5,
                            guilty_named_share=0.125, lawful_alerts=5, lawful_share=5 / 101,
                            status_alerts=19, status_precision=19 / 101,
                            status_persons_flagged=15),
        rules=[RuleFigures(alerts=101, alerts_per_day=20.2, suppressed=7, true_alerts=13,
                           precision=13 / 101, persons_flagged=83, innocents_flagged=71,
                           innocents_per_true_alert=71 / 13, innocents_per_day=9.5,
                           guilty_named_share=0.125, lawful_alerts=5, lawful_share=5 / 101,
                           status_alerts=19, status_precision=19 / 101,
                           status_persons_flagged=15, rule="r")],
        burden=Burden(population=2000, persons_flagged=83, flags=140, top_share=0.37,
                      repeat_share=0.29, flags_per_flagged_person=140 / 83, most_flags=9,
                      top=0.01),
        police=Police(actions=17, persons=11),
        alerts_by_day=[AlertsOnDay("r", 0, 101, 7)],
        people=pa.table({"person_id": list(range(2000))}),
        lists=Lists([ListSize(0, "(any list)", 40, 0), ListSize(4, "(any list)", 61, 19)], [],
                    [ContactListedAlerts(0, 60, 3), ContactListedAlerts(1, 41, 6)]),
        list_days_per_person=0.125,
        redlist=RedList(23, 7, RedListCounts(31, 29, 27, 25, 3),
                        RedListCounts(31, 29, 21, 20, 9), 6, unseen_in_twin_too=17,
                        not_in_twin=4),
        twins=Twins(prevented_by_kind=[Prevented("drug_deal", False, 40, 43, 3),
                                       Prevented("petition_trip", True, 10, 15, 5),
                                       Prevented("protest", True, 2, 3, 1)],
                    precision_by_rule=[TwinPrecision("r", 101, 13 / 101, 0.2, 13, 20)],
                    precision_seen=13 / 101, precision_true=0.2,
                    null_world_alerts_by_rule=[
                        NullWorldAlerts("r", 101, 33, "unlawful_act", 90)],
                    interception_by_kind=[Split("drug_deal", False, 40, 43, 2, 1, 0),
                                          Split("petition_trip", True, 10, 15, 4, 1, 0),
                                          Split("protest", True, 2, 3, 1, 0, 0)],
                    deterrence_by_kind=[Split("drug_deal", False, 43, 44, 1, 0, 0),
                                        Split("petition_trip", True, 15, 24, 7, 2, 0),
                                        Split("protest", True, 3, 4, 0, 1, 0)],
                    stopped=Stopped(8, 5, 4, 6, 3, 2)),
    )
    parts.update(changes)
    return SeedAudit(**parts)  # type: ignore[arg-type]


def test_every_headline_figure_reads_its_own_field() -> None:
    assert headline(hand_built()) == {
        "alerts": 101, "alerts_per_day": 20.2, "wrongdoing_alerts": 101,
        "status_only_alerts": 0, "true_alerts": 13, "precision": 13 / 101,
        "persons_flagged": 83, "innocents_flagged": 71, "innocents_per_true_alert": 71 / 13,
        "innocents_per_day": 9.5, "guilty_named_share": 0.125, "lawful_alerts": 5,
        "lawful_share": 5 / 101, "status_alerts": 19, "status_precision": 19 / 101,
        "flagged_per_1000": 41.5, "top1_share_of_flags": 0.37,
        "repeat_flag_share": 0.29, "police_actions": 17, "persons_acted_on": 11,
        "alerts_suppressed": 7, "listed_at_end": 61, "listed_by_contact_at_end": 19,
        "contact_listed_alert_share": 9 / 101, "list_days_per_person": 0.125,
        "redlisted_incidents_unseen": 27, "incidents_hidden_by_redlist": 6,
        "redlisted_incidents_not_in_twin": 4, "right_alerts_looking_false": 8,
        "incidents_stopped": 5, "persons_stopped": 4, "lawful_acts_stopped": 3,
        "incidents_prevented": 3, "incidents_prevented_acted_on": 2,
        "incidents_prevented_spillover": 1, "lawful_acts_prevented": 6,
        "lawful_acts_prevented_acted_on": 5, "lawful_acts_prevented_spillover": 1,
        "prevented_everyone_else": 0, "interception_lawful_share": 6 / 9,
        "unlawful_deterred": 1, "lawful_deterred": 10, "deterred_everyone_else": 0,
        "deterrence_lawful_share": 10 / 11, "precision_seen": 13 / 101,
        "precision_true": 0.2, "null_world_alerts": 33, "null_to_actual_alerts": 33 / 90,
    }


def test_lawful_and_unlawful_prevented_stay_apart() -> None:
    split = [Split("burglary", False, 0, 2, 2, 0, 0), Split("drug_deal", False, 5, 4, -1, 0, 0),
             Split("petition_trip", True, 1, 8, 5, 2, 0)]
    assert Twins.effect(split, lawful=False) == 1
    assert Twins.effect(split, lawful=True) == 7
    h = headline(hand_built(twins=Twins(interception_by_kind=split)))
    assert (h["incidents_prevented"], h["lawful_acts_prevented"]) == (1, 7)
    assert (h["lawful_acts_prevented_acted_on"], h["lawful_acts_prevented_spillover"]) == (5, 2)


def test_everyone_else_is_left_out_of_prevented() -> None:
    split = [Split("petition_trip", True, 10, 14, 2, 1, 1)]
    h = headline(hand_built(twins=Twins(interception_by_kind=split)))
    assert h["lawful_acts_prevented"] == 3 and h["prevented_everyone_else"] == 1


def test_sections_serialise_to_their_metrics_json_part() -> None:
    m = hand_built().metrics
    assert m["redlist"]["with_redlist"]["unseen"] == 27
    assert m["redlist"]["without_redlist"]["unseen"] == 21
    assert m["twins"]["prevented_by_kind"][1] == {
        "kind": "petition_trip", "lawful": True, "with_watch": 10, "without_response": 15,
        "prevented": 5}
    bare = hand_built(twins=None, redlist=RedList(1, 0, RedListCounts(0, 0, 0, 0, 0)))
    assert "twins" not in bare.metrics
    assert set(bare.metrics["redlist"]) == {"redlisted_persons", "alerts_suppressed",
                                            "with_redlist"}
    with pytest.raises(TypeError):  # a column the section does not declare
        RuleFigures.of([{"rule": "r", "alerts": 1, "surplus": 2}])


def test_redlist_table_puts_each_count_in_its_column() -> None:
    red = {"redlisted_persons": 23, "alerts_suppressed": 7,
           "suppressed": {"alerts": 7, "true_alerts": 4, "incidents_found": 2},
           "with_redlist": {"incidents": 31, "unlawful": 29, "unseen": 27, "unseen_unlawful": 25,
                            "alerts_naming_redlisted": 3},
           "without_redlist": {"incidents": 30, "unlawful": 28, "unseen": 21,
                               "unseen_unlawful": 20, "alerts_naming_redlisted": 9},
           "hidden": 6, "unseen_in_twin_too": 15, "not_in_twin": 6, "hidden_unlawful": 5,
           "unseen_in_twin_too_unlawful": 14, "not_in_twin_unlawful": 6}
    report = Report("t")
    redlist_section(report.section("x"), {"scenario": {"seeds": [1, 2]}, "redlist": red})
    table = next(b for b in report.sections[0].blocks if isinstance(b, Table))
    assert table.header == ["", "With the red list", "Twin without it"]
    rows = {r[0]: r[1:] for r in table.rows}
    assert rows["Red-listed people"] == ["23", ""]
    assert rows["Alerts suppressed"] == ["7", ""]
    assert rows["…that would have matched an incident"] == ["4", ""]
    assert rows["…incidents those alerts would have found"] == ["2", ""]
    assert rows["Incidents with a red-listed participant"] == ["31", "30"]
    assert rows["…that no alert saw"] == ["27", "21"]
    assert rows["Unsuppressed alerts naming a red-listed person"] == ["3", "9"]
    assert rows["…of those unseen, seen by an alert in the twin (hidden by the red list)"] == \
        ["6", ""]
    assert rows["…seen by an alert in the twin (hidden), unlawful only"] == ["5", ""]
    assert rows["…unseen in the twin too, unlawful only"] == ["14", ""]
    assert rows["…did not happen in the twin, unlawful only"] == ["6", ""]


def test_status_table_puts_each_figure_in_its_column() -> None:
    water = {"rule": "water", "alerts": 200, "true_alerts": 3, "precision": 0.015,
             "persons_flagged": 410, "status_alerts": 110, "status_precision": 0.55,
             "status_precision_low": 0.481, "status_precision_high": 0.617,
             "status_base_rate": 0.25, "status_lift": 2.2, "status_persons_flagged": 230}
    hotel = {"rule": "hotel", "alerts": 9, "true_alerts": 2, "status_alerts": 0,
             "status_precision": None}
    report = Report("t")
    status_section(report.section("x"), {"rules": [water, hotel]})
    blocks = report.sections[0].blocks
    table = next(b for b in blocks if isinstance(b, Table))
    assert [r[0] for r in table.rows] == ["water"]   # a rule claiming no status is left out
    assert dict(zip(table.header, table.rows[0], strict=True)) == {
        "Rule": "water", "Alerts": "200", "Status alerts": "110",
        "Status precision (95% interval)": "55.0% (48.1%–61.7%)",
        "Base rate (random people it watches)": "25.0%", "Status lift (95% interval)": "2.2×",
        "People flagged for a status": "230", "People flagged": "410",
        "True alerts (wrongdoing)": "3"}
    # with the status lift's interval (a study that kept it)
    kept = Report("t")
    status_section(kept.section("x"), {"rules": [{**water, "status_lift_low": 1.9,
                                                   "status_lift_high": 2.5}, hotel]})
    table = next(b for b in kept.sections[0].blocks if isinstance(b, Table))
    assert table.rows[0][table.header.index("Status lift (95% interval)")] == \
        "2.2× (95% interval 1.9× to 2.5×)"
    empty = Report("t")
    status_section(empty.section("x"), {"rules": [hotel]})
    assert not empty.sections[0].blocks


def _entry(v: float | None) -> dict[str, object]:
    return {"mean": v, "low": None, "high": None, "values": [v]}


def test_summary_says_what_the_numbers_say() -> None:
    head = {k: _entry(v) for k, v in headline(hand_built()).items()}
    wrongdoing = {
        "system": "(rules claiming wrongdoing)", "rules": ["r"], "alerts": 101,
        "true_alerts": 13, "precision": 13 / 101, "precision_low": 0.07, "precision_high": 0.2,
        "innocents_flagged": 71, "persons_flagged": 83, "innocents_per_true_alert": 71 / 13,
        "innocents_per_day": 9.5, "lawful_alerts": 5, "lawful_share": 5 / 101, "suppressed": 7,
        "status_alerts": 19, "status_precision": 19 / 101, "status_precision_low": None,
        "status_precision_high": None, "status_persons_flagged": 15}
    metrics = {"scenario": {"name": "toy", "people": 2000, "days": 5, "seeds": [4]},
               "headline": head, "wrongdoing": wrongdoing, "groups": {"groupings": {}}}
    # One city: the precision carries its nested-bootstrap interval, the twin figures say once
    # that they describe this city only, and no "times as often" is claimed.
    assert summary(metrics) == (
        'In a synthetic city of 2,000 people watched for 5 days (1 simulated city), the toy '
        'system raised 101 alerts. Of the 101 alerts of the rules that claim wrongdoing (in the '
        'one city), 12.9% (95% interval 7.0% to 20.0%) named someone who took part in unlawful '
        'wrongdoing of the kind the rule claims; for every true alert, 5.46 innocent people were '
        'flagged (from 13 true alerts; no interval is computed); 9.5 innocent people a day. 5 '
        'alerts (in the one city) caught only a lawful act (a petition, a lawful protest), which '
        'is never counted as a true alert. 18.8% of all alerts found an administrative status (a '
        'crowded rental), which wrongs nobody and is not counted as a true alert. No listed '
        'category had enough people to compare (groups under the suppression threshold are not '
        'shown). From one city there is no interval across cities for what follows: an interval '
        "there is over this city's people, and a figure without one describes this city only. "
        'The police, who only see what still happened after they acted, would '
        'compute a precision of 12.9% (95% interval 7.0% to 20.0%); against the twin city '
        'without any response it was 20.0% (20 true alerts of 101 alerts). In this city, what '
        'the response prevented: unlawful incidents 3; lawful acts (petitions, protests) 6. In a '
        'twin city where nobody does anything unlawful, the rules aimed at unlawful acts still '
        'raise 0.367 alerts for every alert they raise in the same city with its acts (no police '
        'response in either). 8.9% of alerts named someone who was on a list only because the '
        'police had acted on them before. The red list suppressed 7 alerts.')


def test_registry_is_complete(study) -> None:
    assert len(REGISTRY) == len(FIGURES)
    assert set(study.metrics.headline) == set(REGISTRY)
    for f in FIGURES:
        assert f.unit in ("count", "share", "number") and f.label and f.doc


def test_docs_carry_the_registry_table() -> None:
    text = DOCS.read_text(encoding="utf-8")
    assert docs_table() in text, (
        "docs/metrics.md is out of date with the figure registry; regenerate it with "
        "`python -m custodiet.audit.sim._figures docs/metrics.md`")


def _oracle(run, twin, null, scenario, split) -> dict[str, float | None]:  # type: ignore[no-untyped-def]
    """Headline figures recomputed by brute force in Python from one seed's stores (the
    prevented counts less the audit's everyone-else part, checked on its own elsewhere)."""

    def else_part(lawful: bool) -> int:
        return sum(r["everyone_else"] for r in split if r["lawful"] is lawful)

    from custodiet.audit.sim import DETECTION_WINDOW, claim_for
    from custodiet.schema import (
        ADMINISTRATIVE_INCIDENT_KINDS,
        LAWFUL_INCIDENT_KINDS,
        STANDING_INCIDENT_KINDS,
    )

    claims = {r.name: claim_for(r) for r in scenario.rules}
    h = scenario.audit.horizon_minutes
    # rules aimed at unlawful acts: some claimed kind is an act, neither lawful nor standing
    act_rules = {n for n, c in claims.items() if any(
        k not in LAWFUL_INCIDENT_KINDS | STANDING_INCIDENT_KINDS for k in c.kinds)}

    def acts_alerts(store) -> int:  # type: ignore[no-untyped-def]
        return sum(not a["suppressed_by_redlist"] and a["rule"] in act_rules
                   for a in store.table("alerts").to_pylist())

    alerts = run.table("alerts").to_pylist()
    shown = [a for a in alerts if not a["suppressed_by_redlist"]]
    by_person: dict[int, list[dict]] = {}
    for i in run.table("incidents").to_pylist():
        for p in i["persons"]:
            by_person.setdefault(p, []).append(i)

    def in_window(a, i) -> bool:  # type: ignore[no-untyped-def]
        c = claims[a["rule"]]
        if i["kind"] in STANDING_INCIDENT_KINDS:
            return True
        if c.scored_as == "prediction":
            return 0 <= i["t"] - a["t"] <= h
        return abs(i["t"] - a["t"]) <= DETECTION_WINDOW and \
            (not c.same_place or i["place"] == a["place"])

    def matches(a, p):  # type: ignore[no-untyped-def]
        return [i for i in by_person.get(p, []) if i["kind"] in claims[a["rule"]].kinds
                and in_window(a, i)]

    def wrongdoing(a, p):  # type: ignore[no-untyped-def]
        return [i for i in matches(a, p) if i["kind"] not in ADMINISTRATIVE_INCIDENT_KINDS
                and not i["lawful"]]

    def lawful_act(a, p):  # type: ignore[no-untyped-def]
        return [i for i in matches(a, p) if i["kind"] not in ADMINISTRATIVE_INCIDENT_KINDS
                and i["lawful"]]

    # A true alert matches unlawful wrongdoing; a lawful act is caught, never a hit; an
    # administrative status (a crowded rental) wrongs nobody: both are counted apart and
    # leave their people innocent.
    # Rules that claim only administrative statuses or lawful acts claim no wrongdoing and
    # can never be right: the wrongdoing figures pool the other rules' alerts.
    pooled = [a for a in shown if any(k not in ADMINISTRATIVE_INCIDENT_KINDS | LAWFUL_INCIDENT_KINDS
                                      for k in claims[a["rule"]].kinds)]
    hits = [a for a in pooled if any(wrongdoing(a, p) for p in a["persons"])]
    lawful_only = [a for a in pooled if a not in hits
                   and any(lawful_act(a, p) for p in a["persons"])]
    status_hits = [a for a in shown if any(i["kind"] in ADMINISTRATIVE_INCIDENT_KINDS
                                           for p in a["persons"] for i in matches(a, p))]
    claims_status = any(k in ADMINISTRATIVE_INCIDENT_KINDS for c in claims.values()
                        for k in c.kinds)
    guilty: dict[int, bool] = {}
    for a in pooled:
        for p in a["persons"]:
            guilty[p] = guilty.get(p, False) or bool(wrongdoing(a, p))
    innocents = sum(not g for g in guilty.values())
    flagged = {p for a in shown for p in a["persons"]}
    actions = run.table("actions").to_pylist()

    def count(store, lawful: bool) -> int:  # type: ignore[no-untyped-def]
        return sum((i["kind"] in LAWFUL_INCIDENT_KINDS) == lawful
                   for i in store.table("incidents").to_pylist())

    people = run.table("persons").num_rows
    acted_on = _interception_parts(run, twin, actions)
    return {
        "alerts": len(shown), "wrongdoing_alerts": len(pooled), "true_alerts": len(hits),
        "precision": len(hits) / len(pooled) if pooled else None,
        "persons_flagged": len(flagged), "innocents_flagged": innocents,
        "innocents_per_true_alert": innocents / len(hits) if hits else None,
        "lawful_alerts": len(lawful_only),
        "lawful_share": len(lawful_only) / len(pooled) if pooled else None,
        "status_alerts": len(status_hits),
        "status_precision": len(status_hits) / len(shown) if shown and claims_status else None,
        "flagged_per_1000": 1000 * len(flagged) / people,
        "police_actions": len(actions),
        "persons_acted_on": len({a["person"] for a in actions}),
        "alerts_suppressed": len(alerts) - len(shown),
        "incidents_prevented": count(twin, False) - count(run, False) - else_part(False),
        "lawful_acts_prevented": count(twin, True) - count(run, True) - else_part(True),
        "incidents_prevented_acted_on": acted_on[(False, "touched")],
        "incidents_prevented_spillover": acted_on[(False, "spillover")],
        "lawful_acts_prevented_acted_on": acted_on[(True, "touched")],
        "lawful_acts_prevented_spillover": acted_on[(True, "spillover")],
        "null_world_alerts": acts_alerts(null),
        "null_to_actual_alerts": (acts_alerts(null) / acts_alerts(twin)
                                  if acts_alerts(twin) else None),
    }


def _interception_parts(run, twin, actions: list[dict]) -> dict[tuple[bool, str], float]:  # type: ignore[no-untyped-def]
    """The interception difference (twin − watch) by part, recounted: each participant of an
    incident carries 1/n of it in their own part (touched: acted on, or a tie of someone
    visited; spillover: a tie of a touched person or a co-participant of one)."""
    from custodiet.schema import LAWFUL_INCIDENT_KINDS

    ties = [(t["a"], t["b"]) for t in run.table("ties").to_pylist()]
    visited = {a["person"] for a in actions if a["kind"] == "visit"}
    touched = {a["person"] for a in actions} | {b for a, b in ties if a in visited} | \
        {a for a, b in ties if b in visited}
    runs = [(-1, run.table("incidents").to_pylist()), (1, twin.table("incidents").to_pylist())]
    spill = {b for a, b in ties if a in touched} | {a for a, b in ties if b in touched}
    for _, incidents in runs:
        for i in incidents:
            if touched & set(i["persons"]):
                spill |= set(i["persons"])
    spill -= touched
    out = {(lawful, part): 0.0 for lawful in (False, True) for part in ("touched", "spillover")}
    for sign, incidents in runs:
        for i in incidents:
            for p in i["persons"]:
                part = "touched" if p in touched else "spillover" if p in spill else None
                if part:
                    out[(i["kind"] in LAWFUL_INCIDENT_KINDS, part)] += sign / len(i["persons"])
    return out


def test_headline_figures_match_a_brute_force_oracle(study) -> None:
    # The study's whistle finds crowded rentals, so the oracle checks that they stay apart.
    assert any(v for v in study.metrics.headline["status_alerts"].values)
    for i, s in enumerate(study.seeds):
        head = {k: v.values[i] for k, v in study.metrics.headline.items()}
        with study.open("watch", s) as run, study.open("no_response", s) as twin, \
                study.open("null_world", s) as null:
            split = study.metrics.seeds[i]["twins"]["interception_by_kind"]
            want = _oracle(run, twin, null, study.scenario, split)
        for name, value in want.items():
            assert head[name] == pytest.approx(value), (s, name)


def test_wilson_interval_is_exact_at_the_ends() -> None:
    from custodiet.audit.sim._pooled import wilson

    assert wilson(0, 7) == (0.0, pytest.approx(0.3543, abs=1e-4))  # exactly 0, not a hair above
    assert wilson(7, 7) == (pytest.approx(0.6457, abs=1e-4), 1.0)
    assert wilson(5, 10) == (pytest.approx(0.2366, abs=1e-4), pytest.approx(0.7634, abs=1e-4))
    assert wilson(0, 0) == (None, None)


def test_only_rules_claiming_an_unlawful_act_or_state_enter_the_wrongdoing_figures() -> None:
    # one definition of guilt: a petition, a protest or a crowded rental is no wrongdoing, so
    # a rule claiming only those can never raise a true alert and is left out of the pool
    from custodiet.audit.sim._rules import claim_of
    from custodiet.audit.sim._scoring import wrongdoing_claims

    rules = {"petitions": claim_of(["petition_trip"]), "park": claim_of(["protest"]),
             "meter": claim_of(["crowded_rental"]),
             "mixed": claim_of(["petition_trip", "crowded_rental"]),
             "deals": claim_of(["drug_deal", "protest"]), "sham": claim_of(["sham_marriage"])}
    assert set(wrongdoing_claims(rules)) == {"deals", "sham"}
