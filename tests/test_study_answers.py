"""The report's four answers, each one sentence written from the numbers, on hand-built
metrics: every count lands in its place, and the verdicts follow the thresholds."""

from __future__ import annotations

from typing import Any

from custodiet.report import _answers
from custodiet.report._answers import STATUS_OPENING
from custodiet.report._works import rule_verdicts
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
          innocents: int = 0, lift_low: float | None = None, lift_high: float | None = None,
          bound: bool = False) -> dict[str, Any]:
    return {"rule": name, "alerts": alerts, "true_alerts": true, "lift": lift,
            "precision": precision if precision is not None else (true / alerts if alerts
                                                                   else None),
            "innocents_flagged": innocents, "lift_low": lift_low, "lift_high": lift_high,
            "lift_lower_bound_only": bound}


def _claims(*status_only: str, preventive: tuple[str, ...] = (),
            lawful: dict[str, tuple[str, bool]] | None = None) -> dict[str, Any]:
    rules = [{"rule": r, "kinds": ["crowded_rental"], "scored_as": "detection",
              "action": "none", "status_only": True, "preventive": False} for r in status_only]
    rules += [{"rule": r, "kinds": ["pyramid_recruit"], "scored_as": "prediction",
               "action": "block_travel", "status_only": False, "preventive": True}
              for r in preventive]
    rules += [{"rule": r, "kinds": [kind], "scored_as": "prediction",
               "action": "block_travel" if prevents else "none", "status_only": False,
               "preventive": prevents} for r, (kind, prevents) in (lawful or {}).items()]
    return {"scenario": {"name": "toy", "seeds": [1, 2], "rules": rules}}


def test_works_states_a_verdict_only_where_the_lift_interval_decides_it() -> None:
    # decided above 1, decided below 1, an interval crossing 1, a lower bound only above 1.
    m = {**_claims("meter"), "rules": [
        _rule("meter", 600, 0, None, innocents=161),
        _rule("hotel", 50, 5, 1.2, lift_low=0.6, lift_high=2.4),
        _rule("ticket", 40, 20, 6.0, lift_low=3.1, lift_high=11.0),
        _rule("bar", 90, 1, 0.2, lift_low=0.05, lift_high=0.7),
        _rule("silent", 0, 0, None)]}
    text = works(m)
    assert text.startswith("For 1 of the 3 rules that claim wrongdoing and raised alerts, yes: "
                           "1 rule did better than naming random members of their lists at "
                           "the same moments (the 95% interval of their lift over chance lies "
                           "above 1); 1 did worse (the interval lies below 1); for 1 the "
                           "alerts are too few to tell whether they beat chance; the closest "
                           "to a verdict, hotel, would need about 9.0× as many alerts.")
    assert "The clearest is ticket: lift 6.0× (95% interval 3.1× to 11.0×)." in text
    assert "1 rule (meter) can only find an administrative status and raised 600 alerts" in text
    assert "meter did" not in text and "hotel did better" not in text


def test_works_says_too_few_to_tell_when_no_interval_decides() -> None:
    m = {**_claims(), "rules": [_rule("hotel", 4, 1, 3.0, lift_low=0.4, lift_high=30.0),
                                _rule("park", 2, 0, None, lift_low=0.0, bound=True)]}
    text = works(m)
    assert text.startswith("Too few alerts to tell: for none of the 2 rules")
    assert "better than chance" not in text and "times as often" not in text
    assert works({"rules": [_rule("silent", 0, 0, None)]}).startswith("No rule raised an alert")


def test_works_calls_a_rule_whose_chance_never_hit_better_only_from_its_lower_bound() -> None:
    # true alerts against a chance precision of 0: a lower bound, never "no better than chance"
    m = {**_claims(), "rules": [_rule("dwell", 34, 8, None, lift_low=4.2, bound=True)]}
    assert works(m).startswith("Yes: all 1 rules that claim wrongdoing and raised alerts did "
                               "better than chance")
    assert "at least 4.2× (95% lower bound)" in works(m)


