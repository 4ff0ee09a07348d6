"""The audit of one simulated study (one seed): the watch run and its twins, each read from its
run store, reduced to typed sections (per rule, burden, lists, red list, twins, time series),
the headline figures of the registry, and the person-level table every group metric is
computed from.

All the work is SQL over the stores; nothing here loops over persons, alerts or incidents.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import duckdb
import pyarrow as pa

from custodiet.audit.sim._burden import (
    camera_days,
    categories_in,
    flagged_by_system,
    lists_by_category,
)
from custodiet.audit.sim._figures import REGISTRY
from custodiet.audit.sim._innocent_rows import innocent_rows
from custodiet.audit.sim._lists import (
    contact_alert_rows,
    contact_listed_alerts,
    feedback_by_list,
    list_composition,
    list_sizes,
    person_list_days,
)
from custodiet.audit.sim._null import null_alerts, null_world_figures
from custodiet.audit.sim._people import burden_concentration, person_outcomes
from custodiet.audit.sim._redlist import redlist_metrics, suppressed_would_find
from custodiet.audit.sim._rules import overall_metrics
from custodiet.audit.sim._scoring import claims, scored, wrongdoing_claims
from custodiet.audit.sim._sections import (
    AlertsOnDay,
    Burden,
    CategoryBurden,
    ContactListedAlerts,
    Lift,
    ListCategory,
    ListComposition,
    ListFeedback,
    Lists,
    ListSize,
    PetitionTrips,
    Police,
    RedList,
    RedListCounts,
    RuleFigures,
    Suppressed,
    SystemFigures,
    Twins,
    Workload,
)
from custodiet.audit.sim._seed_twins import SeedRuns, twins_of
from custodiet.audit.sim._seed_twins import has_table as _has
from custodiet.audit.sim._systems import system_metrics, systems_of
from custodiet.audit.sim._unseen import unseen_trips
from custodiet.scenario import Scenario
from custodiet.schema import MINUTES_PER_DAY

#: Share of the population whose flags the burden-concentration figure adds up (the top 1%).
TOP_SHARE: float = 0.01

Con = duckdb.DuckDBPyConnection


def alerts_by_day(con: Con, days: int) -> list[AlertsOnDay]:
    return AlertsOnDay.of(con.execute("""
        SELECT rule, least(t // $per_day, $last)::INTEGER AS day,
               count(*) FILTER (WHERE NOT suppressed_by_redlist) AS alerts,
               count(*) FILTER (WHERE suppressed_by_redlist) AS suppressed
        FROM alerts GROUP BY ALL ORDER BY rule, day""",
        {"per_day": MINUTES_PER_DAY, "last": days - 1}).to_arrow_table())


@dataclass
class SeedAudit:
    """One seed's typed sections and its ``people`` table (one row per person: groups,
    flagged, label, contacts, list_days); ``metrics`` is its part of ``metrics.json`` and
    ``headline`` its headline figures (names from the registry)."""

    seed: int
    overall: RuleFigures
    rules: list[RuleFigures]
    burden: Burden
    police: Police
    alerts_by_day: list[AlertsOnDay]
    people: pa.Table
    lists: Lists | None = None
    list_days_per_person: float | None = None
    redlist: RedList | None = None
    twins: Twins | None = None
    lift: list[Lift] | None = None
    systems: list[SystemFigures] | None = None
    trips: PetitionTrips | None = None
    alert_hits: pa.Table | None = None
    """Every real and chance alert's outcome (``_rules.ALERT_HITS`` plus ``chance``): what
    the clustered intervals of precision and lift resample; not part of ``metrics``."""
    wrongdoing_rules: list[str] | None = None
    """The rules the ``overall`` figures pool (those claiming some wrongdoing)."""
    days: int | None = None
    """The days the city was watched (what ``innocents_per_day`` divides by)."""
    contact_alerts: pa.Table | None = None
    """Every unsuppressed alert with whether it named someone listed only because of a police
    contact (``_lists.contact_alert_rows``): what the clustered interval of the contact-listed
    share of alerts resamples; not part of ``metrics``."""
    innocents: pa.Table | None = None
    """Every person the ``overall`` rules flagged (``_rules.INNOCENT_ROWS``): what the
    clustered interval of innocents per true alert resamples; not part of ``metrics``."""
    rule_innocents: pa.Table | None = None
    """Every person each rule flagged (``_rules.RULE_INNOCENT_ROWS``), where the rule was
    scored: what each rule's and system's interval of innocents per true alert resamples;
    not part of ``metrics``."""
    null_alerts: pa.Table | None = None
    """Every alert of the watched run, the no-response twin and the null world, with its
    cluster (``_null.NULL_ALERTS``): what the null-world ratio's interval resamples; not part
    of ``metrics``."""
    sections: dict[str, Any] = field(default_factory=dict)  # the SECTION_MODULES' rows by key
    burden_by_system: list[CategoryBurden] | None = None
    """Per system and listed category: people and those flagged, against everyone else."""

    @property
    def workload(self) -> Workload | None:
        """The officers' workload (a section written as one module)."""
        return self.sections.get("workload")

    @property
    def metrics(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "seed": self.seed, "overall": self.overall.to_dict(),
            "rules": [r.to_dict() for r in self.rules], "burden": self.burden.to_dict(),
            "police": self.police.to_dict(),
            "alerts_by_day": [r.to_dict() for r in self.alerts_by_day]}
        for name in ("lists", "redlist", "trips"):
            part = getattr(self, name)
            if part is not None:
                out[name] = part.to_dict()
        for name in ("lift", "systems", "burden_by_system"):
            rows = getattr(self, name)
            if rows is not None:
                out[name] = [r.to_dict() for r in rows]
        if self.twins is not None and not self.twins.empty:
            out["twins"] = self.twins.to_dict()
        out.update({k: v.to_dict() for k, v in self.sections.items() if v is not None})
        return out

    @property
    def headline(self) -> dict[str, float | None]:
        return headline(self)


