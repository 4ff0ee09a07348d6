"""What the red list hides (NYT-16): alerts suppressed because they name a red-listed person,
and incidents by red-listed persons that no alert saw, beside the twin run without a red list.

Red-listed persons are fixed when the watch starts: officials (when ``officials``) and the
day-0 members of the named lists, as the registry decides them. Incidents here are wrongdoing
and lawful acts; an administrative status (a crowded rental) is no incident to hide.

The twin is a different run of the same city, so its incidents are not the same rows: each
incident the watch left unseen is looked up in the twin (``_match.match_incidents``: same
kind and place, less than a day apart, more than half of the participants of each in
common). It was *hidden* by the red list when it
happened in the twin too and an alert saw it there; it may instead have happened there
unseen as well, or not have happened there at all (the police acted differently, and the act
did not take place), and those are counted apart, never as hidden.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import duckdb
import pyarrow as pa

from custodiet.audit.sim._match import match_incidents
from custodiet.audit.sim._rules import DEFAULT_HORIZON, seen_incidents
from custodiet.engine import Session
from custodiet.schema import ADMINISTRATIVE_INCIDENT_KINDS, LAWFUL_INCIDENT_KINDS


def redlisted_persons(con: duckdb.DuckDBPyConnection, *, officials: bool,
                      lists: Sequence[str]) -> pa.Table:
    """``person`` ids on the red list, from ``persons`` and the day-0 ``list_changes``."""
    return con.execute("""
        SELECT person_id AS person FROM persons WHERE $officials AND official
        UNION
        SELECT person FROM list_changes
        WHERE day = 0 AND change = 'attribute' AND list IN (SELECT unnest($lists::VARCHAR[]))
        ORDER BY person""", {"officials": bool(officials), "lists": list(lists)}
    ).to_arrow_table()


def _unseen(con: duckdb.DuckDBPyConnection, red: pa.Table, rules: Mapping[str, Sequence[str]],
            horizon: int) -> dict:
    seen = seen_incidents(con, rules=rules, horizon=horizon)
    con.register("_red", red)
    con.register("_seen", seen)
    try:
        row = con.execute("""
            WITH by_red AS (
                SELECT DISTINCT i.incident_id, i.kind FROM
                    (SELECT incident_id, kind, unnest(persons) AS person FROM incidents
                     WHERE kind NOT IN (SELECT unnest($administrative))) i
                JOIN _red r ON r.person = i.person)
            SELECT count(*) AS incidents,
                   count(*) FILTER (WHERE kind NOT IN (SELECT unnest($lawful))) AS unlawful,
                   count(*) FILTER (WHERE incident_id NOT IN (SELECT incident_id FROM _seen))
                       AS unseen,
                   count(*) FILTER (WHERE incident_id NOT IN (SELECT incident_id FROM _seen)
                                    AND kind NOT IN (SELECT unnest($lawful))) AS unseen_unlawful,
                   (SELECT count(*) FROM alerts a WHERE NOT a.suppressed_by_redlist AND
                       EXISTS (SELECT 1 FROM _red r WHERE list_contains(a.persons, r.person)))
                       AS alerts_naming_redlisted
            FROM by_red""", {"lawful": sorted(LAWFUL_INCIDENT_KINDS),
                             "administrative": sorted(ADMINISTRATIVE_INCIDENT_KINDS)})
        return dict(zip([d[0] for d in row.description], row.fetchone(), strict=True))
    finally:
        con.unregister("_red")
        con.unregister("_seen")


def redlist_metrics(watch: duckdb.DuckDBPyConnection, twin: duckdb.DuckDBPyConnection | None,
                    *, officials: bool, lists: Sequence[str],
                    rules: Mapping[str, Sequence[str]],
                    horizon: int = DEFAULT_HORIZON) -> dict:
    """Suppressed alerts and unseen incidents by red-listed persons in the run with the red
    list (``watch``) and, when given, in the twin without it (``twin``), with the incidents
    unseen in ``watch`` followed into the twin (:func:`unseen_in_twin`)."""
    red = redlisted_persons(watch, officials=officials, lists=lists)
    suppressed = watch.execute(
        "SELECT count(*) FROM alerts WHERE suppressed_by_redlist").fetchone()[0]
    out: dict = {"redlisted_persons": red.num_rows, "alerts_suppressed": int(suppressed),
                 "with_redlist": _unseen(watch, red, rules, horizon)}
    if twin is not None:
        out["without_redlist"] = _unseen(twin, red, rules, horizon)
        out.update(unseen_in_twin(watch, twin, red, rules=rules, horizon=horizon))
    return out


_FOLLOWED = """
WITH mine AS (
    SELECT DISTINCT i.incident_id, i.kind NOT IN (SELECT unnest($lawful)) AS unlawful FROM
        (SELECT incident_id, kind, unnest(persons) AS person FROM w_inc) i
    JOIN _red r USING (person)
    WHERE i.incident_id NOT IN (SELECT incident_id FROM w_seen)),
