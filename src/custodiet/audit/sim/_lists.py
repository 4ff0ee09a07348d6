"""Key-person lists over the days: membership spells rebuilt from the registry's change log,
person-days on a list, list size and composition by group, and how many alerts fall on people
who are listed only because the police acted on them earlier (the feedback loop, NYT-19).

A spell is ``[start, end)`` in days: a person joins a list on ``start`` (``attribute``: from
recorded attributes, day 0; ``contact``: after a police action) and leaves on ``end`` (the day
of a removal, or the horizon). On a given day the order is the registry's: day-0 attribute
members, then removals, then the previous day's contacts join.
"""

from __future__ import annotations

from collections.abc import Sequence

import duckdb
import pyarrow as pa

from custodiet.audit._cells import quote
from custodiet.schema import MINUTES_PER_DAY

SPELLS_SQL = """
CREATE OR REPLACE TEMP VIEW spells AS
SELECT list, person, day AS start, change AS reason,
       coalesce(lead(day) OVER w, $days) AS "end"
FROM (SELECT *, CASE change WHEN 'attribute' THEN 0 WHEN 'removed' THEN 1 ELSE 2 END AS ord
      FROM list_changes)
WINDOW w AS (PARTITION BY list, person ORDER BY day, ord)
QUALIFY change <> 'removed'
"""
"""Registry changes alternate join, removal, join … per (list, person), so a join's spell ends
at the next change."""

_DAYS_ON = """
CREATE OR REPLACE TEMP VIEW list_days_on AS
SELECT list, person, reason, unnest(range(start, "end")) AS day FROM spells WHERE "end" > start
"""


def prepare_spells(con: duckdb.DuckDBPyConnection, *, days: int) -> None:
    """Create the temporary views ``spells`` and ``list_days_on`` (one row per list, person and
    day on it) over ``list_changes`` in ``con``."""
    if days < 1:
        raise ValueError("days must be at least 1")
    con.execute(SPELLS_SQL.replace("$days", str(int(days))))
    con.execute(_DAYS_ON)


def spells(con: duckdb.DuckDBPyConnection, *, days: int) -> pa.Table:
    """Every membership spell: list, person, start, reason, end (see the module docstring)."""
    prepare_spells(con, days=days)
    return con.execute('SELECT * FROM spells ORDER BY list, person, start').to_arrow_table()


def person_list_days(con: duckdb.DuckDBPyConnection, *, days: int) -> pa.Table:
    """Per person (every person of ``persons``): ``list_days``, the days spent on at least one
    key-person list, and ``contact_listed``, whether a police contact ever put them on one."""
    prepare_spells(con, days=days)
    return con.execute("""
        WITH d AS (SELECT person, count(DISTINCT day) AS list_days FROM list_days_on
                   GROUP BY person),
             c AS (SELECT DISTINCT person FROM spells WHERE reason = 'contact')
        SELECT p.person_id, coalesce(d.list_days, 0) AS list_days,
               c.person IS NOT NULL AS contact_listed
        FROM persons p LEFT JOIN d ON d.person = p.person_id
        LEFT JOIN c ON c.person = p.person_id ORDER BY p.person_id""").to_arrow_table()


def list_sizes(con: duckdb.DuckDBPyConnection, *, days: int) -> pa.Table:
    """Per day and list (and ``(any list)``): members, and those listed because of a contact
    (``from_contact``: on it by a ``contact`` spell and not by an attribute)."""
    prepare_spells(con, days=days)
    return con.execute("""
        WITH per AS (
            SELECT day, list, person, bool_and(reason = 'contact') AS contact_only
            FROM list_days_on GROUP BY day, list, person),
        anyl AS (
            SELECT day, '(any list)' AS list, person, bool_and(contact_only) AS contact_only
            FROM per GROUP BY day, person)
        SELECT day::INTEGER AS day, list, count(*) AS members,
               count(*) FILTER (WHERE contact_only) AS from_contact
        FROM (SELECT * FROM per UNION ALL SELECT * FROM anyl)
        GROUP BY day, list ORDER BY list, day""").to_arrow_table()


def list_composition(con: duckdb.DuckDBPyConnection, *, days: int,
                     groups: Sequence[str]) -> pa.Table:
    """Per day, group column and value: people on at least one list, and of those, how many
    are on one only because of a contact. Long format: day, column, value, members,
    from_contact."""
    prepare_spells(con, days=days)
    parts = []
    for i, g in enumerate(groups):
        parts.append(f"""
            SELECT a.day, $col{i}::VARCHAR AS "column",
                   CAST(p.{quote(g)} AS VARCHAR) AS value, count(*) AS members,
                   count(*) FILTER (WHERE a.contact_only) AS from_contact
            FROM anyl a JOIN persons p ON p.person_id = a.person GROUP BY ALL""")
    if not parts:
        return pa.table({"day": pa.array([], pa.int32())})
    sql = f"""
        WITH per AS (
            SELECT day, list, person, bool_and(reason = 'contact') AS contact_only
            FROM list_days_on GROUP BY day, list, person),
        anyl AS (SELECT day, person, bool_and(contact_only) AS contact_only
                 FROM per GROUP BY day, person)
        SELECT day::INTEGER AS day, "column", value, members, from_contact
        FROM ({' UNION ALL '.join(parts)}) ORDER BY "column", value, day"""
    return con.execute(sql, {f"col{i}": g for i, g in enumerate(groups)}).to_arrow_table()


