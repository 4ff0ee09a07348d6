"""``frequency``: ≥ n events in a window with ≥ m distinct counterparts (NYT-6, NYT-14)."""

from __future__ import annotations

from collections.abc import Callable

import pyarrow as pa

from custodiet.scenario.models import Frequency
from custodiet.schema import OUT_OF_TOWN_NUMBER_BASE as OOT
from custodiet.watch._template import (
    STAYS,
    Compiled,
    Example,
    Held,
    Query,
    Template,
    members,
    place,
    stay,
)
from custodiet.watch._templates import _frequency as native


def compile_frequency(rule: Frequency) -> Compiled:
    """≥ ``n`` events within ``window_minutes``, with ≥ ``distinct`` different counterparts.

    ``calls``: events are a listed person's calls (only to out-of-town numbers if
    ``out_of_town``; only to numbers the caller had not called at an earlier minute, among the
    calls the watch holds, if ``new_only``); the counterpart is the number called; an anchor
    call received today raises an alert when the caller's counting calls with
    ``t in (a.t - W, a.t]`` number ≥ n with ≥ m distinct numbers. ``t = a.t``, place -1.

    ``entries``: events are a listed person's stays at places of ``place_kind``; the
    counterparts of a stay are the other persons with an observed stay at the same place
    overlapping it; an anchor stay received today raises an alert when the person's stays there
    ending in ``(a.end - W, a.end]`` number ≥ n with ≥ m distinct counterparts among them.
    ``t = a.end``, the place is the anchor's.

    ``counterpart = "same"`` (calls only): an anchor call to number x received today raises an
    alert when the caller's counting calls to x with ``t in (a.t - W, a.t]`` number ≥ n (so
    ``distinct`` plays no part); with ``new_only``, x must be new to the caller when the run
    began: no call to x at ``t <= a.t - W`` among the calls the watch holds.
    """
    q = Query()
    w, n = q.bind("w", int(rule.window_minutes)), q.bind("n", int(rule.n))
    if rule.event == "calls" and rule.counterpart == "same":
        return q.done(_same_number(rule, q, w, n))
    m = q.bind("m", int(rule.distinct))
    if rule.event == "calls":
        oot = "AND c.out_of_town" if rule.out_of_town else ""
        new = ("AND NOT EXISTS (SELECT 1 FROM lc e WHERE e.caller = c.caller "
               "AND e.callee = c.callee AND e.t < c.t)") if rule.new_only else ""
        return q.done(f"""
WITH lc AS MATERIALIZED (SELECT caller, callee, t, out_of_town, seen_day FROM calls
            WHERE {q.listed(rule, "caller")}),
f AS MATERIALIZED (SELECT c.caller AS person, c.callee AS other, c.t, c.seen_day,
             row_number() OVER () AS rid
      FROM lc c WHERE TRUE {oot} {new}),
a AS (SELECT * FROM f WHERE seen_day = $day)
SELECT a.t AS t, [a.person] AS persons, -1::BIGINT AS place
FROM a JOIN f b ON b.person = a.person AND b.t > a.t - {w} AND b.t <= a.t
GROUP BY a.rid, a.person, a.t
HAVING count(*) >= {n} AND count(DISTINCT b.other) >= {m}
""")
    return q.done(f"""
WITH e AS MATERIALIZED (SELECT st.person, st.place, st.start, st."end", st.seen_day FROM stays st
           WHERE st.place IN (SELECT place_id FROM places
                              WHERE kind = {q.bind("kind", rule.place_kind)})
             AND {q.listed(rule, "st.person")}),
a AS (SELECT * FROM e WHERE seen_day = $day),
ab AS MATERIALIZED (SELECT a.person, a.place, a.start, a."end", b.start AS b_start
       FROM a JOIN e b ON b.person = a.person AND b."end" > a."end" - {w}
       AND b."end" <= a."end"),
-- Companions only of the stays that count for today's anchors (not of every stay held).
x AS (SELECT * FROM e WHERE (person, start) IN (SELECT (person, b_start) FROM ab)),
comp AS (SELECT x.person, x.start, o.person AS other FROM x JOIN stays o
         ON o.place = x.place AND o.person <> x.person AND o.start < x."end"
         AND o."end" > x.start)
SELECT ab."end" AS t, [ab.person] AS persons, ab.place AS place
FROM ab LEFT JOIN comp ON comp.person = ab.person AND comp.start = ab.b_start
GROUP BY ab.person, ab.place, ab.start, ab."end"
HAVING count(DISTINCT ab.b_start) >= {n} AND count(DISTINCT comp.other) >= {m}
""")


