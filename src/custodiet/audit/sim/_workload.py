"""Officers' workload: how many of the alerts that call for an action the police answered,
how late, and, when the day's capacity binds, which categories of alert went unanswered
("officers are evaluated for their responsiveness", NYT-17)."""

from __future__ import annotations

from collections.abc import Mapping

import duckdb
import pyarrow as pa

from custodiet.audit.sim._sections import Workload, WorkloadCategory
from custodiet.scenario import Scenario
from custodiet.schema import MINUTES_PER_DAY

_SQL = """
WITH cat AS (SELECT unnest($rules) AS rule, unnest($categories) AS category,
                    unnest($actions) AS action),
cand AS (
    SELECT a.alert_id, a.t, c.category, unnest(a.persons) AS person
    FROM alerts a JOIN cat c ON c.rule = a.rule
    WHERE NOT a.suppressed_by_redlist AND c.action <> 'none'),
answered AS (
    SELECT cand.*, x.t AS acted
    FROM cand LEFT JOIN actions x ON x.alert_id = cand.alert_id AND x.person = cand.person)
SELECT category, count(*) AS candidates, count(acted) AS answered,
       count(acted) / nullif(count(*), 0) AS answered_share,
       avg(acted - t) FILTER (WHERE acted IS NOT NULL) / 60.0 AS mean_delay_hours
FROM answered GROUP BY category ORDER BY category
"""


def workload(con: duckdb.DuckDBPyConnection, *, rule_category: Mapping[str, str],
             rule_action: Mapping[str, str], capacity: int, days: int) -> dict:
    """Per category: (alert, person) pairs calling for an action, those answered, the share
    and the mean delay in hours; overall: the same, and the days the capacity was used up."""
    rules = sorted(rule_category)
    params = {"rules": rules, "categories": [rule_category[r] for r in rules],
              "actions": [rule_action[r] for r in rules]}
    by_cat: pa.Table = con.execute(_SQL, params).to_arrow_table()
    per_day = con.execute("SELECT t // $per_day AS day, count(*) AS n FROM actions GROUP BY 1",
                          {"per_day": MINUTES_PER_DAY}).fetchall()
    rows = by_cat.to_pylist()
    cand = sum(r["candidates"] for r in rows)
    ans = sum(r["answered"] for r in rows)
    delays = [(r["mean_delay_hours"], r["answered"]) for r in rows if r["answered"]]
    return {
        "capacity_per_day": int(capacity),
        "days_at_capacity": sum(1 for _, n in per_day if capacity and n >= capacity),
        "days": int(days), "candidates": cand, "answered": ans,
        "answered_share": ans / cand if cand else None,
        "mean_delay_hours": (sum(d * n for d, n in delays) / ans) if ans else None,
        "by_category": rows,
    }


def workload_section(con: duckdb.DuckDBPyConnection, scenario: Scenario) -> Workload:
    """The workload section of a run of ``scenario``: the capacity scaled to its people."""
    people = con.execute("SELECT count(*) FROM persons").fetchone()[0]
    w = workload(con, rule_category={r.name: r.category for r in scenario.rules},
                 rule_action={r.name: r.action for r in scenario.rules},
                 capacity=round(scenario.response.capacity_per_100k * people / 1e5),
                 days=scenario.world.days)
    return Workload(**{**w, "by_category": WorkloadCategory.of(w["by_category"])})