def test_works_says_which_rules_are_scored_against_the_twin() -> None:
    m = {**_claims(preventive=("ticket",)),
         "rules": [_rule("ticket", 40, 0, None, lift_low=0.0, bound=True)]}
    assert "ticket is scored against the twin city without a response" in works(m)


def test_works_sets_apart_the_rules_aimed_only_at_lawful_acts() -> None:
    # a rule claiming only petitions or protests can never raise a true alert: it is neither
    # judged on its lift, nor counted among the rules that claim wrongdoing, nor said to be
    # scored against the twin
    m = {**_claims(lawful={"petitioner_high_risk": ("petition_trip", True),
                           "protesters_same_park": ("protest", False)}),
         "rules": [_rule("petitioner_high_risk", 30, 0, None, lift_low=0.0, bound=True),
                   _rule("protesters_same_park", 19, 0, None, lift_low=0.0, bound=True),
                   _rule("ticket", 40, 20, 6.0, lift_low=3.1, lift_high=11.0)]}
    text = works(m)
    assert set(rule_verdicts(typed(m))) == {"ticket"}
    assert text.startswith("Yes: all 1 rules that claim wrongdoing and raised alerts did "
                           "better than chance")
    assert ("2 rules (petitioner_high_risk, protesters_same_park) aim only at lawful acts (a "
            "petition, a protest): their 49 alerts can never be true, so they are not counted "
            "here") in text
    assert "scored against the twin" not in text and "too few" not in text


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


def _ratio(value: float, low: float, high: float) -> dict[str, Any]:
    return {"flag_rate": {"value": value, "ci": [low, high]}}


def test_burdens_quotes_a_ratio_only_where_its_interval_carries_it() -> None:
    groupings = {
        "mental_illness_recorded": {"groups": [
            _group("mental_illness_recorded", "false", 900, flag_rate=0.02),
            {**_group("mental_illness_recorded", "true", 100, flag_rate=0.11),
             "ratio_to_reference": _ratio(5.5, 4.1, 7.0)}]},
        "drug_use_recorded": {"groups": [   # decided, but too wide to quote a number
            _group("drug_use_recorded", "false", 990, flag_rate=0.001),
            {**_group("drug_use_recorded", "true", 10, flag_rate=0.39),
             "ratio_to_reference": _ratio(391.0, 120.0, 2100.0)}]},
        "foreign": {"groups": [   # crossing 1: undecided
            _group("foreign", "false", 990, flag_rate=0.02),
            {**_group("foreign", "true", 10, flag_rate=0.05),
             "ratio_to_reference": _ratio(2.5, 0.4, 9.0)}]},
    }
    m = {"groups": {"groupings": groupings},
         "scenario": {"name": "toy",
                      "categories": ["mental_illness_recorded", "drug_use_recorded",
                                     "foreign"]}}
    assert burdens(m) == (
        "People with recorded drug use carry the heaviest burden: flagged more often than "
        "everyone else, by a factor of 95% interval 120 to 2,100; also flagged more often: "
        "people with a recorded mental illness 5.5 times as often (95% interval 4.10 to 7.00); "
        "too few flags to tell for foreigners.")
    assert "391" not in burdens(m)


def test_burdens_says_too_few_flags_when_nothing_is_decided() -> None:
    groupings = {"foreign": {"groups": [
        _group("foreign", "false", 990, flag_rate=0.02),
        {**_group("foreign", "true", 10, flag_rate=0.05),
         "ratio_to_reference": _ratio(2.5, 0.4, 9.0)}]}}
    m = {"groups": {"groupings": groupings},
         "scenario": {"name": "toy", "categories": ["foreign"]}}
    assert burdens(m).startswith("Too few flags to tell whether any listed category")


