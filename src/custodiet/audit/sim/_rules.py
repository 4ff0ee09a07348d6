"""What each rule of a simulated watch got right: alerts matched against ground truth in SQL.

One definition of guilt. An alert is *true* when at least one of its persons took part in
*unlawful* wrongdoing of a kind the rule claims. A rule is scored for what it claims:

- a *detection* (its alert is the footprint of an act in progress: two drug users' hotel
  night, a pickpocket's dwell, a checkpoint read) is matched to an act within
  ``DETECTION_WINDOW`` of the alert, either side, and, for templates whose alert names the
  place of the act (``PLACE_TEMPLATES``), at that place;
- a *prediction* (a ticket bought, a risk level reached) only to acts at or after the alert,
  within ``horizon`` minutes;
- a standing state (a sham marriage) holds for the whole run and matches at any time.

The template decides which (``TEMPLATE_SCORING``); a rule's ``scored_as`` says so where the
template cannot. A *lawful* act of a claimed kind (a petition trip, a lawful protest) matched
by an alert is counted apart (``lawful_alerts``, ``lawful_share``), never as a hit, and the
person stays innocent of wrongdoing. An *administrative status* (a crowded rental:
``schema.ADMINISTRATIVE_INCIDENT_KINDS``) wrongs nobody: an alert matching one the rule claims
is a *status alert* (``status_alerts``, ``status_precision``). A person named in an alert who
took part in no unlawful act the rule claims is an *innocent* flagged by it; per day, each
innocent counts once on each day they were named (``innocents_per_day``), which does not
shrink as a run grows the way innocents per true alert does. A group alert is true when any
named person is guilty; ``guilty_named_share`` says what share of the names were.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import duckdb
import pyarrow as pa

from custodiet.schema import (
    ADMINISTRATIVE_INCIDENT_KINDS,
    MINUTES_PER_DAY,
    STANDING_INCIDENT_KINDS,
)

DEFAULT_HORIZON = 3 * MINUTES_PER_DAY
"""A prediction's horizon: three days after the alert (assumption: a ticket is bought 1-3
days ahead, so the trip it predicts starts within three days)."""

DETECTION_WINDOW = MINUTES_PER_DAY
"""A detection's window: the act within a day of its footprint, either side (the footprint
of an act in progress is raised the same day)."""

SCORED_AS: tuple[str, ...] = ("detection", "prediction")

TEMPLATE_SCORING: dict[str, str] = {
    "gathering": "detection", "dwell": "detection", "frequency": "detection",
    "anomaly": "detection", "absence": "detection", "apart": "detection",
    "movement": "detection", "checkpoint": "detection",
    "near": "prediction", "travel": "prediction", "score": "prediction",
}
"""How each template's alert relates to the acts it claims: the footprint of an act in
progress (detection) or a sign of an act to come (prediction)."""

PLACE_TEMPLATES: frozenset[str] = frozenset({"gathering", "dwell", "checkpoint"})
"""Templates whose alert's place is where the act it detects happens (the hotel, the station,
the destination of the road), so a detection is matched there only."""


@dataclass(frozen=True)
class Claim:
    """What a rule claims: the incident kinds, and whether it detects or predicts them."""

    kinds: tuple[str, ...]
    scored_as: str = "prediction"
    same_place: bool = False
    """A detection matched only to acts at the alert's place."""

    def __post_init__(self) -> None:
        if self.scored_as not in SCORED_AS:
            raise ValueError(f"scored_as must be one of {SCORED_AS}, not {self.scored_as!r}")


Claims = Mapping[str, "Sequence[str] | Claim"]
"""Each rule's name → its claim (a bare list of kinds is scored as a prediction)."""


def claim_for(rule: Any) -> Claim:
    """A scenario rule's claim: its ``detects``, scored as its ``scored_as`` says or else as
    its template does."""
    scored_as = rule.scored_as or TEMPLATE_SCORING[rule.template]
    return Claim(tuple(rule.detects), scored_as,
                 same_place=scored_as == "detection" and rule.template in PLACE_TEMPLATES)


def claim_of(kinds: Sequence[str] | Claim) -> Claim:
    """A claim from a rule's claim or a bare list of kinds (scored as a prediction)."""
    return kinds if isinstance(kinds, Claim) else Claim(tuple(kinds))