followed AS (
    SELECT m.incident_id, m.unlawful, p.b IS NOT NULL AS in_twin,
           p.b IN (SELECT incident_id FROM t_seen) AS seen_there
    FROM mine m LEFT JOIN _pairs p ON p.a = m.incident_id)
SELECT count(*) FILTER (WHERE in_twin AND seen_there) AS hidden,
       count(*) FILTER (WHERE in_twin AND NOT seen_there) AS unseen_in_twin_too,
       count(*) FILTER (WHERE NOT in_twin) AS not_in_twin,
       count(*) FILTER (WHERE unlawful AND in_twin AND seen_there) AS hidden_unlawful,
       count(*) FILTER (WHERE unlawful AND in_twin AND NOT seen_there)
           AS unseen_in_twin_too_unlawful,
       count(*) FILTER (WHERE unlawful AND NOT in_twin) AS not_in_twin_unlawful
FROM followed
"""


def unseen_in_twin(watch: duckdb.DuckDBPyConnection, twin: duckdb.DuckDBPyConnection,
                   red: pa.Table, *, rules: Mapping[str, Sequence[str]],
                   horizon: int = DEFAULT_HORIZON) -> dict[str, int]:
    """Each incident of a red-listed person (``red``) that no alert saw in ``watch``, followed
    into ``twin`` (the run without the red list) by the one matcher: ``hidden`` (it happened
    there and an alert saw it), ``unseen_in_twin_too`` (it happened there, unseen) and
    ``not_in_twin`` (it did not happen there). The three add up to the unseen incidents; each
    again over the unlawful ones alone (``…_unlawful``): a petition or a protest no alert saw
    is a lawful act, not wrongdoing the red list hid."""
    query = ("SELECT * FROM incidents WHERE kind NOT IN (SELECT unnest($administrative))")
    admin = {"administrative": sorted(ADMINISTRATIVE_INCIDENT_KINDS)}
    w_inc = watch.execute(query, admin).to_arrow_table()
    t_inc = twin.execute(query, admin).to_arrow_table()
    tables = {"w_inc": w_inc, "_red": red, "_pairs": match_incidents(w_inc, t_inc),
              "w_seen": seen_incidents(watch, rules=rules, horizon=horizon),
              "t_seen": seen_incidents(twin, rules=rules, horizon=horizon)}
    with Session() as s:
        s.register_all(tables)
        row = s.execute(_FOLLOWED, lawful=sorted(LAWFUL_INCIDENT_KINDS))
        names = [d[0] for d in row.description]
        return {k: int(v) for k, v in zip(names, row.fetchone(), strict=True)}


def suppressed_would_find(watch: duckdb.DuckDBPyConnection, *,
                          rules: Mapping[str, Sequence[str]], days: int,
                          horizon: int = DEFAULT_HORIZON) -> dict:
    """The suppressed alerts matched as if they had been raised: their number, how many would
    have been true, and the distinct incidents they would have found."""
    from custodiet.audit.sim._rules import overall_metrics
    from custodiet.engine import Session

    alerts = watch.execute("SELECT * REPLACE (false AS suppressed_by_redlist) FROM alerts "
                           "WHERE suppressed_by_redlist").to_arrow_table()
    incidents = watch.execute("SELECT * FROM incidents").to_arrow_table()
    with Session() as s:
        s.register_all({"alerts": alerts, "incidents": incidents})
        o = overall_metrics(s.con, rules=rules, days=days, horizon=horizon)
        found = seen_incidents(s.con, rules=rules, horizon=horizon).num_rows
    return {"alerts": int(o["alerts"]), "true_alerts": int(o["true_alerts"]),
            "incidents_found": int(found)}
