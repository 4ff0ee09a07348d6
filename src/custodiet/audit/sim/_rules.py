"""What each rule of a simulated watch got right: alerts matched against ground truth in SQL.

An alert *hits* (is a *true alert*) when at least one of its persons took part in *wrongdoing*
of a kind the rule claims to detect: an act (a drug deal, a petition trip) within ``horizon``
minutes of the alert (before or after: the rule may fire on the preparation or on the act), or
a standing state (a sham marriage), which holds for the whole run and matches at any time. An
*administrative status* (a crowded rental: ``schema.ADMINISTRATIVE_INCIDENT_KINDS``) breaks a
registration rule and wrongs nobody: an alert whose persons match one the rule claims is a
*status alert*, counted apart (``status_alerts``, ``status_precision``), never a true alert,
and the people living in it stay innocent. An alert matching both is a true alert and a status
alert. A person named in an alert who took part in no wrongdoing the rule claims is an
*innocent* flagged by it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import duckdb
import pyarrow as pa

from custodiet.schema import (
    ADMINISTRATIVE_INCIDENT_KINDS,
    MINUTES_PER_DAY,
    STANDING_INCIDENT_KINDS,
)

DEFAULT_HORIZON = 3 * MINUTES_PER_DAY
"""Three days either side of the alert: assumption (a ticket is bought 1-3 days ahead)."""

RULE_METRICS = pa.schema([
    ("rule", pa.string()), ("alerts", pa.int64()), ("alerts_per_day", pa.float64()),
    ("suppressed", pa.int64()), ("true_alerts", pa.int64()), ("precision", pa.float64()),
    ("persons_flagged", pa.int64()), ("innocents_flagged", pa.int64()),
    ("innocents_per_true_alert", pa.float64()), ("lawful_hit_share", pa.float64()),
    ("status_alerts", pa.int64()), ("status_precision", pa.float64()),
    ("status_persons_flagged", pa.int64()),
])
"""One row per rule; a ratio is NULL (undefined) when its denominator is zero, and the status
ratio also when the rule claims no administrative status."""


_ADMIN = {"administrative": sorted(ADMINISTRATIVE_INCIDENT_KINDS)}


def _claims_table(rules: Mapping[str, Sequence[str]]) -> pa.Table:
    names = [r for r, kinds in rules.items() for _ in kinds]
    kinds = [k for _, ks in rules.items() for k in ks]
    return pa.table({"rule": pa.array(names, pa.string()), "kind": pa.array(kinds, pa.string())})


_MATCH = """
flagged AS (
    SELECT alert_id, rule, t, unnest(persons) AS person FROM alerts
    WHERE NOT suppressed_by_redlist
),
involved AS (
    SELECT incident_id, kind, t, lawful, unnest(persons) AS person FROM incidents
),
matched AS (
    SELECT DISTINCT f.alert_id, f.rule, f.person, i.incident_id, i.lawful,
           i.kind IN (SELECT unnest($administrative)) AS administrative
    FROM flagged f
    JOIN _claims c ON c.rule = f.rule
    JOIN involved i ON i.person = f.person AND i.kind = c.kind
     AND (i.kind IN (SELECT unnest($standing)) OR abs(i.t - f.t) <= $horizon)
),
status_rules AS (
    SELECT DISTINCT rule FROM _claims WHERE kind IN (SELECT unnest($administrative))
)"""
"""The matching every alert metric shares: ``flagged`` (alert, rule, t, person) of unsuppressed
alerts, ``involved`` (incident, person), ``matched`` (alert, rule, person, incident, lawful,
administrative): the person took part in an incident of a kind the rule claims, within the
horizon; and ``status_rules``, the rules that claim an administrative status."""

_PER_ALERT = """
per_alert AS (
    SELECT a.alert_id, a.rule,
           coalesce(bool_or(NOT m.administrative), false) AS hit,
           coalesce(bool_and(m.lawful) FILTER (WHERE NOT m.administrative), false)
             AS lawful_hit,
           coalesce(bool_or(m.administrative), false) AS status_hit
    FROM (SELECT DISTINCT alert_id, rule FROM flagged) a
    LEFT JOIN matched m USING (alert_id, rule)
    GROUP BY a.alert_id, a.rule
)"""
"""Per alert: ``hit`` (a person matched by wrongdoing the rule claims), ``lawful_hit`` (a hit
whose wrongdoing matches are all lawful acts) and ``status_hit`` (a person matched by an
administrative status the rule claims)."""


def _per_person(by: str) -> str:
    """Per flagged person (and ``by``): ``ever_guilty`` (matched by wrongdoing in one of their
    alerts) and ``has_status`` (matched by an administrative status)."""
    return f"""
