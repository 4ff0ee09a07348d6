"""One incident in two twin runs. Incident ids are numbered per run, so the same act has
different ids in each; what identifies it is its kind, its day, its place and who took part.

Two incidents, one in each run, are the same when they share kind and place, happened less
than ``WINDOW`` minutes apart (a day: an act ten minutes either side of midnight is one act,
which a calendar-day bucket split in two) and share more than half of the participants of
each: a protest keeps its time and place when one member is
detained and the rest still go, while a dealer's deal with another buyer is another deal (one
participant of two in common is not a majority). Where several candidates remain, each
incident is paired with the candidate sharing the most participants, then the one with the
fewest participants not shared, then the nearest in time, then the lowest id; a pair is kept
when each is the other's first choice, and the rounds repeat among the incidents left
unpaired until no pair is added. The pairing is one to one; an incident without participants
is never paired.

Every cross-twin count of the audit (what the red list hid, what acting on an alert stopped,
the split of a twin difference by whom it concerns) uses this matcher.
"""

from __future__ import annotations

import pyarrow as pa

from custodiet.engine import Session
from custodiet.schema import MINUTES_PER_DAY

#: Minutes two twins' times of one act may differ by, strictly. An assumption: with
#: per-person common random numbers an act the change did not touch keeps its time, and one it
#: moved moves within the day; a daily habit's act of the next day lies a full day away.
WINDOW = MINUTES_PER_DAY

MATCHED = pa.schema([("a", pa.int64()), ("b", pa.int64())])
"""Pairs of incident ids: ``a`` in the first run, ``b`` in the second."""

_CANDIDATES = """
CREATE TEMP TABLE _cand AS
WITH pa_ AS (SELECT incident_id AS id, kind, t, t // $window AS bucket, place,
                    len(persons) AS n, unnest(persons) AS person FROM _a),
     pb_ AS (SELECT *, unnest([t // $window - 1, t // $window, t // $window + 1]) AS bucket
             FROM (SELECT incident_id AS id, kind, t, place, len(persons) AS n,
                          unnest(persons) AS person FROM _b))
SELECT pa_.id AS a, pb_.id AS b, count(*) AS shared,
       any_value(pa_.n) + any_value(pb_.n) - 2 * count(*) AS unshared,
       any_value(abs(pa_.t - pb_.t)) AS dt
FROM pa_ JOIN pb_ USING (kind, bucket, place, person)
WHERE abs(pa_.t - pb_.t) < $window  -- within the window: the buckets either side hold them
GROUP BY pa_.id, pb_.id
HAVING 2 * count(*) > any_value(pa_.n) AND 2 * count(*) > any_value(pb_.n)
"""

_ROUND = """
WITH left_ AS (SELECT * FROM _cand
               WHERE a NOT IN (SELECT a FROM _pairs) AND b NOT IN (SELECT b FROM _pairs)),
ranked AS (
    SELECT a, b,
           row_number() OVER (PARTITION BY a ORDER BY shared DESC, unshared, dt, b) AS ra,
           row_number() OVER (PARTITION BY b ORDER BY shared DESC, unshared, dt, a) AS rb
    FROM left_)
INSERT INTO _pairs SELECT a, b FROM ranked WHERE ra = 1 AND rb = 1
"""


def match_incidents(a: pa.Table, b: pa.Table) -> pa.Table:
    """The incidents of run ``a`` paired with the same incidents of run ``b`` (both
    ``schema.INCIDENTS``): one row per pair (``MATCHED``); an incident of either run in no
    pair did not happen in the other."""
    with Session() as s:
        s.register_all({"_a": a.select(["incident_id", "kind", "persons", "t", "place"]),
                        "_b": b.select(["incident_id", "kind", "persons", "t", "place"])})
        s.execute(_CANDIDATES, window=WINDOW)
        s.execute("CREATE TEMP TABLE _pairs (a BIGINT, b BIGINT)")
        added = True
        while added:  # rounds, each over every incident left unpaired, not one per incident
            before = s.scalar("SELECT count(*) FROM _pairs")
            s.execute(_ROUND)
            added = s.scalar("SELECT count(*) FROM _pairs") > before
        out = s.query("SELECT a, b FROM _pairs ORDER BY a, b")
    return out.cast(MATCHED)