_CONTACT_ALERTS = """
    WITH per AS (
        SELECT day, list, person, bool_and(reason = 'contact') AS contact_only
        FROM list_days_on GROUP BY day, list, person),
    contact_on AS (SELECT day, person FROM per GROUP BY day, person
                   HAVING bool_and(contact_only)),
    fl AS (SELECT alert_id, least(t // $per_day, $last) AS day,
                  unnest(persons) AS person
           FROM alerts WHERE NOT suppressed_by_redlist),
    pa AS (SELECT fl.alert_id, min(fl.day) AS day, min(fl.person) AS cluster,
                  bool_or(c.person IS NOT NULL) AS on_contact
           FROM fl LEFT JOIN contact_on c ON c.person = fl.person AND c.day = fl.day
           GROUP BY fl.alert_id)
"""
"""Each unsuppressed alert naming someone (``pa``): its day, the lowest id it names and whether
it named someone on a list that day only because of an earlier police contact."""


def contact_listed_alerts(con: duckdb.DuckDBPyConnection, *, days: int) -> pa.Table:
    """Per day: unsuppressed alerts, and those naming someone who was on a list that day only
    because of an earlier police contact, on no list by a recorded attribute (the feedback
    loop)."""
    prepare_spells(con, days=days)
    return con.execute(_CONTACT_ALERTS + """
        SELECT r.day::INTEGER AS day, count(pa.alert_id) AS alerts,
               count(pa.alert_id) FILTER (WHERE pa.on_contact) AS contact_listed
        FROM range(0, $days) r(day) LEFT JOIN pa ON pa.day = r.day
        GROUP BY r.day ORDER BY r.day""", _contact_params(days)).to_arrow_table()


def contact_alert_rows(con: duckdb.DuckDBPyConnection, *, days: int) -> pa.Table:
    """Per unsuppressed alert (``alert_id``, ``cluster``: the lowest id it names, ``hit``:
    it named someone listed only because of a contact): the rows the clustered interval of the
    contact-listed share of alerts resamples; they add up to :func:`contact_listed_alerts`."""
    prepare_spells(con, days=days)
    return con.execute(_CONTACT_ALERTS + """
        SELECT alert_id, cluster, on_contact AS hit FROM pa ORDER BY alert_id""",
        {k: v for k, v in _contact_params(days).items() if k != "days"}).to_arrow_table()


def _contact_params(days: int) -> dict[str, int]:
    return {"per_day": MINUTES_PER_DAY, "last": int(days) - 1, "days": int(days)}


def feedback_by_list(con: duckdb.DuckDBPyConnection, *, days: int,
                     rule_lists: dict[str, list[str]]) -> pa.Table:
    """Per list: unsuppressed alerts of the rules watching it, those naming someone on it that
    day only because of a police contact, and the police actions that followed on such people
    (the loop: a contact lists a person, the listing raises an alert, the alert an action)."""
    prepare_spells(con, days=days)
    pairs = [(r, li) for r, ls in sorted(rule_lists.items()) for li in ls]
    return con.execute("""
        WITH per AS (
            SELECT day, list, person, bool_and(reason = 'contact') AS contact_only
            FROM list_days_on GROUP BY day, list, person),
        rl AS (SELECT unnest($rules::VARCHAR[]) AS rule, unnest($lists::VARCHAR[]) AS list),
        fl AS (SELECT alert_id, rule, least(t // $per_day, $last) AS day,
                      unnest(persons) AS person
               FROM alerts WHERE NOT suppressed_by_redlist),
        watched AS (SELECT DISTINCT rl.list, fl.alert_id FROM fl JOIN rl USING (rule)),
        hit AS (SELECT DISTINCT rl.list, fl.alert_id, fl.person
                FROM fl JOIN rl USING (rule)
                JOIN per ON per.list = rl.list AND per.person = fl.person AND per.day = fl.day
                WHERE per.contact_only),
        l AS (SELECT DISTINCT list FROM list_changes)
        SELECT l.list,
               (SELECT count(*) FROM watched w WHERE w.list = l.list) AS alerts,
               (SELECT count(DISTINCT alert_id) FROM hit WHERE hit.list = l.list)
                   AS alerts_on_contact_listed,
               (SELECT count(*) FROM actions x JOIN hit
                    ON hit.alert_id = x.alert_id AND hit.person = x.person
                WHERE hit.list = l.list) AS actions_on_contact_listed
        FROM l ORDER BY l.list""",
        {"rules": [p[0] for p in pairs], "lists": [p[1] for p in pairs],
         "per_day": MINUTES_PER_DAY, "last": int(days) - 1}).to_arrow_table()
