"""Who carries the burden beyond flags: each person's days under a camera (from the watch's
camera placement and where they stayed), and who is on which list by the categories the
reporting names (recorded mental illness, petition history, drug use, foreigners …).

All SQL over the run store; identifiers quoted, values bound."""

from __future__ import annotations

from collections.abc import Sequence

import duckdb
import pyarrow as pa

from custodiet.audit.sim._lists import prepare_spells
from custodiet.engine import quote_ident
from custodiet.schema import MINUTES_PER_DAY

#: The categories the reporting names, by the recorded attribute that puts people in them
#: (NYT-1: "those with mental illness, convicted criminals, … drug users, petitioners";
#: NYT-13/14: foreigners, migrants). The burden section shows them beside the demographics.
LISTED_CATEGORIES: tuple[str, ...] = (
    "mental_illness_recorded", "petition_history_recorded", "drug_use_recorded",
    "criminal_record_recorded", "protest_history_recorded", "hiv_recorded", "foreign",
    "migrant",
)


def categories_in(con: duckdb.DuckDBPyConnection, wanted: Sequence[str] = LISTED_CATEGORIES
                  ) -> list[str]:
    """The wanted category columns that ``persons`` has, in order."""
    have = {r[0] for r in con.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_name = 'persons'"
    ).fetchall()}
    return [c for c in wanted if c in have]


def camera_days(con: duckdb.DuckDBPyConnection, *, days: int) -> pa.Table:
    """Per person (every person of ``persons``, in id order): ``camera_days``, the days with at
    least one stay at a place the watch's cameras observe (``cameras``; 0 without it)."""
    has = con.execute("SELECT count(*) FROM information_schema.tables "
                      "WHERE table_name = 'cameras'").fetchone()[0]
    if not has:
        return con.execute("SELECT person_id, 0::BIGINT AS camera_days FROM persons "
                           "ORDER BY person_id").to_arrow_table()
    return con.execute("""
        WITH d AS (
            SELECT person, count(DISTINCT day) AS n FROM (
                SELECT s.person, unnest(range(s.start // $per_day,
                                              least((s."end" - 1) // $per_day, $last) + 1)) AS day
                FROM stays s JOIN cameras c ON c.place_id = s.place
                WHERE s."end" > s.start)
            GROUP BY person)
        SELECT p.person_id, coalesce(d.n, 0) AS camera_days
        FROM persons p LEFT JOIN d ON d.person = p.person_id ORDER BY p.person_id""",
        {"per_day": MINUTES_PER_DAY, "last": int(days) - 1}).to_arrow_table()


def lists_by_category(con: duckdb.DuckDBPyConnection, *, days: int,
                      categories: Sequence[str]) -> pa.Table:
    """Per list (and ``(any list)``) and category: ``members`` (people ever on it during the
    run) and ``in_category`` (of whom the category's recorded attribute is true)."""
    prepare_spells(con, days=days)
    if not categories:
        return pa.table({"list": pa.array([], pa.string())})
    cols = ", ".join(f"coalesce(p.{quote_ident(c)}, false) AS c{i}"
                     for i, c in enumerate(categories))
    sums = ", ".join(f"count(*) FILTER (WHERE c{i}) AS c{i}" for i in range(len(categories)))
    unpivot = " UNION ALL ".join(
        f"SELECT list, $cat{i}::VARCHAR AS category, members, c{i} AS in_category FROM agg"
        for i in range(len(categories)))
    return con.execute(f"""
        WITH m AS (SELECT DISTINCT list, person FROM spells WHERE "end" > start),
        mp AS (SELECT m.list, {cols} FROM m JOIN persons p ON p.person_id = m.person
               UNION ALL
               SELECT '(any list)', {cols} FROM (SELECT DISTINCT person FROM m) a
               JOIN persons p ON p.person_id = a.person),
        agg AS (SELECT list, count(*) AS members, {sums} FROM mp GROUP BY list)
        SELECT * FROM ({unpivot}) ORDER BY list, category""",
        {f"cat{i}": c for i, c in enumerate(categories)}).to_arrow_table()


def burden_groups(scenario_groups: object, people: pa.Table) -> list[str]:
    """The groupings of the burden section: the scenario's ``[audit] groups`` (demographics by
    default) and then every listed category the person table has."""
    groups = list(getattr(getattr(scenario_groups, "audit", None), "groups", scenario_groups))
    return groups + [c for c in LISTED_CATEGORIES
                     if c in people.column_names and c not in groups]


#: The name of the burden row over every rule's alerts (beside one row per system).
ALL_RULES = "(all rules)"


def flagged_by_system(con: duckdb.DuckDBPyConnection, *, systems: dict[str, str],
                      categories: Sequence[str]) -> pa.Table:
    """Per system (each rule's system from ``systems``, and :data:`ALL_RULES`) and listed
    category: ``people`` in the category, ``flagged`` of them (named by at least one
    unsuppressed alert of the system's rules), and the same for everyone else (``others``,
    ``others_flagged``): the counts a flag-rate ratio is made of."""
    names = sorted(set(systems.values()) | {ALL_RULES})
    if not categories:
        return pa.table({"system": pa.array([], pa.string())})
    cols = ", ".join(f"coalesce({quote_ident(c)}, false) AS c{i}"
                     for i, c in enumerate(categories))
    flags = ", ".join(f"count(*) FILTER (WHERE c{i}) AS f{i}" for i in range(len(categories)))
    people = ", ".join(f"count(*) FILTER (WHERE c{i}) AS p{i}" for i in range(len(categories)))
    unpivot = " UNION ALL ".join(
        f"SELECT n.system, $cat{i}::VARCHAR AS category, t.p{i} AS people, "
        f"coalesce(f.f{i}, 0) AS flagged, t.population - t.p{i} AS others, "
        f"coalesce(f.flagged_all, 0) - coalesce(f.f{i}, 0) AS others_flagged "
        f"FROM names n CROSS JOIN tot t LEFT JOIN flag f ON f.system = n.system"
        for i in range(len(categories)))
    return con.execute(f"""
        WITH sys AS (SELECT unnest($rules::VARCHAR[]) AS rule,
                            unnest($owners::VARCHAR[]) AS system),
        names AS (SELECT unnest($names::VARCHAR[]) AS system),
        x AS (SELECT rule, unnest(persons) AS person FROM alerts
              WHERE NOT suppressed_by_redlist),
        named AS (SELECT DISTINCT s.system, x.person FROM x JOIN sys s ON s.rule = x.rule
                  UNION SELECT $all, person FROM x),
        p AS (SELECT person_id, {cols} FROM persons),
        flag AS (SELECT f.system, count(*) AS flagged_all, {flags}
                 FROM named f JOIN p ON p.person_id = f.person GROUP BY f.system),
        tot AS (SELECT count(*) AS population, {people} FROM p)
        SELECT * FROM ({unpivot}) ORDER BY system, category""",
        {"rules": list(systems), "owners": list(systems.values()), "names": names,
         "all": ALL_RULES, **{f"cat{i}": c for i, c in enumerate(categories)}}
    ).to_arrow_table()