RULE_METRICS = pa.schema([
    ("rule", pa.string()), ("alerts", pa.int64()), ("alerts_per_day", pa.float64()),
    ("suppressed", pa.int64()), ("true_alerts", pa.int64()), ("precision", pa.float64()),
    ("persons_flagged", pa.int64()), ("innocents_flagged", pa.int64()),
    ("innocents_per_true_alert", pa.float64()), ("innocents_per_day", pa.float64()),
    ("guilty_named_share", pa.float64()),
    ("lawful_alerts", pa.int64()), ("lawful_share", pa.float64()),
    ("status_alerts", pa.int64()), ("status_precision", pa.float64()),
    ("status_persons_flagged", pa.int64()),
])
"""One row per rule; a ratio is NULL (undefined) when its denominator is zero, and the status
ratio also when the rule claims no administrative status."""


_ADMIN = {"administrative": sorted(ADMINISTRATIVE_INCIDENT_KINDS)}


def _claims_table(rules: Claims) -> pa.Table:
    claims = {r: claim_of(c) for r, c in rules.items()}
    names = [r for r, c in claims.items() for _ in c.kinds]
    kinds = [k for c in claims.values() for k in c.kinds]
    scored = [c.scored_as for c in claims.values() for _ in c.kinds]
    place = [c.same_place for c in claims.values() for _ in c.kinds]
    return pa.table({"rule": pa.array(names, pa.string()), "kind": pa.array(kinds, pa.string()),
                     "scored_as": pa.array(scored, pa.string()),
                     "same_place": pa.array(place, pa.bool_())})


@contextmanager
def _claims_registered(con: duckdb.DuckDBPyConnection, rules: Claims) -> Iterator[None]:
    """The claims of ``rules`` registered as ``_claims`` for the queries inside, and gone
    after them."""
    con.register("_claims", _claims_table(rules))
    try:
        yield
    finally:
        con.unregister("_claims")


_MATCH = """
flagged AS (
    SELECT DISTINCT alert_id, rule, t, place, unnest(persons) AS person FROM alerts
    WHERE NOT suppressed_by_redlist AND rule IN (SELECT rule FROM _claims)
),
involved AS (
    SELECT incident_id, kind, t, place, lawful, unnest(persons) AS person FROM incidents
),
matched AS (
    SELECT DISTINCT f.alert_id, f.rule, f.person, i.incident_id, i.lawful,
           i.kind IN (SELECT unnest($administrative)) AS administrative
    FROM flagged f
    JOIN _claims c ON c.rule = f.rule
    JOIN involved i ON i.person = f.person AND i.kind = c.kind
     AND (i.kind IN (SELECT unnest($standing))
          OR (c.scored_as = 'detection' AND abs(i.t - f.t) <= $window
              AND (NOT c.same_place OR i.place = f.place))
          OR (c.scored_as = 'prediction' AND i.t >= f.t AND i.t - f.t <= $horizon))
),
status_rules AS (
    SELECT DISTINCT rule FROM _claims WHERE kind IN (SELECT unnest($administrative))
)"""
"""The matching every alert metric shares: ``flagged`` (alert, rule, t, place, person) of the
unsuppressed alerts of the rules claimed, ``involved`` (incident, person), ``matched``
(alert, rule, person, incident, lawful, administrative): the person took part in an incident
of a kind the rule claims, within its window; and ``status_rules``, the rules that claim an
administrative status."""

_PER_ALERT = """
per_alert AS (
    SELECT a.alert_id, a.rule, a.named, a.first,
           coalesce(bool_or(NOT m.administrative AND NOT m.lawful), false) AS hit,
           coalesce(bool_or(m.lawful AND NOT m.administrative), false) AS lawful_match,
           coalesce(bool_or(m.administrative), false) AS status_hit,
           count(DISTINCT m.person) FILTER (WHERE NOT m.administrative AND NOT m.lawful)
             AS guilty_named
    FROM (SELECT alert_id, rule, count(*) AS named, min(person) AS first
          FROM flagged GROUP BY ALL) a
    LEFT JOIN matched m USING (alert_id, rule)
    GROUP BY a.alert_id, a.rule, a.named, a.first
)"""
"""Per alert: ``hit`` (a person matched by unlawful wrongdoing the rule claims),
``lawful_match`` (a person matched by a lawful act the rule claims), ``status_hit`` (a person
matched by an administrative status the rule claims), ``named`` and ``guilty_named`` (how
many distinct persons it names, and how many of them ``hit``) and ``first`` (the lowest id it
names: the cluster an alert belongs to when intervals treat repeated people as one)."""


