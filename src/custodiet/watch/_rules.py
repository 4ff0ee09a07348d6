"""Rule templates compiled to DuckDB SQL over the observed events of a rolling window.

Every template reads the same named relations (registered by the watch as Arrow tables, no
copies; each event row carries ``seen_day``, the day the watch received it):

* ``stays(person, place, start, end, seen_day)`` (observed stays, half-open ``[start, end)``),
  ``calls(caller, callee, t, out_of_town, seen_day)``, ``tickets(ticket_id, person, t,
  destination, depart, cash, seen_day)``, ``phone_off(person, start, end, seen_day)``,
  ``utility(household, day, water, power, seen_day)``;
* ``places(place_id, kind, x, y, district, compound)``, ``homes(household, home_place,
  district, residents, persons)``, ``spouses(a, b)``, ``members(list, person)`` and
  ``member_homes(list, household)`` (households with a member of the list);
* ``scores(scorer, person, level, prev_level)``: today's scorer levels.

A rule evaluated on day ``$day`` is *anchored* on the rows received that day: each anchor that
meets the rule's condition raises one alert, with the window looking back over earlier rows.
So an event raises its alert exactly once over a run. Each query returns ``t`` (BIGINT),
``persons`` (sorted BIGINT[]) and ``place`` (BIGINT, -1 when none). The exact semantics of each
template, with a worked example, are in its compiler's docstring and in ``docs/rules.md``.
"""

from __future__ import annotations

from collections.abc import Callable

import duckdb
import pyarrow as pa

from custodiet.scenario._watch import (
    Absence,
    Anomaly,
    Apart,
    Dwell,
    Frequency,
    Gathering,
    Near,
    Score,
    Travel,
)
from custodiet.schema import MINUTES_PER_DAY

DAY = MINUTES_PER_DAY

#: What a compiled rule returns.
RULE_OUTPUT = pa.schema([("t", pa.int64()), ("persons", pa.list_(pa.int64())),
                         ("place", pa.int64())])

#: The relations (and columns) each template reads: what its benchmark floor scans.
TEMPLATE_INPUTS: dict[str, dict[str, tuple[str, ...]]] = {
    "gathering": {"stays": ("person", "place", "start", "end", "seen_day")},
    "near": {"stays": ("person", "place", "start", "end", "seen_day")},
    "dwell": {"stays": ("person", "place", "start", "end", "seen_day")},
    "frequency": {"calls": ("caller", "callee", "t", "out_of_town", "seen_day")},
    "anomaly": {"utility": ("household", "day", "water", "power", "seen_day")},
    "absence": {"phone_off": ("person", "start", "end", "seen_day")},
    "apart": {"stays": ("person", "place", "start", "end")},
    "travel": {"tickets": ("ticket_id", "person", "t", "destination", "cash", "seen_day")},
    "score": {"scores": ("scorer", "person", "level", "prev_level")},
}


def _listed(rule: object, column: str) -> str:
    """SQL condition: ``column`` (a person id) is on one of the rule's lists (TRUE if none)."""
    lists = getattr(rule, "lists", [])
    if not lists:
        return "TRUE"
    names = ", ".join(f"'{name}'" for name in lists)  # names are validated identifiers
    return f"{column} IN (SELECT person FROM members WHERE list IN ({names}))"