def headline(a: SeedAudit) -> dict[str, float | None]:
    """The seed's headline figures, each read from its section (every name registered)."""
    o, b = a.overall, a.burden
    alerts = sum(r.alerts for r in a.rules)
    status = sum(r.status_alerts for r in a.rules)
    claims_status = any(r.status_precision is not None for r in a.rules)
    out: dict[str, float | None] = {
        "alerts": alerts, "alerts_per_day": sum(r.alerts_per_day for r in a.rules),
        "wrongdoing_alerts": o.alerts, "status_only_alerts": alerts - o.alerts,
        "true_alerts": o.true_alerts, "precision": o.precision,
        "persons_flagged": b.persons_flagged, "innocents_flagged": o.innocents_flagged,
        "innocents_per_true_alert": o.innocents_per_true_alert,
        "innocents_per_day": o.innocents_per_day,
        "guilty_named_share": o.guilty_named_share,
        "lawful_alerts": o.lawful_alerts, "lawful_share": o.lawful_share,
        "status_alerts": status,
        "status_precision": (status / alerts if alerts else None) if claims_status else None,
        "flagged_per_1000": 1000.0 * b.persons_flagged / max(a.people.num_rows, 1),
        "top1_share_of_flags": b.top_share, "repeat_flag_share": b.repeat_share,
        "police_actions": a.police.actions, "persons_acted_on": a.police.persons,
        "alerts_suppressed": sum(r.suppressed for r in a.rules),
    }
    if a.lists is not None:
        end = a.lists.at_end()
        fb = a.lists.contact_listed_alerts
        total = sum(r.alerts for r in fb)
        out.update({
            "listed_at_end": end.members if end else 0,
            "listed_by_contact_at_end": end.from_contact if end else 0,
            "contact_listed_alert_share": (sum(r.contact_listed for r in fb) / total
                                           if total else None),
            "list_days_per_person": a.list_days_per_person,
        })
    if a.trips is not None:
        out["petition_trips_unseen"] = a.trips.unseen
        out["petition_trips_no_alert"] = a.trips.no_alert
    if a.redlist is not None:
        out["redlisted_incidents_unseen"] = a.redlist.with_redlist.unseen
        if a.redlist.hidden is not None:
            hidden = a.redlist.hidden_unlawful  # a lawful act hides no wrongdoing
            out["incidents_hidden_by_redlist"] = (a.redlist.hidden if hidden is None
                                                  else hidden)
            out["redlisted_incidents_not_in_twin"] = a.redlist.not_in_twin
    if a.twins is not None:
        out.update(_twin_headline(a.twins))
    unknown = set(out) - set(REGISTRY)
    assert not unknown, f"headline figures missing from the registry: {sorted(unknown)}"
    return out