def _burdened(**ratios: tuple[float, float, float]) -> dict[str, Any]:
    groupings = {cat: {"groups": [
        _group(cat, "false", 9000, flag_rate=0.02),
        {**_group(cat, "true", 220, flag_rate=0.02 * r[0]), "ratio_to_reference": _ratio(*r)}]}
        for cat, r in ratios.items()}
    return {"groups": {"groupings": groupings},
            "scenario": {"name": "toy", "categories": list(ratios)}}


def test_burdens_names_no_heaviest_when_the_intervals_overlap() -> None:
    # 3.18-6.08 and 2.26-4.47 overlap: which is heavier is not decided
    m = _burdened(petition_history_recorded=(4.4, 3.18, 6.08),
                  drug_use_recorded=(3.2, 2.26, 4.47))
    assert burdens(m) == (
        "Flagged more often than everyone else: people with a petition history on record "
        "4.4 times as often (95% interval 3.18 to 6.08); people with recorded drug use 3.2 "
        "times as often (95% interval 2.26 to 4.47).")
    apart = burdens(_burdened(petition_history_recorded=(9.0, 7.0, 11.0),
                              drug_use_recorded=(3.2, 2.26, 4.47)))
    assert apart.startswith("People with a petition history on record carry the heaviest "
                            "burden")


def test_burdens_says_no_difference_shown_for_a_narrow_interval_around_one() -> None:
    # 0.62-1.28 lies within a factor of 2 of 1 either way: no difference shown, not too few
    # flags; 0.4-9.0 is too wide to say either
    m = _burdened(criminal_record_recorded=(0.93, 0.62, 1.28), foreign=(2.5, 0.4, 9.0))
    assert burdens(m) == (
        "Too few flags to tell whether any listed category is flagged more often than "
        "everyone else; no difference shown for people with a criminal record (0.9 times "
        "as often; 95% interval 0.62 to 1.28); too few flags to tell for foreigners.")
    alone = burdens(_burdened(criminal_record_recorded=(0.93, 0.62, 1.28)))
    assert alone.startswith("No listed category is shown to be flagged more often than "
                            "everyone else; no difference shown for people with a criminal")
    edge = burdens(_burdened(criminal_record_recorded=(1.0, 0.49, 1.5)))
    assert "no difference shown" not in edge


def test_hides_says_what_the_suppressed_alerts_would_have_found() -> None:
    red = {"redlisted_persons": 40, "alerts_suppressed": 12,
           "suppressed": {"alerts": 12, "true_alerts": 5, "incidents_found": 4},
           "with_redlist": {"incidents": 9, "unseen": 8}}
    assert hides({"redlist": red}) == (
        "The red list exempted 40 people and suppressed 12 alerts, 5 of which would have "
        "matched an incident; red-listed people took part in 9 incidents, 8 of which no alert "
        "saw.")


def test_hides_follows_each_unseen_incident_into_the_twin() -> None:
    """Of 8 unseen, 3 were seen in the twin (2 unlawful, 1 a petition), 4 happened there
    unseen and 1 did not happen there: only the 2 unlawful ones are said to be hidden, the
    petition is given apart, and the study's totals are said to be totals."""
    red = {"redlisted_persons": 40, "alerts_suppressed": 12,
           "with_redlist": {"incidents": 9, "unseen": 8},
           "hidden": 3, "unseen_in_twin_too": 4, "not_in_twin": 1,
           "hidden_unlawful": 2, "unseen_in_twin_too_unlawful": 3, "not_in_twin_unlawful": 0}
    said = hides({"redlist": red, "scenario": {"name": "toy", "seeds": [1, 2]}})
    assert said == (
        "In total over 2 cities, the red list exempted 40 people and suppressed 12 alerts; "
        "red-listed people took part in 9 incidents, 8 of which no alert saw. Of those 8, 2 "
        "unlawful incidents were seen by an alert in the twin city without the red list (what "
        "the red list hid); apart from them, 1 lawful act (a petition, a protest) was seen "
        "there, which hides no wrongdoing; 4 happened there unseen as well (3 unlawful), and 1 "
        "did not happen there at all (0 unlawful; not counted as hidden).")
    one = hides({"redlist": {**red, "hidden": 1, "unseen_in_twin_too": 0, "not_in_twin": 7,
                             "hidden_unlawful": 1, "unseen_in_twin_too_unlawful": 0,
                             "not_in_twin_unlawful": 5},
                 "scenario": {"name": "toy", "seeds": [1]}})
    assert one.startswith("The red list exempted")
    assert "1 unlawful incident was seen by an alert" in one and "lawful act" not in one
    assert "7 did not happen there at all (5 unlawful;" in one
    # a store written before the unlawful counts says the lawful acts are included
    old = {k: v for k, v in red.items() if not k.endswith("_unlawful")}
    said = hides({"redlist": old, "scenario": {"name": "toy", "seeds": [1]}})
    assert "3 were seen by an alert in the twin city without the red list (what the red " \
        "list hid, lawful acts included)" in said


