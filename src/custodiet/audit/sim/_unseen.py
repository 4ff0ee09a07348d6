"""Trips nobody saw (NYT-12): petition trips that left no ticket and passed no checkpoint, and
those no alert matched, counted from ground truth (``trips``, ``incidents``) beside what the
watch recorded (``alerts``). A helper for the study; it reads truth, so it lives in the audit."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import duckdb

from custodiet.audit.sim._rules import DEFAULT_HORIZON, seen_incidents

_SQL = """
WITH pet AS (
    SELECT i.incident_id, i.persons[1] AS person, i.t FROM incidents i
    WHERE i.kind = 'petition_trip'
),
joined AS (
    SELECT p.incident_id, tr.ticketed, tr.evasive,
           (tr.ticketed AND $tickets) OR (tr.checkpoint AND $checkpoints) AS recorded,
           p.incident_id IN (SELECT incident_id FROM _seen) AS alerted
    FROM pet p JOIN trips tr ON tr.person = p.person AND tr.depart = p.t AND tr.petition
)
SELECT count(*) AS petition_trips,
       count(*) FILTER (WHERE NOT ticketed) AS no_ticket,
       count(*) FILTER (WHERE NOT recorded) AS unrecorded,
       count(*) FILTER (WHERE NOT alerted) AS no_alert,
       count(*) FILTER (WHERE NOT recorded AND NOT alerted) AS unseen,
       count(*) FILTER (WHERE evasive) AS evasive
FROM joined
"""


def unseen_trips(con: duckdb.DuckDBPyConnection, *, rules: Mapping[str, Sequence[str]],
                 horizon: int = DEFAULT_HORIZON, tickets: bool = True,
                 checkpoints: bool = True) -> dict[str, int]:
    """Petition trips: all of them, with no ticket, with no record the watch observes
    (``unrecorded``: no ticket, or the ticket sensor off, and no checkpoint reading, or the
    checkpoint sensor off), matched by no alert of a rule claiming them (``no_alert``), and
    neither recorded nor alerted (``unseen``: trips nobody saw). ``con`` holds ``incidents``,
    ``trips`` and ``alerts``; ``rules`` maps each rule to the kinds it claims; ``tickets`` and
    ``checkpoints`` say whether the watch's sensors observe those records."""
    seen = seen_incidents(con, rules=rules, horizon=horizon)
    con.register("_seen", seen)
    try:
        cur = con.execute(_SQL, {"tickets": bool(tickets), "checkpoints": bool(checkpoints)})
        row = cur.fetchone()
        return {d[0]: int(v) for d, v in zip(cur.description, row, strict=True)}
    finally:
        con.unregister("_seen")