def _twin_headline(t: Twins) -> dict[str, float | None]:
    """The headline figures the twins give: what the police compute against the truth, what
    acting stopped, interception and deterrence, the null world's ratio."""
    out: dict[str, float | None] = {}
    if t.prevented_by_kind is not None:
        out.update({"precision_seen": t.precision_seen, "precision_true": t.precision_true})
    if t.stopped is not None:
        out.update({"right_alerts_looking_false": t.stopped.alerts,
                    "incidents_stopped": t.stopped.incidents,
                    "persons_stopped": t.stopped.persons,
                    "lawful_acts_stopped": t.stopped.lawful_acts})
    if t.interception_by_kind is not None:
        out.update(_effects(t))
    if t.null_world_alerts_by_rule is not None:
        out.update(null_world_figures(t.null_world_alerts_by_rule))
    return out


def _effects(t: Twins) -> dict[str, float | None]:
    """Prevented (interception) and deterred incidents, each only the part the change caused
    (touched persons and the spillover), with the parts and the lawful shares."""
    i, d = t.interception_by_kind, t.deterrence_by_kind
    out: dict[str, float | None] = {
        "incidents_prevented": t.effect(i, lawful=False),
        "incidents_prevented_acted_on": t.effect(i, lawful=False, part="touched"),
        "incidents_prevented_spillover": t.effect(i, lawful=False, part="spillover"),
        "lawful_acts_prevented": t.effect(i, lawful=True),
        "lawful_acts_prevented_acted_on": t.effect(i, lawful=True, part="touched"),
        "lawful_acts_prevented_spillover": t.effect(i, lawful=True, part="spillover"),
        "prevented_everyone_else": sum(r.everyone_else for r in i or []),
    }
    out["interception_lawful_share"] = _share(out["lawful_acts_prevented"],
                                              out["incidents_prevented"])
    if d is not None:
        out.update({"unlawful_deterred": t.effect(d, lawful=False),
                    "lawful_deterred": t.effect(d, lawful=True),
                    "deterred_everyone_else": sum(r.everyone_else for r in d)})
        out["deterrence_lawful_share"] = _share(out["lawful_deterred"],
                                                out["unlawful_deterred"])
    return out


def _share(lawful: float | None, unlawful: float | None) -> float | None:
    """lawful / (lawful + unlawful), undefined when the total is not positive."""
    if lawful is None or unlawful is None or lawful + unlawful <= 0:
        return None
    return lawful / (lawful + unlawful)


def _lists(watch: Con, people: pa.Table, scenario: Scenario, groups: list[str]
           ) -> tuple[Lists | None, pa.Table]:
    """The lists section and the person table with ``list_days``, ``contact_listed`` and
    ``camera_days``."""
    days = scenario.world.days
    if _has(watch, "list_changes"):
        days_on = person_list_days(watch, days=days)
        lists = Lists(ListSize.of(list_sizes(watch, days=days)),
                      ListComposition.of(list_composition(watch, days=days, groups=groups)),
                      ContactListedAlerts.of(contact_listed_alerts(watch, days=days)),
                      ListFeedback.of(feedback_by_list(
                          watch, days=days,
                          rule_lists={r.name: list(r.lists) for r in scenario.rules})),
                      ListCategory.of(lists_by_category(watch, days=days,
                                                        categories=categories_in(watch))))
    else:
        days_on = pa.table({"person_id": people["person_id"],
                            "list_days": pa.array([0] * people.num_rows, pa.int64()),
                            "contact_listed": pa.array([False] * people.num_rows)})
        lists = None
    people = people.append_column("list_days", days_on["list_days"]).append_column(
        "contact_listed", days_on["contact_listed"]).append_column(
        "camera_days", camera_days(watch, days=days)["camera_days"])
    return lists, people


