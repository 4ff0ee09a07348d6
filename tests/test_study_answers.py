"""The report's four answers, each one sentence written from the numbers, on hand-built
metrics: every count lands in its place, and the verdicts follow the thresholds."""

from __future__ import annotations

from typing import Any

from custodiet.report import _answers
from custodiet.report._answers import STATUS_OPENING
from tests._typed import partial, typed


def works(m: dict[str, Any]) -> str:
    return _answers.works(typed(m))


def statuses(m: dict[str, Any]) -> str | None:
    return _answers.statuses(typed(m))


def burdens(m: dict[str, Any]) -> str:
    return _answers.burdens(typed(m))


def hides(m: dict[str, Any]) -> str:
    return _answers.hides(typed(m))


def knowable(m: dict[str, Any]) -> str:
    return _answers.knowable(typed(m))


def unseen(m: dict[str, Any]) -> str | None:
    return _answers.unseen(typed(m))


def _rule(name: str, alerts: int, true: int, lift: float | None, precision: float | None = None,
          innocents: int = 0) -> dict[str, Any]:
    return {"rule": name, "alerts": alerts, "true_alerts": true, "lift": lift,
            "precision": precision if precision is not None else (true / alerts if alerts
                                                                   else None),
            "innocents_flagged": innocents}


def test_works_counts_rules_that_never_hit_are_at_chance_or_better() -> None:
    m = {"rules": [_rule("meter", 600, 0, None, innocents=161), _rule("hotel", 50, 5, 1.2),
                   _rule("ticket", 40, 20, 6.0), _rule("silent", 0, 0, None)]}
    assert works(m) == (
        "Mostly not: of the 3 rules that raised alerts, 1 never raised a true one and 1 did no "
        "better than naming random members of their lists at the same moments (less than 1.5 "
        "times chance); 1 did better, the best being ticket (6.0 times chance, precision "
        "50.0%).")
    m["rules"] = m["rules"][:2]
    assert works(m).startswith("No: of the 2 rules that raised alerts, 1 never raised a true "
                               "one and 1 did no better")
    assert works({"rules": [_rule("silent", 0, 0, None)]}).startswith("No rule raised an alert")


def test_works_counts_a_rule_that_found_only_statuses_as_never_true() -> None:
    whistle = {**_rule("water", 1000, 0, None, innocents=900), "status_precision": 0.55,
               "status_base_rate": 0.25, "status_lift": 2.2}
    assert works({"rules": [whistle, _rule("ticket", 40, 20, 6.0)]}).startswith(
        "Mostly not: of the 2 rules that raised alerts, 1 never raised a true one and 0 "
        "did no better")


def test_statuses_says_what_each_rule_found_against_its_base_rate() -> None:
    m = {"rules": [
        {**_rule("power", 300, 2, 0.5), "status_precision": 0.1, "status_base_rate": 0.2,
         "status_lift": 0.5},
        {**_rule("water", 1855, 0, None), "status_precision": 0.549, "status_base_rate": 0.2436,
         "status_lift": 0.549 / 0.2436},
        {**_rule("idle", 0, 0, None), "status_precision": None},
        _rule("hotel", 50, 5, 1.2)]}   # claims no status: not named
    assert statuses(m) == (
        STATUS_OPENING + " Of the rules that claim one, water found one in 54.9% of its 1,855 "
        "alerts, against a base rate of 24.4% for the same alerts naming random people it "
        "watches (2.3 times chance); power found one in 10.0% of its 300 alerts, against a "
        "base rate of 20.0% for the same alerts naming random people it watches (0.5 times "
        "chance).")
    assert STATUS_OPENING.startswith("An administrative status") and \
        "wrongs nobody" in STATUS_OPENING and "not counted as a true alert" in STATUS_OPENING
    assert statuses({"rules": [_rule("hotel", 50, 5, 1.2)]}) is None
    no_chance = {"rules": [{**_rule("water", 10, 0, None), "status_precision": 0.3}]}
    assert statuses(no_chance) == (STATUS_OPENING + " Of the rules that claim one, water "
                                   "found one in 30.0% of its 10 alerts.")


