"""The audit of one simulated study (one seed): the watch run and its twins, each read from its
run store, reduced to figures (per rule, burden, lists, red list, twins, time series) and the
person-level table every group metric is computed from.

All the work is SQL over the stores; nothing here loops over persons, alerts or incidents.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import duckdb
import pyarrow as pa

from custodiet.audit._sim_lists import (
    contact_listed_alerts,
    list_composition,
    list_sizes,
    person_list_days,
)
from custodiet.audit._sim_people import burden_concentration, person_outcomes
from custodiet.audit._sim_redlist import redlist_metrics
from custodiet.audit._sim_rules import overall_metrics, rule_metrics
from custodiet.audit._sim_twins import prevented_by_kind, seen_versus_true_precision
from custodiet.scenario import Scenario
from custodiet.schema import MINUTES_PER_DAY

#: Share of the population whose flags the burden-concentration figure adds up (the top 1%).
TOP_SHARE: float = 0.01


def claims(scenario: Scenario) -> dict[str, list[str]]:
    """Each rule's name → the incident kinds it claims to detect."""
    return {r.name: list(r.detects) for r in scenario.rules}


def _rows(table: pa.Table) -> list[dict[str, Any]]:
    return table.to_pylist()


def _has(con: duckdb.DuckDBPyConnection, name: str) -> bool:
    return bool(con.execute("SELECT count(*) FROM information_schema.tables WHERE table_name = ?",
                            [name]).fetchone()[0])


def _alerts_by_day(con: duckdb.DuckDBPyConnection, days: int) -> list[dict[str, Any]]:
    return _rows(con.execute(f"""
        SELECT rule, least(t // {MINUTES_PER_DAY}, {days - 1})::INTEGER AS day,
               count(*) FILTER (WHERE NOT suppressed_by_redlist) AS alerts,
               count(*) FILTER (WHERE suppressed_by_redlist) AS suppressed
        FROM alerts GROUP BY ALL ORDER BY rule, day""").to_arrow_table())


