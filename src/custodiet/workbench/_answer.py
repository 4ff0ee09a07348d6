"""The answer to one rule's alerts, all of it computed by the audit: per-rule precision against
the claimed kinds within the horizon (with a bootstrap interval), lift over chance, innocents
per true alert, flags by group, alerts by day, and what the red list suppressed; and the
aggregates of the report's map of the city (where the alerts fall, who is named by group)."""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Sequence
from typing import Any

import duckdb
import numpy as np
import pyarrow as pa

from custodiet.audit import (
    DEFAULT_MIN_CELL,
    Grouping,
    cells_from_relation,
    group_metrics,
)
from custodiet.audit.sim import (
    DEFAULT_REPLICATES,
    LISTED_CATEGORIES,
    alerts_by_day,
    claim_for,
    clustered_intervals,
    innocent_rows,
    innocents_rows_interval,
    lift_with_hits,
    person_outcomes,
    rule_metrics,
)
from custodiet.report import city_data
from custodiet.workbench._engine import City

#: Chance alerts drawn per edit for the lift over chance: the audit's 20 replicates of every
#: alert, fewer for a rule with more than 500 alerts (assumption: 10,000 chance alerts bound
#: the standard error of the chance precision by 0.5 percentage points).
CHANCE_ALERTS: int = 10_000

@dataclasses.dataclass(frozen=True)
class CityMap:
    """The report's map aggregates for one answer (``custodiet.report.city_data``), never
    changed once computed: a tab's copy of the cards shares them (copying their thousands of
    rows made opening a tab 60 times slower)."""

    data: dict[str, list[tuple]]

    def __deepcopy__(self, memo: dict[int, Any]) -> CityMap:
        return self


def _none(x: Any) -> float | None:
    return None if x is None or (isinstance(x, float) and math.isnan(x)) else float(x)


def _groups(con: duckdb.DuckDBPyConnection, people: pa.Table, columns: Sequence[str]
            ) -> list[dict[str, Any]]:
    """Flag rate by each column through the audit's group metrics (small cells suppressed)."""
    cols = [c for c in dict.fromkeys(columns) if c in people.column_names]
    table = people.select([*cols, "flagged", "label"])
    cells = cells_from_relation(con.from_arrow(table), groups=cols, flag="flagged",
                                label="label")
    result = group_metrics(cells, groupings=[Grouping((c,)) for c in cols],
                           min_cell=DEFAULT_MIN_CELL)
    out = []
    for c in cols:
        frame = result.frame(c)
        rows = []
        for g, key in enumerate(frame.keys):
            est = frame.estimate(g, "flag_rate")
            rows.append({"value": key[0], "n": frame.count(g, "n"),
                         "flagged": frame.count(g, "flagged"), "flag_rate": est.value,
                         "status": est.status})
        out.append({"column": c, "groups": rows, "suppressed_groups": frame.suppressed_groups})
    return out


def rule_answer(city: City, rule: Any, alerts: pa.Table) -> dict[str, Any]:
    """Everything the workbench shows for one rule's alerts, computed by the audit."""
    days = city.days
    horizon = city.scenario.audit.horizon_minutes
    claims = {rule.name: claim_for(rule)}
    con = city.audit_connection()
    con.register("alerts", alerts)
    try:
        table = rule_metrics(con, rules=claims, days=days, horizon=horizon)
        metrics = table.to_pylist()[0]
        replicates = max(1, min(DEFAULT_REPLICATES, math.ceil(CHANCE_ALERTS / max(
            metrics["alerts"], 1))))
        con.register("list_changes", city.changes_of(rule.lists))
        lift_table, hits = lift_with_hits(
            con, rules=claims, lists={rule.name: list(rule.lists)}, days=days,
            horizon=horizon, replicates=replicates, seed=city.scenario.seed, metrics=table)
        lift = lift_table.to_pylist()[0]
        by_day = [dataclasses.asdict(row) for row in alerts_by_day(con, days)]
        people = person_outcomes(con)
        flagged = innocent_rows(con, rules=claims, horizon=horizon)
        groups = _groups(con, people, [*LISTED_CATEGORIES, *city.scenario.audit.groups])
    finally:
        con.unregister("alerts")
    # The report's intervals, over this one city: the bootstrap nested by person.
    intervals = clustered_intervals([(city.scenario.seed, hits)], {rule.name},
                                    seed=city.scenario.seed)
    innocents = innocents_rows_interval(
        [(city.scenario.seed, flagged)], seed=city.scenario.seed,
        expected=(metrics["innocents_flagged"], metrics["true_alerts"]))
    return {"metrics": metrics, "precision_low": intervals.get("precision_low"),
            "precision_high": intervals.get("precision_high"),
            "lift": lift["lift"], "lift_low": intervals.get("lift_low"),
            "lift_high": intervals.get("lift_high"),
            "innocents_low": innocents.get("innocents_per_true_alert_low"),
            "innocents_high": innocents.get("innocents_per_true_alert_high"),
            "chance_precision": lift["chance_precision"],
            "status_base_rate": lift["status_base_rate"], "status_lift": lift["status_lift"],
            "status_low": intervals.get("status_precision_low"),
            "status_high": intervals.get("status_precision_high"),
            "by_day": by_day, "groups": groups, "redlist": _redlist(city, rule, alerts),
            "days": days, "map": CityMap(city_data(city.store, alerts=alerts))}


def _redlist(city: City, rule: Any, alerts: pa.Table) -> dict[str, Any]:
    """The alerts the red list suppressed and what they would have found (the same matching
    applied to them as if they had been raised)."""
    hidden = alerts.filter(alerts.column("suppressed_by_redlist"))
    if hidden.num_rows == 0:
        return {"enabled": city.scenario.redlist.enabled, "suppressed": 0, "true_alerts": 0,
                "persons": 0, "redlisted_people": int(city.redlisted.sum())}
    hidden = hidden.set_column(5, "suppressed_by_redlist",
                               pa.array(np.zeros(hidden.num_rows, bool)))
    con = city.audit_connection()
    con.register("alerts", hidden)
    try:
        row = rule_metrics(con, rules={rule.name: claim_for(rule)},
                           days=city.days,
                           horizon=city.scenario.audit.horizon_minutes).to_pylist()[0]
    finally:
        con.unregister("alerts")
    return {"enabled": city.scenario.redlist.enabled, "suppressed": row["alerts"],
            "true_alerts": row["true_alerts"], "persons": row["persons_flagged"],
            "redlisted_people": int(city.redlisted.sum())}