def _per_person(by: str) -> str:
    """Per flagged person (and ``by``): ``ever_guilty`` (matched by unlawful wrongdoing in one
    of their alerts), ``has_status`` (matched by an administrative status) and ``days_named``
    (the days on which they were named)."""
    return f"""
per_person AS (
    SELECT {by}f.person,
           coalesce(bool_or(NOT m.administrative AND NOT m.lawful), false) AS ever_guilty,
           coalesce(bool_or(m.administrative), false) AS has_status,
           count(DISTINCT f.t // {MINUTES_PER_DAY}) AS days_named
    FROM flagged f LEFT JOIN matched m USING (alert_id, rule, person)
    GROUP BY {by}f.person
)"""


_SQL = "WITH " + _MATCH + "," + _PER_ALERT + "," + _per_person("f.rule, ") + """,
counts AS (
    SELECT rule, count(*) AS alerts, count(*) FILTER (WHERE hit) AS true_alerts,
           count(*) FILTER (WHERE lawful_match AND NOT hit) AS lawful_alerts,
           count(*) FILTER (WHERE status_hit) AS status_alerts,
           sum(named) AS named, sum(guilty_named) AS guilty_named
    FROM per_alert GROUP BY rule
),
people AS (
    SELECT rule, count(*) AS persons_flagged,
           count(*) FILTER (WHERE NOT ever_guilty) AS innocents_flagged,
           sum(days_named) FILTER (WHERE NOT ever_guilty) AS innocent_days,
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
       coalesce(p.innocent_days, 0) / $days AS innocents_per_day,
       c.guilty_named / nullif(c.named, 0) AS guilty_named_share,
       coalesce(c.lawful_alerts, 0) AS lawful_alerts,
       c.lawful_alerts / nullif(c.alerts, 0) AS lawful_share,
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
    out = {"standing": sorted(STANDING_INCIDENT_KINDS), **_ADMIN, "horizon": int(horizon),
           "window": DETECTION_WINDOW}
    if days is not None:
        out["days"] = float(days)
    return out


def rule_metrics(con: duckdb.DuckDBPyConnection, *, rules: Claims,
                 days: int, horizon: int = DEFAULT_HORIZON) -> pa.Table:
    """Per-rule alerts, precision (unlawful wrongdoing only), innocents per true alert and per
    day, the share of named persons who were guilty, the lawful acts caught and the
    administrative statuses found, each apart (``lawful_*``, ``status_*``).

    ``con`` must hold ``alerts`` and ``incidents`` (see :mod:`custodiet.schema`); ``rules`` maps
    each rule name to its :class:`Claim` (or the incident kinds it claims, scored as a
    prediction). Rules that never fired get a row of zeros, with ratios undefined (NULL).
    """
    if days < 1:
        raise ValueError("days must be at least 1")
    with _claims_registered(con, rules):
        result = con.execute(_SQL, _params(horizon, days))
        return result.to_arrow_table().cast(RULE_METRICS)


_OVERALL = "WITH " + _MATCH + "," + _PER_ALERT + "," + _per_person("") + """
SELECT (SELECT count(*) FROM per_alert) AS alerts,
       (SELECT count(*) FROM per_alert) / $days AS alerts_per_day,
       (SELECT count(*) FROM alerts WHERE suppressed_by_redlist
                                       AND rule IN (SELECT rule FROM _claims)) AS suppressed,
       (SELECT count(*) FILTER (WHERE hit) FROM per_alert) AS true_alerts,
       (SELECT count(*) FILTER (WHERE hit) / nullif(count(*), 0) FROM per_alert) AS precision,
       (SELECT count(*) FROM per_person) AS persons_flagged,
       (SELECT count(*) FILTER (WHERE NOT ever_guilty) FROM per_person) AS innocents_flagged,
       (SELECT count(*) FILTER (WHERE NOT ever_guilty) FROM per_person)
         / nullif((SELECT count(*) FILTER (WHERE hit) FROM per_alert), 0)
         AS innocents_per_true_alert,
       coalesce((SELECT sum(days_named) FILTER (WHERE NOT ever_guilty) FROM per_person), 0)
         / $days AS innocents_per_day,
       (SELECT sum(guilty_named) / nullif(sum(named), 0) FROM per_alert) AS guilty_named_share,
       (SELECT count(*) FILTER (WHERE lawful_match AND NOT hit) FROM per_alert)
         AS lawful_alerts,
       (SELECT count(*) FILTER (WHERE lawful_match AND NOT hit) / nullif(count(*), 0)
        FROM per_alert) AS lawful_share,
       (SELECT count(*) FILTER (WHERE status_hit) FROM per_alert) AS status_alerts,
       CASE WHEN EXISTS (SELECT 1 FROM status_rules)
            THEN (SELECT count(*) FILTER (WHERE status_hit) / nullif(count(*), 0)
                  FROM per_alert) END AS status_precision,
       (SELECT count(*) FILTER (WHERE has_status) FROM per_person) AS status_persons_flagged
