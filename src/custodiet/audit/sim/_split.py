"""A twin difference split by whom it concerns: the persons the change touched (acted on by
the police or exposed to the watch, and the ties of anyone visited, whom the visit deters),
the spillover (their ties — household, spouse, kin, friend, coworker — and whoever took part
in an incident with one of them) and everyone else. With per-person common random numbers a
person out of that reach lives the same days in both runs, so the third part is zero by
construction; the audit reports it so that a reader (and a test) can check.

An incident counts for the closest of its participants: touched if any is, else spillover if
any is, else everyone else."""

from __future__ import annotations

import pyarrow as pa

from custodiet.engine import Session
from custodiet.schema import LAWFUL_INCIDENT_KINDS

PARTS: tuple[str, ...] = ("touched", "spillover", "everyone_else")

_SQL = """
WITH v AS (SELECT DISTINCT person FROM visited),
s AS (SELECT DISTINCT person FROM (
        SELECT person FROM touched
        UNION ALL SELECT b FROM ties JOIN v ON ties.a = v.person
        UNION ALL SELECT a FROM ties JOIN v ON ties.b = v.person)),
inc AS (SELECT 0 AS src, incident_id, kind, unnest(persons) AS person FROM base
        UNION ALL SELECT 1, incident_id, kind, unnest(persons) FROM other),
spill AS (SELECT DISTINCT person FROM (
        SELECT b AS person FROM ties JOIN s ON ties.a = s.person
        UNION ALL SELECT a FROM ties JOIN s ON ties.b = s.person
        UNION ALL SELECT i.person FROM inc i JOIN (
            SELECT DISTINCT src, incident_id FROM inc JOIN s USING (person)) x
            USING (src, incident_id))
        WHERE person NOT IN (SELECT person FROM s)),
grp AS (SELECT person, 0 AS part FROM s UNION ALL SELECT person, 1 FROM spill),
one AS (SELECT src, incident_id, kind, coalesce(min(g.part), 2) AS part
        FROM inc LEFT JOIN grp g USING (person) GROUP BY src, incident_id, kind),
k AS (SELECT kind FROM base UNION SELECT kind FROM other)
SELECT k.kind, k.kind IN (SELECT unnest($lawful)) AS lawful,
       count(*) FILTER (WHERE src = 0) AS base,
       count(*) FILTER (WHERE src = 1) AS other,
       count(*) FILTER (WHERE src = 1 AND part = 0) - count(*) FILTER (WHERE src = 0 AND part = 0)
           AS touched,
       count(*) FILTER (WHERE src = 1 AND part = 1) - count(*) FILTER (WHERE src = 0 AND part = 1)
           AS spillover,
       count(*) FILTER (WHERE src = 1 AND part = 2) - count(*) FILTER (WHERE src = 0 AND part = 2)
           AS everyone_else
FROM k LEFT JOIN one USING (kind) GROUP BY k.kind ORDER BY k.kind
"""


def split_difference(base: pa.Table, other: pa.Table, *, touched: pa.Table, ties: pa.Table,
                     visited: pa.Table | None = None) -> pa.Table:
    """Per incident kind: incidents in ``base`` and in ``other`` (``schema.INCIDENTS``) and
    their difference (other − base) split into ``touched`` (the ``person`` column of
    ``touched``, and the ties of ``visited`` persons, deterred by a tie's visit),
    ``spillover`` (their ties, and whoever took part in an incident with one of them in either
    run) and ``everyone_else``."""
    if visited is None:
        visited = touched.slice(0, 0)
    with Session() as s:
        s.register_all({"base": base, "other": other, "touched": touched, "ties": ties,
                        "visited": visited})
        return s.query(_SQL, lawful=sorted(LAWFUL_INCIDENT_KINDS))