def test_knowable_compares_what_the_police_see_with_the_twin_as_totals() -> None:
    m = {"knowability": [
        {"rule": "a", "alerts": 80, "true_alerts_seen": 2, "true_alerts_true": 10,
         "precision_seen": 0.025, "precision_true": 0.125, "hidden_true_alerts": 8,
         "lawful_alerts_seen": 1, "lawful_alerts_true": 7},
        {"rule": "b", "alerts": 20, "true_alerts_seen": 3, "true_alerts_true": 3,
         "precision_seen": 0.15, "precision_true": 0.15, "hidden_true_alerts": 0}],
         "scenario": {"name": "toy", "seeds": [1, 2]}}
    assert knowable(m) == (
        "Not from the police's own records: in total over 2 cities, 5 of 100 alerts matched "
        "unlawful wrongdoing in what still happened after the police acted, against 13 when "
        "the same alerts are scored in the twin city without any response; 8 alerts that were "
        "right look false in the police's records because acting on them stopped what they "
        "pointed to. 6 more alerts caught a lawful act (a petition, a protest) in the twin "
        "than in the police's records: the response stopped it.")


def test_knowable_counts_distinct_acts_and_people_apart_from_alerts() -> None:
    """9 alerts right in the twin look false to the police (true 13, seen 5: 4 alerts true in
    both, so 1 looks right only because of the response); they pointed to 4 distinct
    incidents by 3 people, which is what the sentence says was stopped."""
    m = {"knowability": [
        {"rule": "a", "alerts": 80, "true_alerts_seen": 2, "true_alerts_true": 10,
         "precision_seen": 0.025, "precision_true": 0.125, "hidden_true_alerts": 8,
         "lawful_alerts_seen": 1, "lawful_alerts_true": 7},
        {"rule": "b", "alerts": 20, "true_alerts_seen": 3, "true_alerts_true": 3,
         "precision_seen": 0.15, "precision_true": 0.15, "hidden_true_alerts": 0}],
         "stopped": {"alerts": 9, "incidents": 4, "persons": 3, "lawful_alerts": 6,
                     "lawful_acts": 2, "lawful_persons": 5},
         "scenario": {"name": "toy", "seeds": [1, 2]}}
    assert knowable(m) == (
        "Not from the police's own records: in total over 2 cities, 5 of 100 alerts matched "
        "unlawful wrongdoing in what still happened after the police acted, against 13 when "
        "the same alerts are scored in the twin city without any response; 9 alerts that were "
        "right look false in the police's records: they pointed to 4 distinct incidents, by 3 "
        "people, that did not happen once the police acted (several alerts can point to one "
        "act); the response made 1 alerts look right that would not have been. 6 alerts "
        "caught a lawful act (a petition, a protest) in the twin and none in the police's "
        "records: they pointed to 2 distinct lawful acts, by 5 people, that the response "
        "stopped.")


