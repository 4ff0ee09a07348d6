"""Person-level outcomes of a simulated watch, the input of every group metric.

One row per synthetic person: their recorded attributes (the groups an audit breaks down by),
whether any alert flagged them, how many times, how many police actions they received, and the
ground-truth label: whether they took part in wrongdoing during the run.
"""

from __future__ import annotations

from typing import Literal

import duckdb
import pyarrow as pa

from custodiet.schema import ADMINISTRATIVE_INCIDENT_KINDS, LAWFUL_INCIDENT_KINDS

Label = Literal["unlawful", "any"]

_SQL = """
WITH flags AS (
    SELECT person, count(*) AS flags FROM (
        SELECT unnest(persons) AS person FROM alerts WHERE NOT suppressed_by_redlist)
    GROUP BY person
),
contacts AS (SELECT person, count(*) AS contacts FROM actions GROUP BY person),
guilty AS (
    SELECT DISTINCT unnest(persons) AS person FROM incidents
    WHERE $any_kind OR kind NOT IN (SELECT unnest($lawful))
)
SELECT p.*,
       coalesce(f.flags, 0) AS flags,
       coalesce(f.flags, 0) > 0 AS flagged,
       coalesce(c.contacts, 0) AS contacts,
       g.person IS NOT NULL AS label
FROM persons p
LEFT JOIN flags f ON f.person = p.person_id
LEFT JOIN contacts c ON c.person = p.person_id
LEFT JOIN guilty g ON g.person = p.person_id
ORDER BY p.person_id
"""


def person_outcomes(con: duckdb.DuckDBPyConnection, *, label: Label = "unlawful") -> pa.Table:
    """Every person with ``flags``, ``flagged``, ``contacts`` and the truth ``label``.

    ``label="unlawful"`` (default) counts only wrongdoing: a petition or a protest is lawful and
    makes nobody guilty, nor does living in a crowded rental (an administrative status).
    ``label="any"`` counts every incident the world records.
    """
    if label not in ("unlawful", "any"):
        raise ValueError(f"label must be 'unlawful' or 'any', not {label!r}")
    innocent_kinds = sorted(LAWFUL_INCIDENT_KINDS | ADMINISTRATIVE_INCIDENT_KINDS)
    return con.execute(_SQL, {"any_kind": label == "any",
                              "lawful": innocent_kinds}).to_arrow_table()


_BURDEN = """
WITH f AS (
    SELECT person, count(*) AS flags FROM (
        SELECT unnest(persons) AS person FROM alerts WHERE NOT suppressed_by_redlist)
    GROUP BY person
),
ranked AS (SELECT flags, row_number() OVER (ORDER BY flags DESC, person) AS r FROM f)
SELECT
    (SELECT count(*) FROM persons) AS population,
    count(*) AS persons_flagged,
    coalesce(sum(flags), 0) AS flags,
    sum(flags) FILTER (WHERE r <= ceil((SELECT count(*) FROM persons) * $top))
        / nullif(sum(flags), 0) AS top_share,
    count(*) FILTER (WHERE flags > 1) / nullif(count(*), 0) AS repeat_share,
    avg(flags) AS flags_per_flagged_person,
    max(flags) AS most_flags
FROM ranked
"""


def burden_concentration(con: duckdb.DuckDBPyConnection, *, top: float = 0.01) -> dict:
    """How concentrated the flags are: the share of all flags (person-alert pairs) carried by
    the top ``top`` share of the *population*, the share of flagged persons flagged more than
    once, and flags per flagged person. Ratios are None when nobody was flagged."""
    if not 0.0 < top <= 1.0:
        raise ValueError("top must be in (0, 1]")
    row = con.execute(_BURDEN, {"top": top}).fetchone()
    cols = [d[0] for d in con.description]
    out = dict(zip(cols, row, strict=True))
    out["top"] = top
    return out