def _gathering(rule: Gathering) -> str:
    """≥ ``k`` distinct listed persons at places of ``place_kind``, together.

    An anchor stay ``a`` (a listed person's stay at a place of the kind, received today) raises
    an alert when at least ``k - 1`` *other* listed persons have a stay ``b`` at a place of the
    kind within ``radius_m`` of ``a``'s place (0: the same place) that overlaps ``a`` widened by
    ``window_minutes`` on both sides (``b.start < a.end + W`` and ``b.end > a.start - W``:
    touching stays are not together when W = 0) and that the watch received before ``a``
    (ordered by ``(seen_day, end, person, start)``). So a group is reported once, by the stay
    that completes it, and a person with several stays counts once. ``t = a.end``, the place is
    ``a``'s, and ``persons`` are ``a``'s person and the companions.

    Example (k = 2, hotel, r = 0, W = 0): drug users 1 in hotel 7 over [100, 500) and 2 over
    [400, 900), both received on day 0: stay 2 ends last, sees stay 1 overlapping, and raises
    one alert ``t = 900, persons = [1, 2], place = 7``. Had 1 left at 400, no alert.
    """
    w = int(rule.window_minutes)
    r = float(rule.radius_m)
    if r > 0:
        pairs = f"""SELECT p.place_id AS p, q.place_id AS q FROM kp p JOIN kp q
            ON q.x BETWEEN p.x - {r} AND p.x + {r} AND q.y BETWEEN p.y - {r} AND p.y + {r}
            AND (q.x - p.x) * (q.x - p.x) + (q.y - p.y) * (q.y - p.y) <= {r * r}
            UNION SELECT place_id, place_id FROM kp"""
    else:
        pairs = "SELECT place_id AS p, place_id AS q FROM kp"
    return f"""
WITH kp AS (SELECT place_id, x, y FROM places WHERE kind = '{rule.place_kind}'),
s AS MATERIALIZED (SELECT st.person, st.place, st.start, st."end", st.seen_day FROM stays st
      WHERE st.place IN (SELECT place_id FROM kp) AND {_listed(rule, "st.person")}),
a AS (SELECT * FROM s WHERE seen_day = $day),
pairs AS ({pairs})
SELECT a."end" AS t,
       list_sort(list_append(list(DISTINCT b.person), a.person)) AS persons,
       a.place AS place
FROM a JOIN pairs ON pairs.p = a.place JOIN s b ON b.place = pairs.q
WHERE b.person <> a.person AND b.start < a."end" + {w} AND b."end" > a.start - {w}
  AND (b.seen_day < a.seen_day OR (b.seen_day = a.seen_day AND (b."end" < a."end"
       OR (b."end" = a."end" AND (b.person < a.person
       OR (b.person = a.person AND b.start < a.start))))))
GROUP BY a.person, a.place, a.start, a."end"
HAVING count(DISTINCT b.person) >= {int(rule.k) - 1}
"""


def _near(rule: Near) -> str:
    """A listed person's stay at a place within ``radius_m`` of a place of ``place_kind``.

    A stay counts when it lasts at least ``min_minutes`` and its place lies within ``radius_m``
    metres of some place of the kind (a place of the kind itself is at distance 0). An anchor
    (a counting stay received today) raises an alert when the person has at least ``min_times``
    counting stays ending in ``(a.end - window_minutes, a.end]`` (the anchor included).
    ``t = a.end``, ``persons = [person]``, the place is the stay's.

    Example (school at (0, 0), r = 200, n = 2, W = 1440): a person with a mental-illness record
    stays at a shop at (150, 0) over [0, 60) and [600, 660): the second stay raises an alert
    ``t = 660``; the first does not (only one counting stay by then).
    """
    r = float(rule.radius_m)
    if r > 0:
        # Grid cells of side r: a place within r of a target lies in one of the 3 × 3 cells
        # around it, so the distance test runs on a hash join instead of all pairs.
        zone = f"""tg AS (SELECT x, y, floor(x / {r})::BIGINT + dx AS cx,
                       floor(y / {r})::BIGINT + dy AS cy
                FROM places, (VALUES (-1), (0), (1)) AS a(dx), (VALUES (-1), (0), (1)) AS b(dy)
                WHERE kind = '{rule.place_kind}' AND NOT isnan(x) AND NOT isnan(y)),
zone AS (SELECT DISTINCT c.place_id FROM cand c JOIN tg g
         ON floor(c.x / {r})::BIGINT = g.cx AND floor(c.y / {r})::BIGINT = g.cy
         WHERE (c.x - g.x) * (c.x - g.x) + (c.y - g.y) * (c.y - g.y) <= {r * r}),"""
    else:
        zone = f"""zone AS (SELECT DISTINCT c.place_id FROM cand c JOIN places g
         ON g.kind = '{rule.place_kind}' AND c.x = g.x AND c.y = g.y),"""
    return f"""
WITH s AS MATERIALIZED (SELECT st.person, st.place, st.start, st."end", st.seen_day FROM stays st
           WHERE st."end" - st.start >= {int(rule.min_minutes)}
             AND {_listed(rule, "st.person")}),
cand AS (SELECT place_id, x, y FROM places
         WHERE place_id IN (SELECT place FROM s) AND NOT isnan(x) AND NOT isnan(y)),
{zone}
q AS (SELECT * FROM s WHERE place IN (SELECT place_id FROM zone)),
a AS (SELECT * FROM q WHERE seen_day = $day)
SELECT a."end" AS t, [a.person] AS persons, a.place AS place
FROM a JOIN q b ON b.person = a.person AND b."end" > a."end" - {int(rule.window_minutes)}
     AND b."end" <= a."end"
GROUP BY a.person, a.place, a.start, a."end"
HAVING count(*) >= {int(rule.min_times)}
"""