def test_knowable_says_the_records_agree_where_they_do() -> None:
    rows = [{"rule": "a", "alerts": 1054, "true_alerts_seen": 5, "true_alerts_true": 5,
             "precision_seen": 5 / 1054, "precision_true": 5 / 1054, "hidden_true_alerts": 0}]
    stopped = {"alerts": 0, "incidents": 0, "persons": 0, "lawful_alerts": 0,
               "lawful_acts": 0, "lawful_persons": 0}
    agree = ("Here the police's own records agree with the twin city without any response: "
             "in total over 2 cities, 5 of 1,054 alerts matched unlawful wrongdoing in what "
             "still happened after the police acted, and as many when the same alerts are "
             "scored in the twin.")
    seeds = {"name": "toy", "seeds": [1, 2]}
    assert knowable({"knowability": rows, "stopped": stopped, "scenario": seeds}) == agree
    assert knowable({"knowability": rows, "scenario": seeds}) == agree
    # one alert right in the twin looks false, one looks right only because of the response
    # (seen 5 = true 5 - 1 + 1): the counts agree, the records do not
    differ = knowable({"knowability": rows, "stopped": {**stopped, "alerts": 1, "incidents": 1,
                                                        "persons": 1}, "scenario": seeds})
    assert differ.startswith("Not from the police's own records: in total over 2 cities, 5 "
                             "of 1,054 alerts")
    assert "the response made 1 alerts look right" in differ
    from custodiet.audit.sim import summarise

    same = knowable({"knowability": rows, "scenario": seeds,
                     "headline": {"contact_listed_alert_share": summarise([0.2, 0.2])}})
    assert same.endswith(" 20.0% of alerts (in each of the 2 cities; too few cities for an "
                         "interval) named someone on a list only because the police had acted "
                         "on them before.")


def _effect(kind: str, lawful: bool, deterred: list[float], intercepted: list[float]
            ) -> dict[str, Any]:
    from custodiet.audit.sim import summarise

    total = [a + b for a, b in zip(deterred, intercepted, strict=True)]
    return {"kind": kind, "lawful": lawful, "deterred": summarise(deterred),
            "intercepted": summarise(intercepted), "total": summarise(total)}


def test_watched_gives_no_zero_width_interval_from_two_cities_that_agree() -> None:
    """One petition deterred in each of two cities: the same in both, so no interval (a
    zero-width one would claim what two cities cannot); three cities that agree keep it."""
    two = _answers.watched(typed({"effects": [_effect("petition_trip", True, [1, 1], [0, 0])],
                                  "scenario": {"name": "toy", "seeds": [1, 2]}}))
    assert two is not None
    assert "interval 1 to 1" not in two and "100.0% to 100.0%" not in two
    assert ("per city, 1 in each of the 2 cities (too few cities for an interval) fewer than "
            "with no system at all") in two
    assert "the deterred share is 100.0% in each of the 2 cities (too few cities" in two
    three = _answers.watched(typed({"effects": [
        _effect("petition_trip", True, [1, 1, 1], [0, 1, 2])],
        "scenario": {"name": "toy", "seeds": [1, 2, 3]}}))
    assert three is not None and "1 (95% interval 1 to 1) is people not petitioning" in three


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


def test_a_lift_unknown_with_true_alerts_does_not_say_there_was_none() -> None:
    from custodiet.audit.sim import PooledRule
    from custodiet.report._study_views import _lift

    none = partial(PooledRule, {**_rule("quiet", 40, 0, None, lift_low=0.0, bound=True),
                                "chance_precision": 0.0})
    assert _lift(none) == "not known (no true alert, chance never hit)"
    some = partial(PooledRule, {**_rule("station", 40, 3, None, lift_low=0.0, bound=True),
                                "chance_precision": 0.0})
    assert _lift(some) == "not known (chance never hit; 3 true alerts, too few to tell)"