"""


def overall_metrics(con: duckdb.DuckDBPyConnection, *, rules: Claims,
                    days: int, horizon: int = DEFAULT_HORIZON) -> dict:
    """The per-rule figures of :func:`rule_metrics` over all rules at once: an alert hits when
    it matches unlawful wrongdoing its own rule claims; a person flagged by several rules is
    innocent when none of their alerts matched such wrongdoing. Ratios are None when
    undefined."""
    if days < 1:
        raise ValueError("days must be at least 1")
    with _claims_registered(con, rules):
        cur = con.execute(_OVERALL, _params(horizon, days))
        row = cur.fetchone()
        return dict(zip([d[0] for d in cur.description], row, strict=True))


_SEEN = "WITH " + _MATCH + """
SELECT DISTINCT incident_id FROM matched WHERE NOT administrative
"""
"""Every act, lawful or not, that an unsuppressed alert matched (administrative statuses
aside): what the watch saw, which the red list's and the trips' counts need."""


def seen_incidents(con: duckdb.DuckDBPyConnection, *, rules: Claims,
                   horizon: int = DEFAULT_HORIZON) -> pa.Table:
    """Incidents other than administrative statuses that some unsuppressed alert matched
    (``incident_id``): the wrongdoing and lawful acts the watch saw."""
    with _claims_registered(con, rules):
        return con.execute(_SEEN, _params(horizon)).to_arrow_table()


ALERT_HITS = pa.schema([
    ("alert_id", pa.int64()), ("rule", pa.string()), ("cluster", pa.int64()),
    ("hit", pa.bool_()), ("lawful", pa.bool_()), ("status", pa.bool_()),
])
"""One row per unsuppressed alert of a claimed rule: the person it belongs to for clustered
intervals (the lowest id it names), whether it is a true alert, caught only a lawful act, or
found an administrative status."""

_HITS = "WITH " + _MATCH + "," + _PER_ALERT + """
SELECT alert_id, rule, first AS cluster, hit, lawful_match AND NOT hit AS lawful,
       status_hit AS status
FROM per_alert ORDER BY alert_id
"""


_HITS_OF_DISTINCT = _HITS.replace(
    "SELECT DISTINCT alert_id, rule, t, place, unnest(persons) AS person FROM alerts",
    "SELECT alert_id, rule, t, place, unnest(persons) AS person FROM alerts", 1)
""":data:`_HITS` for alerts known to name nobody twice under distinct ids: the same rows
without the DISTINCT of ``flagged`` (over a million chance alerts' names, half the query)."""
assert _HITS_OF_DISTINCT != _HITS


def alert_hits(con: duckdb.DuckDBPyConnection, *, rules: Claims,
               horizon: int = DEFAULT_HORIZON, distinct: bool = False) -> pa.Table:
    """Each unsuppressed alert's outcome (``ALERT_HITS``), matched as :func:`rule_metrics`
    matches: the rows that clustered intervals of precision and lift resample. ``distinct``:
    the caller knows that no two alerts share an id and no alert names a person twice (the
    chance alerts of lift over chance), which spares removing duplicates."""
    with _claims_registered(con, rules):
        sql = _HITS_OF_DISTINCT if distinct else _HITS
        return con.execute(sql, _params(horizon)).to_arrow_table().cast(ALERT_HITS)


ALERT_MATCHES = pa.schema([
    ("alert_id", pa.int64()), ("rule", pa.string()), ("person", pa.int64()),
    ("incident_id", pa.int64()), ("lawful", pa.bool_()), ("administrative", pa.bool_()),
])
"""One row per (alert, named person, incident) that :func:`rule_metrics` matches: the person
took part in the incident, of a kind the alert's rule claims, within its window."""


def alert_matches(con: duckdb.DuckDBPyConnection, *, rules: Claims,
                  horizon: int = DEFAULT_HORIZON) -> pa.Table:
    """Every match of an unsuppressed alert to an incident (``ALERT_MATCHES``), as every
    alert figure matches them: what an alert pointed to, incident by incident."""
    with _claims_registered(con, rules):
        return con.execute("WITH " + _MATCH + """
            SELECT alert_id, person, rule, incident_id, lawful, administrative FROM matched
            ORDER BY alert_id, person, incident_id""", _params(horizon)
        ).to_arrow_table().select(ALERT_MATCHES.names).cast(ALERT_MATCHES)