def _dwell(rule: Dwell) -> str:
    """A listed person (anyone when the rule has no lists) staying at a place of ``place_kind``
    for at least ``min_minutes``.

    Each such stay received today raises one alert at ``t = start + min_minutes`` (the moment
    the dwell was reached), ``persons = [person]``, the place is the stay's.

    Example (station, D = 120): stays [0, 119) and [200, 320) at a station: only the second
    raises an alert, at ``t = 320``.
    """
    d = int(rule.min_minutes)
    return f"""
SELECT st.start + {d} AS t, [st.person] AS persons, st.place AS place
FROM stays st
WHERE st.seen_day = $day AND st."end" - st.start >= {d}
  AND st.place IN (SELECT place_id FROM places WHERE kind = '{rule.place_kind}')
  AND {_listed(rule, "st.person")}
"""


def _frequency(rule: Frequency) -> str:
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

    Example (calls, out of town, new only, n = 3, W = 1 day): a drug user calls new
    out-of-town numbers x, y, z at t = 10, 20, 30: the call at 30 raises an alert; a fourth
    call to x at 40 does not count (x is no longer new).
    """
    w, n, m = int(rule.window_minutes), int(rule.n), int(rule.distinct)
    if rule.event == "calls":
        oot = "AND c.out_of_town" if rule.out_of_town else ""
        new = ("AND NOT EXISTS (SELECT 1 FROM lc e WHERE e.caller = c.caller "
               "AND e.callee = c.callee AND e.t < c.t)") if rule.new_only else ""
        return f"""
WITH lc AS MATERIALIZED (SELECT caller, callee, t, out_of_town, seen_day FROM calls
            WHERE {_listed(rule, "caller")}),
f AS MATERIALIZED (SELECT c.caller AS person, c.callee AS other, c.t, c.seen_day,
             row_number() OVER () AS rid
      FROM lc c WHERE TRUE {oot} {new}),
a AS (SELECT * FROM f WHERE seen_day = $day)
SELECT a.t AS t, [a.person] AS persons, -1::BIGINT AS place
FROM a JOIN f b ON b.person = a.person AND b.t > a.t - {w} AND b.t <= a.t
GROUP BY a.rid, a.person, a.t
HAVING count(*) >= {n} AND count(DISTINCT b.other) >= {m}
"""
    return f"""
WITH e AS MATERIALIZED (SELECT st.person, st.place, st.start, st."end", st.seen_day FROM stays st
           WHERE st.place IN (SELECT place_id FROM places WHERE kind = '{rule.place_kind}')
             AND {_listed(rule, "st.person")}),
comp AS (SELECT e.person, e.start, o.person AS other FROM e JOIN stays o
         ON o.place = e.place AND o.person <> e.person AND o.start < e."end"
         AND o."end" > e.start),
