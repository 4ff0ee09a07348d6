"""A twin difference split by whom it concerns: the persons the change touched (acted on by
the police or exposed to the watch, and the ties of anyone visited, whom the visit deters),
the spillover (their ties — household, spouse, kin, friend, coworker — and whoever took part
in an incident with one of them) and everyone else. With per-person common random numbers a
person out of that reach lives the same days in both runs, so the third part is zero by
construction; the audit reports it so that a reader (and a test) can check.

The incidents of the two runs are first paired (``_match.match_incidents``): an incident
that happened in both runs — a protest that went ahead without its detained member — is no
difference and contributes nothing to any part. Each participant of an unpaired incident
carries an equal share of it: an incident of ``n`` participants counts ``1/n`` in the part of
each of them. A part's figure is the sum of its persons' shares of the unpaired incidents in
the twin less that in the base run, so the parts add up to the whole difference in incidents
(paired incidents are of one kind, so they drop out of both counts alike) and a part can be
fractional. Crediting shares of paired incidents too credited a protest that went ahead
anyway as partly prevented by its detained member and made its spillover negative. An
incident with no participant counts whole among everyone else.

Who is spillover does not depend on the pairing: whoever took part in any incident, paired or
not, with a touched person in either run."""

from __future__ import annotations

import pyarrow as pa

from custodiet.audit.sim._match import match_incidents
from custodiet.engine import Session
from custodiet.schema import LAWFUL_INCIDENT_KINDS

PARTS: tuple[str, ...] = ("touched", "spillover", "everyone_else")

#: Decimals each part is rounded to: shares are fractions 1/n, and rounding drops the float
#: noise of adding them (a part off by less than 1e-9 of an incident is the same part).
DIGITS = 9

_SQL = """
WITH v AS (SELECT DISTINCT person FROM visited),
s AS (SELECT DISTINCT person FROM (
        SELECT person FROM touched
        UNION ALL SELECT b FROM ties JOIN v ON ties.a = v.person
        UNION ALL SELECT a FROM ties JOIN v ON ties.b = v.person)),
inc AS (SELECT 0 AS src, incident_id, kind, 1.0 / greatest(len(persons), 1) AS share,
               unnest(CASE WHEN len(persons) = 0 THEN [NULL] ELSE persons END) AS person
        FROM base
        UNION ALL
        SELECT 1, incident_id, kind, 1.0 / greatest(len(persons), 1),
               unnest(CASE WHEN len(persons) = 0 THEN [NULL] ELSE persons END) FROM other),
unpaired AS (SELECT * FROM inc
             WHERE (src = 0 AND incident_id NOT IN (SELECT a FROM pairs))
                OR (src = 1 AND incident_id NOT IN (SELECT b FROM pairs))),
spill AS (SELECT DISTINCT person FROM (
        SELECT b AS person FROM ties JOIN s ON ties.a = s.person
        UNION ALL SELECT a FROM ties JOIN s ON ties.b = s.person
        UNION ALL SELECT i.person FROM inc i JOIN (
            SELECT DISTINCT src, incident_id FROM inc JOIN s USING (person)) x
            USING (src, incident_id))
        WHERE person IS NOT NULL AND person NOT IN (SELECT person FROM s)),
grp AS (SELECT person, 0 AS part FROM s UNION ALL SELECT person, 1 FROM spill),
shares AS (SELECT src, kind, coalesce(g.part, 2) AS part, share
           FROM unpaired LEFT JOIN grp g USING (person)),
k AS (SELECT kind FROM base UNION SELECT kind FROM other),
n AS (SELECT kind, count(*) FILTER (WHERE src = 0) AS base,
             count(*) FILTER (WHERE src = 1) AS other
      FROM (SELECT 0 AS src, kind FROM base UNION ALL SELECT 1, kind FROM other) GROUP BY kind),
d AS (SELECT kind, part, sum(CASE WHEN src = 1 THEN share ELSE -share END) AS diff
      FROM shares GROUP BY kind, part)
SELECT k.kind, k.kind IN (SELECT unnest($lawful)) AS lawful,
       coalesce(n.base, 0) AS base, coalesce(n.other, 0) AS other,
       round(coalesce(sum(d.diff) FILTER (WHERE d.part = 0), 0), $digits) + 0.0
           AS touched,
       round(coalesce(sum(d.diff) FILTER (WHERE d.part = 1), 0), $digits) + 0.0
           AS spillover,
       round(coalesce(sum(d.diff) FILTER (WHERE d.part = 2), 0), $digits) + 0.0
           AS everyone_else
FROM k LEFT JOIN n USING (kind) LEFT JOIN d USING (kind)
GROUP BY k.kind, n.base, n.other ORDER BY k.kind
"""


def split_difference(base: pa.Table, other: pa.Table, *, touched: pa.Table, ties: pa.Table,
                     visited: pa.Table | None = None) -> pa.Table:
    """Per incident kind: incidents in ``base`` and in ``other`` (``schema.INCIDENTS``) and
    their difference (other − base) split, by each participant's share of the incidents that
    happened in one run only (see the module docstring), into ``touched`` (the ``person`` column of
    ``touched``, and the ties of ``visited`` persons, deterred by a tie's visit),
    ``spillover`` (their ties, and whoever took part in an incident with one of them in either
    run) and ``everyone_else``."""
    if visited is None:
        visited = touched.slice(0, 0)
    with Session() as s:
        s.register_all({"base": base, "other": other, "touched": touched, "ties": ties,
                        "visited": visited, "pairs": match_incidents(base, other)})
        return s.query(_SQL, lawful=sorted(LAWFUL_INCIDENT_KINDS), digits=DIGITS)