def _same_number(rule: Frequency, q: Query, w: str, n: str) -> str:
    """≥ n calls to the anchor's number in the window (the number new before it, if asked)."""
    oot = "AND out_of_town" if rule.out_of_town else ""
    new = ("AND NOT EXISTS (SELECT 1 FROM lc e WHERE e.caller = a.caller "
           f"AND e.callee = a.callee AND e.t <= a.t - {w})") if rule.new_only else ""
    return f"""
WITH lc AS MATERIALIZED (SELECT caller, callee, t, seen_day, row_number() OVER () AS rid
            FROM calls WHERE {q.listed(rule, "caller")} {oot}),
a AS (SELECT * FROM lc WHERE seen_day = $day)
SELECT a.t AS t, [a.caller] AS persons, -1::BIGINT AS place
FROM a JOIN lc b ON b.caller = a.caller AND b.callee = a.callee AND b.t > a.t - {w}
     AND b.t <= a.t
WHERE TRUE {new}
GROUP BY a.rid, a.caller, a.t
HAVING count(*) >= {n}
"""


def native_frequency(rule: Frequency) -> Callable[[Held], pa.Table]:
    """:func:`compile_frequency` in numpy (``_templates/_frequency.py``)."""
    if rule.event == "calls":
        return (native.same_number if rule.counterpart == "same"
                else native.distinct_numbers)(rule)
    return native.entries(rule)


def _call(caller: int, callee: int, t: int, seen: int = 0) -> dict[str, object]:
    return {"caller": caller, "callee": callee, "t": t, "out_of_town": callee >= OOT,
            "seen_day": seen}


TEMPLATE = Template(
    name="frequency",
    compile=compile_frequency,
    native=native_frequency,
    inputs=lambda rule: (
        {"calls": ("caller", "callee", "t", "out_of_town", "seen_day")}
        if rule.event == "calls" else {"stays": STAYS}),
    lookback=lambda rule: rule.window_minutes,
    holds_all=lambda rule: rule.event == "calls" and rule.new_only,
    examples=(
        Example(
            doc="Calls, out of town, new only, n = 3, W = 1 day: a drug user calls new "
                "out-of-town numbers x, y, z at t = 10, 20, 30: the call at 30 raises an alert; "
                "a fourth call to x at 40 does not count (x is no longer new).",
            rule={"event": "calls", "out_of_town": True, "new_only": True, "n": 3,
                  "window_minutes": 1440, "lists": ["x"]},
            tables={"members": members("x", 1),
                    "calls": [_call(1, OOT + k, t) for k, t in ((1, 10), (2, 20), (3, 30),
                                                                 (1, 40))]},
            alerts=[(30, (1,), -1)]),
        Example(
            doc="Entries, n = 2, distinct = 2: two hotel stays of person 1, each shared with a "
                "different person, raise an alert at the second.",
            rule={"event": "entries", "place_kind": "hotel", "n": 2, "distinct": 2,
                  "window_minutes": 1440, "lists": ["x"]},
            tables={"places": [place(0, "hotel")], "members": members("x", 1),
                    "stays": [stay(1, 0, 0, 100), stay(7, 0, 50, 60), stay(1, 0, 200, 300),
                              stay(8, 0, 250, 260)]},
            alerts=[(300, (1,), 0)]),
        Example(
            doc="Same counterpart, new only, n = 3, W = 1 day (NYT-6), day 1: calls to a new "
                "out-of-town number x at 1500, 1510 and 1520 raise an alert at 1520; three "
                "calls to y at 1600-1620 do not, y having been called at 100, before the "
                "window began.",
            rule={"event": "calls", "counterpart": "same", "out_of_town": True,
                  "new_only": True, "n": 3, "window_minutes": 1440, "lists": ["x"]},
            tables={"members": members("x", 1),
                    "calls": [_call(1, OOT + 2, 100)]
                    + [_call(1, OOT + 1, t, seen=1) for t in (1500, 1510, 1520)]
                    + [_call(1, OOT + 2, t, seen=1) for t in (1600, 1610, 1620)]},
            day=1, alerts=[(1520, (1,), -1)]),
    ),
)