def audit_seed(runs: SeedRuns | Mapping[str, Con], scenario: Scenario, *, seed: int
               ) -> SeedAudit:
    """Audit one seed: ``runs`` holds a connection to each run's tables (``watch`` required,
    each twin when it ran; a mapping from run name to connection is read as one)."""
    runs = SeedRuns.of(runs)
    watch = runs.watch
    days, horizon = scenario.world.days, scenario.audit.horizon_minutes
    rules = claims(scenario)
    wrongdoing = wrongdoing_claims(rules)
    overall = RuleFigures(**overall_metrics(watch, rules=wrongdoing, days=days, horizon=horizon))
    contacts = watch.execute("SELECT count(*), count(DISTINCT person) FROM actions").fetchone()
    lists, people = _lists(watch, person_outcomes(watch), scenario, list(scenario.audit.groups))
    red = _redlist(runs, scenario, rules) if lists is not None else None
    figures, lift, hits, flagged = scored(watch, runs.no_response, scenario, rules, seed=seed)
    nulls = (null_alerts(watch, runs.no_response, runs.null_world)
             if runs.null_world is not None else None)
    systems = systems_of(scenario)
    return SeedAudit(
        seed=seed, overall=overall, rules=RuleFigures.of(figures),
        burden=Burden(**burden_concentration(watch, top=TOP_SHARE)),
        police=Police(int(contacts[0]), int(contacts[1])),
        alerts_by_day=alerts_by_day(watch, days), people=people, lists=lists,
        list_days_per_person=(float(pa.compute.mean(people["list_days"]).as_py() or 0)
                              if lists is not None else None),
        redlist=red, twins=twins_of(runs, overall, rules=rules, days=days, horizon=horizon,
                                    nulls=nulls),
        lift=Lift.of(lift), alert_hits=hits, null_alerts=nulls,
        wrongdoing_rules=sorted(wrongdoing), days=days,
        contact_alerts=(contact_alert_rows(watch, days=days) if lists is not None else None),
        innocents=innocent_rows(watch, rules=wrongdoing, horizon=horizon),
        rule_innocents=flagged,
        systems=SystemFigures.of(system_metrics(watch, systems=systems, rules=rules,
                                                days=days, horizon=horizon)),
        burden_by_system=CategoryBurden.of(flagged_by_system(
            watch, systems=systems, categories=categories_in(watch))),
        trips=(PetitionTrips(**unseen_trips(watch, rules=rules, horizon=horizon,
                                            tickets=scenario.sensors.tickets,
                                            checkpoints=scenario.sensors.checkpoints))
               if _has(watch, "trips") else None))


def _redlist(runs: SeedRuns, scenario: Scenario, rules: dict[str, list[str]]) -> RedList:
    watch, horizon = runs.watch, scenario.audit.horizon_minutes
    r = redlist_metrics(watch, runs.no_redlist, officials=scenario.redlist.officials,
                        lists=scenario.redlist.lists, rules=rules, horizon=horizon)
    without = r.get("without_redlist")
    return RedList(redlisted_persons=r["redlisted_persons"],
                   alerts_suppressed=r["alerts_suppressed"],
                   with_redlist=RedListCounts(**r["with_redlist"]),
                   without_redlist=RedListCounts(**without) if without is not None else None,
                   hidden=r.get("hidden"), unseen_in_twin_too=r.get("unseen_in_twin_too"),
                   not_in_twin=r.get("not_in_twin"), hidden_unlawful=r.get("hidden_unlawful"),
                   unseen_in_twin_too_unlawful=r.get("unseen_in_twin_too_unlawful"),
                   not_in_twin_unlawful=r.get("not_in_twin_unlawful"),
                   suppressed=Suppressed(**suppressed_would_find(
                       watch, rules=rules, days=scenario.world.days, horizon=horizon)))