def _group(col: str, value: str, n: int, **metrics: float) -> dict[str, Any]:
    return {"group": {col: value}, "counts": {"n": n},
            "metrics": {k: {"value": v} for k, v in metrics.items()}}


def test_burdens_names_the_most_flagged_category_with_its_ratios() -> None:
    groupings = {
        "mental_illness_recorded": {"groups": [
            _group("mental_illness_recorded", "false", 900, flag_rate=0.02, list_days=0.5,
                   contacts=0.01, camera_days=3.0),
            _group("mental_illness_recorded", "true", 100, flag_rate=0.11, list_days=13.5,
                   contacts=0.03, camera_days=6.0)]},
        "foreign": {"groups": [_group("foreign", "false", 990, flag_rate=0.02),
                               _group("foreign", "true", 10, flag_rate=0.05)]},
        "drug_use_recorded": {"groups": [_group("drug_use_recorded", "false", 990,
                                                flag_rate=0.02)]},
    }
    m = {"groups": {"groupings": groupings},
         "scenario": {"categories": ["mental_illness_recorded", "foreign", "drug_use_recorded"]}}
    assert burdens(m) == (
        "People with a recorded mental illness carry the heaviest burden: flagged 5.5 times as "
        "often as everyone else, with 27 times the days on a list, 3.0 times the police "
        "contacts and 2.0 times the days under a camera; foreigners 2.5 times as often.")


def test_hides_says_what_the_suppressed_alerts_would_have_found() -> None:
    red = {"redlisted_persons": 40, "alerts_suppressed": 12,
           "suppressed": {"alerts": 12, "true_alerts": 5, "incidents_found": 4},
           "with_redlist": {"incidents": 9, "unseen": 8}, "hidden": 3}
    assert hides({"redlist": red}) == (
        "The red list exempted 40 people and suppressed 12 alerts, 5 of which would have "
        "matched an incident; red-listed people took part in 9 incidents, 8 of which no alert "
        "saw (3 of them seen in the twin city without the red list).")


def test_knowable_compares_the_police_precision_with_the_twins() -> None:
    m = {"knowability": [
        {"alerts": 80, "true_alerts_seen": 2, "true_alerts_true": 10},
        {"alerts": 20, "true_alerts_seen": 3, "true_alerts_true": 3}],
         "headline": {"contact_listed_alert_share": {"mean": 0.25}}}
    assert knowable(m) == (
        "Not from the police's own records: they would compute a precision of 5.0%, against "
        "13.0% in the twin city without any response, because acting on 8 correct alerts "
        "stopped what they predicted and made them look false. 25.0% of alerts named someone "
        "on a list only because the police had acted on them before.")


def test_unseen_puts_each_trip_count_in_its_place() -> None:
    trips = {"petition_trips": 200, "no_ticket": 90, "unrecorded": 51, "no_alert": 170,
             "unseen": 33, "evasive": 40}
    assert unseen({"trips": trips}) == (
        "Of 200 petition trips to the capital, 90 left no ticket (a private car or driver) and "
        "51 passed no checkpoint either; no alert matched 170 of them, and 33 (16.5%) were "
        "seen by nobody: no ticket, no checkpoint, no alert.")
    assert unseen({"trips": {**trips, "petition_trips": 0}}) is None
    assert unseen({}) is None


def test_a_rule_that_never_fired_says_so_instead_of_five_undefined_ratios() -> None:
    from custodiet.audit.sim import PooledRule
    from custodiet.report._study_views import _accuracy_cells

    silent = partial(PooledRule, {**_rule("silent", 0, 0, None),
                                  "innocents_per_true_alert": None})
    assert _accuracy_cells(silent) == ["never fired (no alert)", "", "", "", "0"]
    missed = partial(PooledRule, {**_rule("meter", 600, 0, None, innocents=161),
                                  "chance_precision": 0.0, "innocents_per_true_alert": None})
    assert _accuracy_cells(missed)[2:] == ["chance never hit", "0 true alerts, 161 innocents "
                                           "flagged", "161"]