def _alerts_per_rule(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    rows = con.execute("SELECT rule, count(*) FROM alerts WHERE NOT suppressed_by_redlist "
                       "GROUP BY rule").fetchall()
    return {r: int(n) for r, n in rows}


@dataclass
class SeedAudit:
    """One seed's figures (JSON-ready ``metrics``, flat ``headline`` numbers) and its
    ``people`` table (one row per person: groups, flagged, label, contacts, list_days)."""

    seed: int
    metrics: dict[str, Any]
    headline: dict[str, float | None]
    people: pa.Table


def audit_seed(runs: Mapping[str, duckdb.DuckDBPyConnection], scenario: Scenario, *,
               seed: int) -> SeedAudit:
    """Audit one seed: ``runs`` maps a variant name (``watch`` required; ``no_response``,
    ``no_redlist``, ``null_world`` when present) to a connection holding that run's tables."""
    watch = runs["watch"]
    days = scenario.world.days
    horizon = scenario.audit.horizon_minutes
    rules = claims(scenario)
    groups = list(scenario.audit.groups)
    overall = overall_metrics(watch, rules=rules, days=days, horizon=horizon)
    per_rule = rule_metrics(watch, rules=rules, days=days, horizon=horizon)
    burden = burden_concentration(watch, top=TOP_SHARE)
    contacts = watch.execute("SELECT count(*), count(DISTINCT person) FROM actions").fetchone()
    people = person_outcomes(watch)
    has_lists = _has(watch, "list_changes")
    if has_lists:
        days_on = person_list_days(watch, days=days)
        sizes = list_sizes(watch, days=days)
        composition = list_composition(watch, days=days, groups=groups)
        feedback = contact_listed_alerts(watch, days=days)
    else:
        days_on = pa.table({"person_id": people["person_id"],
                            "list_days": pa.array([0] * people.num_rows, pa.int64()),
                            "contact_listed": pa.array([False] * people.num_rows)})
        sizes = composition = feedback = None
    people = people.append_column("list_days", days_on["list_days"]).append_column(
        "contact_listed", days_on["contact_listed"])

    metrics: dict[str, Any] = {
        "seed": seed, "overall": overall, "rules": _rows(per_rule), "burden": burden,
        "police": {"actions": int(contacts[0]), "persons": int(contacts[1])},
        "alerts_by_day": _alerts_by_day(watch, days),
    }
    headline: dict[str, float | None] = {
        "alerts": overall["alerts"], "alerts_per_day": overall["alerts_per_day"],
        "true_alerts": overall["true_alerts"], "precision": overall["precision"],
        "persons_flagged": overall["persons_flagged"],
        "innocents_flagged": overall["innocents_flagged"],
        "innocents_per_true_alert": overall["innocents_per_true_alert"],
        "lawful_hit_share": overall["lawful_hit_share"],
        "flagged_per_1000": 1000.0 * overall["persons_flagged"] / max(people.num_rows, 1),
        "top1_share_of_flags": burden["top_share"], "repeat_flag_share": burden["repeat_share"],
        "police_actions": int(contacts[0]), "persons_acted_on": int(contacts[1]),
        "alerts_suppressed": overall["suppressed"],
    }
    if sizes is not None:
        any_list = sizes.filter(pa.compute.equal(sizes["list"], "(any list)")).to_pylist()
        end = any_list[-1] if any_list else {"members": 0, "from_contact": 0}
        total = sum(r["alerts"] for r in feedback.to_pylist())
        on_contact = sum(r["contact_listed"] for r in feedback.to_pylist())
        metrics["lists"] = {"sizes": _rows(sizes), "composition": _rows(composition),
                            "contact_listed_alerts": _rows(feedback)}
        headline.update({
            "listed_at_end": end["members"], "listed_by_contact_at_end": end["from_contact"],
            "contact_listed_alert_share": on_contact / total if total else None,
            "list_days_per_person": float(pa.compute.mean(days_on["list_days"]).as_py() or 0),
        })

    twin_redlist = runs.get("no_redlist")
    red = redlist_metrics(watch, twin_redlist, officials=scenario.redlist.officials,
                          lists=scenario.redlist.lists, rules=rules, horizon=horizon) \
        if has_lists else None
    if red is not None:
        metrics["redlist"] = red
        headline["redlisted_incidents_unseen"] = red["with_redlist"]["unseen"]
        if "hidden" in red:
            headline["incidents_hidden_by_redlist"] = red["hidden"]

    twins: dict[str, Any] = {}
    if "no_response" in runs:
        actual = watch.execute("SELECT * FROM incidents").to_arrow_table()
        twin = runs["no_response"].execute("SELECT * FROM incidents").to_arrow_table()
        alerts = watch.execute("SELECT * FROM alerts").to_arrow_table()
        prevented = prevented_by_kind(actual, twin)
        twins["prevented_by_kind"] = _rows(prevented)
        twins["precision_by_rule"] = _rows(seen_versus_true_precision(
            alerts, actual, twin, rules=rules, days=days, horizon=horizon))
        con = duckdb.connect()
        con.register("alerts", alerts)
        con.register("incidents", twin)
        true_overall = overall_metrics(con, rules=rules, days=days, horizon=horizon)
        con.close()
        twins["precision_seen"] = overall["precision"]
        twins["precision_true"] = true_overall["precision"]
        rows = prevented.to_pylist()
        headline.update({
            "incidents_prevented": sum(r["prevented"] for r in rows if not r["lawful"]),
            "lawful_acts_prevented": sum(r["prevented"] for r in rows if r["lawful"]),
            "precision_seen": overall["precision"], "precision_true": true_overall["precision"],
        })
    if "null_world" in runs:
        null = _alerts_per_rule(runs["null_world"])
        real = _alerts_per_rule(watch)
        twins["null_world_alerts_by_rule"] = [
            {"rule": r, "alerts": real.get(r, 0), "null_world_alerts": null.get(r, 0)}
            for r in rules]
        total_null = sum(null.values())
        headline["null_world_alerts"] = total_null
        headline["null_to_actual_alerts"] = (total_null / overall["alerts"]
                                             if overall["alerts"] else None)
    if twins:
        metrics["twins"] = twins
    return SeedAudit(seed, metrics, headline, people)