per_person AS (
    SELECT {by}f.person,
           coalesce(bool_or(NOT m.administrative), false) AS ever_guilty,
           coalesce(bool_or(m.administrative), false) AS has_status
    FROM flagged f LEFT JOIN matched m USING (alert_id, rule, person)
    GROUP BY {by}f.person
)"""


_SQL = "WITH " + _MATCH + "," + _PER_ALERT + "," + _per_person("f.rule, ") + """,
counts AS (
    SELECT rule, count(*) AS alerts, count(*) FILTER (WHERE hit) AS true_alerts,
           count(*) FILTER (WHERE hit AND lawful_hit) AS lawful_hits,
           count(*) FILTER (WHERE status_hit) AS status_alerts
    FROM per_alert GROUP BY rule
),
people AS (
    SELECT rule, count(*) AS persons_flagged,
           count(*) FILTER (WHERE NOT ever_guilty) AS innocents_flagged,
           count(*) FILTER (WHERE has_status) AS status_persons_flagged
    FROM per_person GROUP BY rule
),
suppressed AS (
    SELECT rule, count(*) AS suppressed FROM alerts WHERE suppressed_by_redlist GROUP BY rule
)
SELECT r.rule,
       coalesce(c.alerts, 0) AS alerts,
       coalesce(c.alerts, 0) / $days AS alerts_per_day,
       coalesce(s.suppressed, 0) AS suppressed,
       coalesce(c.true_alerts, 0) AS true_alerts,
       c.true_alerts / nullif(c.alerts, 0) AS precision,
       coalesce(p.persons_flagged, 0) AS persons_flagged,
       coalesce(p.innocents_flagged, 0) AS innocents_flagged,
       p.innocents_flagged / nullif(c.true_alerts, 0) AS innocents_per_true_alert,
       c.lawful_hits / nullif(c.true_alerts, 0) AS lawful_hit_share,
       coalesce(c.status_alerts, 0) AS status_alerts,
       CASE WHEN r.rule IN (SELECT rule FROM status_rules)
            THEN c.status_alerts / nullif(c.alerts, 0) END AS status_precision,
       coalesce(p.status_persons_flagged, 0) AS status_persons_flagged
FROM (SELECT DISTINCT rule FROM _claims) r
LEFT JOIN counts c USING (rule)
LEFT JOIN people p USING (rule)
LEFT JOIN suppressed s USING (rule)
ORDER BY r.rule
"""


def _params(horizon: int, days: int | None = None) -> dict:
    out = {"standing": sorted(STANDING_INCIDENT_KINDS), **_ADMIN, "horizon": int(horizon)}
    if days is not None:
        out["days"] = float(days)
    return out


def rule_metrics(con: duckdb.DuckDBPyConnection, *, rules: Mapping[str, Sequence[str]],
                 days: int, horizon: int = DEFAULT_HORIZON) -> pa.Table:
    """Per-rule alerts, precision, innocents per true alert, lawful share of hits and the
    administrative statuses found apart (``status_alerts``, ``status_precision``).

    ``con`` must hold ``alerts`` and ``incidents`` (see :mod:`custodiet.schema`); ``rules`` maps
    each rule name to the incident kinds it claims to detect. Rules that never fired get a row
    of zeros, with ratios undefined (NULL).
    """
    if days < 1:
        raise ValueError("days must be at least 1")
    con.register("_claims", _claims_table(rules))
    try:
        result = con.execute(_SQL, _params(horizon, days))
        return result.to_arrow_table().cast(RULE_METRICS)
    finally:
        con.unregister("_claims")


_OVERALL = "WITH " + _MATCH + "," + _PER_ALERT + "," + _per_person("") + """
SELECT (SELECT count(*) FROM per_alert) AS alerts,
       (SELECT count(*) FROM per_alert) / $days AS alerts_per_day,
       (SELECT count(*) FROM alerts WHERE suppressed_by_redlist) AS suppressed,
       (SELECT count(*) FILTER (WHERE hit) FROM per_alert) AS true_alerts,
       (SELECT count(*) FILTER (WHERE hit) / nullif(count(*), 0) FROM per_alert) AS precision,
       (SELECT count(*) FROM per_person) AS persons_flagged,
       (SELECT count(*) FILTER (WHERE NOT ever_guilty) FROM per_person) AS innocents_flagged,
       (SELECT count(*) FILTER (WHERE NOT ever_guilty) FROM per_person)
         / nullif((SELECT count(*) FILTER (WHERE hit) FROM per_alert), 0)
         AS innocents_per_true_alert,
       (SELECT count(*) FILTER (WHERE hit AND lawful_hit)
               / nullif(count(*) FILTER (WHERE hit), 0) FROM per_alert) AS lawful_hit_share,
       (SELECT count(*) FILTER (WHERE status_hit) FROM per_alert) AS status_alerts,
       CASE WHEN EXISTS (SELECT 1 FROM status_rules)
            THEN (SELECT count(*) FILTER (WHERE status_hit) / nullif(count(*), 0)
                  FROM per_alert) END AS status_precision,
       (SELECT count(*) FILTER (WHERE has_status) FROM per_person) AS status_persons_flagged
"""


def overall_metrics(con: duckdb.DuckDBPyConnection, *, rules: Mapping[str, Sequence[str]],
                    days: int, horizon: int = DEFAULT_HORIZON) -> dict:
    """The per-rule figures of :func:`rule_metrics` over all rules at once: an alert hits when
    it matches wrongdoing its own rule claims; a person flagged by several rules is innocent
    when none of their alerts matched wrongdoing. Ratios are None when undefined."""
    if days < 1:
        raise ValueError("days must be at least 1")
    con.register("_claims", _claims_table(rules))
    try:
        cur = con.execute(_OVERALL, _params(horizon, days))
        row = cur.fetchone()
        return dict(zip([d[0] for d in cur.description], row, strict=True))
    finally:
        con.unregister("_claims")


_SEEN = "WITH " + _MATCH + """
SELECT DISTINCT incident_id FROM matched WHERE NOT administrative
"""


def seen_incidents(con: duckdb.DuckDBPyConnection, *, rules: Mapping[str, Sequence[str]],
                   horizon: int = DEFAULT_HORIZON) -> pa.Table:
    """Incidents other than administrative statuses that some unsuppressed alert matched
    (``incident_id``): the wrongdoing and lawful acts the watch saw."""
    con.register("_claims", _claims_table(rules))
    try:
        return con.execute(_SEEN, _params(horizon)).to_arrow_table()
    finally:
        con.unregister("_claims")
