"""A twin difference split by whom it concerns: the persons the change touched (acted on by
the police, or exposed to the watch), their ties (household, spouse, kin, friend, coworker:
spillover) and everyone else. With per-person common random numbers a person neither touched
nor tied to someone touched lives the same days in both runs, so the third part is zero by
construction; the audit reports it so that a reader (and a test) can check.

An incident counts for the closest of its participants: touched if any is, else ties if any
is, else everyone else."""

from __future__ import annotations

import pyarrow as pa

from custodiet.engine import Session
from custodiet.schema import LAWFUL_INCIDENT_KINDS

PARTS: tuple[str, ...] = ("touched", "ties", "everyone_else")

_SQL = """
WITH t AS (SELECT DISTINCT person FROM touched),
tied AS (SELECT DISTINCT b AS person FROM ties JOIN t ON ties.a = t.person
         UNION SELECT DISTINCT a FROM ties JOIN t ON ties.b = t.person),
grp AS (SELECT person, 0 AS part FROM t
        UNION ALL SELECT person, 1 FROM tied WHERE person NOT IN (SELECT person FROM t)),
inc AS (SELECT 0 AS src, incident_id, kind, unnest(persons) AS person FROM base
        UNION ALL SELECT 1, incident_id, kind, unnest(persons) FROM other),
one AS (SELECT src, incident_id, kind, coalesce(min(g.part), 2) AS part
        FROM inc LEFT JOIN grp g USING (person) GROUP BY src, incident_id, kind),
k AS (SELECT kind FROM base UNION SELECT kind FROM other)
SELECT k.kind, k.kind IN (SELECT unnest($lawful)) AS lawful,
       count(*) FILTER (WHERE src = 0) AS base,
       count(*) FILTER (WHERE src = 1) AS other,
       count(*) FILTER (WHERE src = 1 AND part = 0) - count(*) FILTER (WHERE src = 0 AND part = 0)
           AS touched,
       count(*) FILTER (WHERE src = 1 AND part = 1) - count(*) FILTER (WHERE src = 0 AND part = 1)
           AS ties,
       count(*) FILTER (WHERE src = 1 AND part = 2) - count(*) FILTER (WHERE src = 0 AND part = 2)
           AS everyone_else
FROM k LEFT JOIN one USING (kind) GROUP BY k.kind ORDER BY k.kind
"""


def split_difference(base: pa.Table, other: pa.Table, *, touched: pa.Table, ties: pa.Table
                     ) -> pa.Table:
    """Per incident kind: incidents in ``base`` and in ``other`` (``schema.INCIDENTS``) and
    their difference (other − base) split into ``touched`` (persons in the ``touched`` table's
    ``person`` column), ``ties`` (their ties, not themselves touched) and ``everyone_else``."""
    with Session() as s:
        s.register_all({"base": base, "other": other, "touched": touched, "ties": ties})
        return s.query(_SQL, lawful=sorted(LAWFUL_INCIDENT_KINDS))