a AS (SELECT * FROM e WHERE seen_day = $day)
SELECT a."end" AS t, [a.person] AS persons, a.place AS place
FROM a JOIN e b ON b.person = a.person AND b."end" > a."end" - {w} AND b."end" <= a."end"
LEFT JOIN comp ON comp.person = b.person AND comp.start = b.start
GROUP BY a.person, a.place, a.start, a."end"
HAVING count(DISTINCT b.start) >= {n} AND count(DISTINCT comp.other) >= {m}
"""


def _anomaly(rule: Anomaly) -> str:
    """A household's daily reading above ``factor`` × its baseline.

    Readings are divided by the household's registered residents when ``per_resident``. The
    baseline is ``own``: the mean of the household's readings on the ``baseline_days`` days
    before (none: no alert), or ``district``: the mean that day over households of its district
    (itself included, listed or not). Anchors are readings received today; with lists, only
    households with a listed resident. ``t`` is the reading day's last minute, ``persons`` the
    registered residents, the place the home.

    Example (district baseline, factor 2): four one-resident households of a district read
    100, 100, 100 and 700 litres: the mean is 250 and only the fourth (700 > 500) raises an
    alert; with 100, 100 and 400 the mean is 200 and 400 > 400 is false: none.
    """
    value = f"u.{rule.meter}::DOUBLE"
    if rule.per_resident:
        value = f"{value} / greatest(h.residents, 1)"
    listed = "TRUE"
    if rule.lists:
        names = ", ".join(f"'{name}'" for name in rule.lists)
        listed = f"household IN (SELECT household FROM member_homes WHERE list IN ({names}))"
    own = rule.baseline == "own"
    back = int(rule.baseline_days) if own else 0
    if own:
        base = f"""SELECT a.household, a.day, avg(b.v) AS base FROM a JOIN u b
            ON b.household = a.household AND b.day < a.day AND b.day >= a.day - {back}
            GROUP BY a.household, a.day"""
        join = "a.household = base.household AND a.day = base.day"
    else:
        base = "SELECT district, day, avg(v) AS base FROM u GROUP BY district, day"
        join = "a.district = base.district AND a.day = base.day"
    return f"""
WITH u AS MATERIALIZED (
    SELECT u.household, u.day, {value} AS v, u.seen_day, h.district
    FROM utility u JOIN homes h ON h.household = u.household
    WHERE u.day >= (SELECT min(day) FROM utility WHERE seen_day = $day) - {back}
      AND u.day <= (SELECT max(day) FROM utility WHERE seen_day = $day)),
a AS (SELECT * FROM u WHERE seen_day = $day AND {listed}),
base AS ({base})
SELECT a.day::BIGINT * {DAY} + {DAY - 1} AS t, h.persons AS persons, h.home_place AS place
FROM a JOIN base ON {join} JOIN homes h ON h.household = a.household
WHERE a.v > {float(rule.factor)} * base.base
"""


def _absence(rule: Absence) -> str:
    """A listed person's phone off for at least ``min_minutes``.

    Each such phone-off spell received today raises one alert at ``t = start + min_minutes``,
    ``persons = [person]``, place -1.

    Example (D = 240): spells [0, 100) and [500, 800): only the second, at ``t = 740``.
    """
    d = int(rule.min_minutes)
    return f"""
SELECT p.start + {d} AS t, [p.person] AS persons, -1::BIGINT AS place
FROM phone_off p
WHERE p.seen_day = $day AND p."end" - p.start >= {d} AND {_listed(rule, "p.person")}
"""


def _apart(rule: Apart) -> str:
    """Spouses together on less than ``max_share`` of the nights both were observed.

    Judged in tumbling windows of ``window_days`` nights: on each day ``d`` with
    ``(d + 1) % window_days == 0``, over the nights ``d - window_days + 1 … d``. A person's place
    on night ``n`` is the place of their observed stay covering minute ``n·1440 +
    night_minute`` (``start <= i < end``). A couple (one of them listed) is judged when both were
    observed on at least ``min_observed`` of those nights and raises an alert when they were at
    the same place on fewer than ``max_share`` × (nights both observed). ``t`` is the day's last
    minute, ``persons = [a, b]``, place -1.

    Example (W = 7, share 0.3, min 3): both seen on 5 nights, together on 1: 1 < 1.5, alert on
    day 6; together on 2: none.
    """
    w, nm = int(rule.window_days), int(rule.night_minute)
    either = f"({_listed(rule, 'sp.a')} OR {_listed(rule, 'sp.b')})"
    return f"""
WITH sp AS MATERIALIZED (SELECT sp.a, sp.b FROM spouses sp
                        WHERE ($day + 1) % {w} = 0 AND {either}),
ws AS MATERIALIZED (SELECT st.person, st.place, st.start, st."end" FROM stays st
        WHERE (st.person IN (SELECT sp.a FROM spouses sp WHERE {either})
               OR st.person IN (SELECT sp.b FROM spouses sp WHERE {either}))
          AND ($day + 1) % {w} = 0
          AND st."end" > ($day - {w - 1}) * {DAY} + {nm} AND st.start <= $day * {DAY} + {nm}),
-- the nights n whose minute n·1440 + night_minute lies in [start, end)
loc AS MATERIALIZED (SELECT person, place, n FROM (
          SELECT person, place, unnest(range(ceil((start - {nm}) / {DAY}.0)::BIGINT,
                                             ceil(("end" - {nm}) / {DAY}.0)::BIGINT)) AS n
          FROM ws) WHERE n BETWEEN $day - {w - 1} AND $day),
xa AS MATERIALIZED (SELECT sp.a, sp.b, la.n, la.place FROM sp JOIN loc la ON la.person = sp.a),
j AS (SELECT xa.a, xa.b, count(*) AS observed,
             count(*) FILTER (WHERE xa.place = lb.place) AS together
      FROM xa JOIN loc lb ON lb.person = xa.b AND lb.n = xa.n
      GROUP BY xa.a, xa.b)
SELECT $day::BIGINT * {DAY} + {DAY - 1} AS t, [a, b] AS persons, -1::BIGINT AS place
FROM j WHERE observed >= {int(rule.min_observed)} AND together < {float(rule.max_share)} * observed
"""


def _travel(rule: Travel) -> str:
    """A listed person's tickets to a destination kind.

    Tickets count when bought by a listed person for a destination of the kind (``any``: every
    ticket) and, with ``cash_only``, paid in cash. An anchor (a counting ticket received today)
    raises an alert when the person's counting tickets bought in ``(a.t - W, a.t]`` number at
    least ``min_tickets``. ``t = a.t``, ``persons = [person]``, the place is the destination.

    Example (capital, 2 tickets, W = 1 day): tickets to the capital bought at 100 and 200 (a
    decoy and a real one): the second raises an alert at ``t = 200``.
    """
    dest = "TRUE" if rule.destination == "any" else \
        f"k.destination IN (SELECT place_id FROM places WHERE kind = '{rule.destination}')"
    cash = "k.cash" if rule.cash_only else "TRUE"
    return f"""
WITH tk AS (SELECT k.ticket_id, k.person, k.t, k.destination, k.seen_day FROM tickets k
            WHERE {dest} AND {cash} AND {_listed(rule, "k.person")}),
a AS (SELECT * FROM tk WHERE seen_day = $day)
SELECT a.t AS t, [a.person] AS persons, a.destination AS place
FROM a JOIN tk b ON b.person = a.person AND b.t > a.t - {int(rule.window_minutes)}
     AND b.t <= a.t
GROUP BY a.ticket_id, a.person, a.t, a.destination
HAVING count(*) >= {int(rule.min_tickets)}
"""


def _score(rule: Score) -> str:
    """A listed person whose level on ``scorer`` reaches ``min_level`` today.

    An alert is raised on the day the level first reaches ``min_level`` (``level >= L`` and
    ``prev_level < L``), at the day's last minute, ``persons = [person]``, place -1.

    Example (L = 2): levels 1, 2, 3, 1, 2 over five days raise alerts on days 1 and 4.
    """
    lvl = int(rule.min_level)
    return f"""
SELECT $day::BIGINT * {DAY} + {DAY - 1} AS t, [s.person] AS persons, -1::BIGINT AS place
FROM scores s
WHERE s.scorer = '{rule.scorer}' AND s.level >= {lvl} AND s.prev_level < {lvl}
  AND {_listed(rule, "s.person")}
"""


_COMPILERS: dict[str, Callable[..., str]] = {
    "gathering": _gathering, "near": _near, "dwell": _dwell, "frequency": _frequency,
    "anomaly": _anomaly, "absence": _absence, "apart": _apart, "travel": _travel,
    "score": _score,
}


def compile_rule(rule: object) -> str:
    """The SQL of a rule (parameter ``$day``), returning ``t``, ``persons`` and ``place``."""
    return _COMPILERS[rule.template](rule)  # type: ignore[attr-defined]


def run_rule(con: duckdb.DuckDBPyConnection, rule: object, day: int,
             sql: str | None = None) -> pa.Table:
    """Evaluate ``rule`` for ``day`` on the relations registered in ``con``, sorted by
    ``(t, persons, place)`` so the result is deterministic."""
    query = f"SELECT * FROM ({sql or compile_rule(rule)}) ORDER BY t, persons, place"
    table = con.execute(query, {"day": int(day)}).to_arrow_table()
    return table.cast(RULE_OUTPUT)
