"""``near``: a listed person's stay within r metres of a place of a kind (NYT-8)."""

from __future__ import annotations

from custodiet.scenario.models import Near
from custodiet.watch._template import (
    STAYS,
    Compiled,
    Example,
    Query,
    Template,
    members,
    place,
    reads,
    stay,
)


def compile_near(rule: Near) -> Compiled:
    """A listed person's stay at a place within ``radius_m`` of a place of ``place_kind``.

    A stay counts when it lasts at least ``min_minutes``, its place lies within ``radius_m``
    metres of some place of the kind (a place of the kind itself is at distance 0) and, with
    ``exclude_own``, it is not the person's recorded home or workplace or school. An anchor
    (a counting stay received today) raises an alert when the person has at least ``min_times``
    counting stays ending in ``(a.end - window_minutes, a.end]`` (the anchor included).
    ``t = a.end``, ``persons = [person]``, the place is the stay's.
    """
    q = Query()
    kind = q.bind("kind", rule.place_kind)
    r = float(rule.radius_m)
    if r > 0:
        rr, r2 = q.bind("r", r), q.bind("r2", r * r)
        # Grid cells of side r: a place within r of a target lies in one of the 3 × 3 cells
        # around it, so the distance test runs on a hash join instead of all pairs.
        zone = f"""tg AS (SELECT x, y, floor(x / {rr})::BIGINT + dx AS cx,
                       floor(y / {rr})::BIGINT + dy AS cy
                FROM places, (VALUES (-1), (0), (1)) AS a(dx), (VALUES (-1), (0), (1)) AS b(dy)
                WHERE kind = {kind} AND NOT isnan(x) AND NOT isnan(y)),
zone AS (SELECT DISTINCT c.place_id FROM cand c JOIN tg g
         ON floor(c.x / {rr})::BIGINT = g.cx AND floor(c.y / {rr})::BIGINT = g.cy
         WHERE (c.x - g.x) * (c.x - g.x) + (c.y - g.y) * (c.y - g.y) <= {r2}),"""
    else:
        zone = f"""zone AS (SELECT DISTINCT c.place_id FROM cand c JOIN places g
         ON g.kind = {kind} AND c.x = g.x AND c.y = g.y),"""
    own = ("AND NOT EXISTS (SELECT 1 FROM records r WHERE r.person = st.person "
           "AND (r.home_place = st.place OR r.work_place = st.place))") if rule.exclude_own else ""
    return q.done(f"""
WITH s AS MATERIALIZED (SELECT st.person, st.place, st.start, st."end", st.seen_day FROM stays st
           WHERE st."end" - st.start >= {q.bind("min_minutes", int(rule.min_minutes))}
             AND {q.listed(rule, "st.person")} {own}),
cand AS (SELECT place_id, x, y FROM places
         WHERE place_id IN (SELECT place FROM s) AND NOT isnan(x) AND NOT isnan(y)),
{zone}
q AS (SELECT * FROM s WHERE place IN (SELECT place_id FROM zone)),
a AS (SELECT * FROM q WHERE seen_day = $day)
SELECT a."end" AS t, [a.person] AS persons, a.place AS place
FROM a JOIN q b ON b.person = a.person
     AND b."end" > a."end" - {q.bind("w", int(rule.window_minutes))} AND b."end" <= a."end"
GROUP BY a.person, a.place, a.start, a."end"
HAVING count(*) >= {q.bind("n", int(rule.min_times))}
""")


def _records(*rows: tuple[int, int, int]) -> list[dict[str, int]]:
    return [{"person": p, "home_place": h, "work_place": w, "district": 0} for p, h, w in rows]


TEMPLATE = Template(
    name="near",
    compile=compile_near,
    inputs=reads(stays=STAYS),
    lookback=lambda rule: rule.window_minutes,
    examples=(
        Example(
            doc="A school at (0, 0), r = 200, n = 2, W = 1440: a person with a mental-illness "
                "record stays at a shop at (150, 0) over [0, 60) and [600, 660): the second "
                "stay raises an alert; the first does not (only one counting stay by then).",
            rule={"place_kind": "school", "radius_m": 200.0, "min_times": 2,
                  "window_minutes": 1440, "lists": ["x"]},
            tables={"places": [place(0, "school"), place(3, "bar", x=150.0)],
                    "members": members("x", 1),
                    "stays": [stay(1, 3, 0, 60), stay(1, 3, 600, 660)]},
            alerts=[(660, (1,), 3)]),
        Example(
            doc="The same stays with r = 149: the shop is too far.",
            rule={"place_kind": "school", "radius_m": 149.0, "lists": ["x"]},
            tables={"places": [place(0, "school"), place(3, "bar", x=150.0)],
                    "members": members("x", 1),
                    "stays": [stay(1, 3, 0, 60), stay(1, 3, 600, 660)]},
            alerts=[]),
        Example(
            doc="Person 1 lives at home 4, 100 m from the school, and passes the shop at "
                "(150, 0): only the shop raises an alert; with exclude_own off, the home too.",
            rule={"place_kind": "school", "radius_m": 200.0, "lists": ["x"]},
            tables={"places": [place(0, "school"), place(3, "bar", x=150.0),
                               place(4, "home", x=100.0)],
                    "members": members("x", 1), "records": _records((1, 4, -1)),
                    "stays": [stay(1, 4, 0, 480), stay(1, 3, 500, 530)]},
            alerts=[(530, (1,), 3)]),
        Example(
            doc="The same day with exclude_own = false: the night at home counts too.",
            rule={"place_kind": "school", "radius_m": 200.0, "lists": ["x"],
                  "exclude_own": False},
            tables={"places": [place(0, "school"), place(3, "bar", x=150.0),
                               place(4, "home", x=100.0)],
                    "members": members("x", 1), "records": _records((1, 4, -1)),
                    "stays": [stay(1, 4, 0, 480), stay(1, 3, 500, 530)]},
            alerts=[(480, (1,), 4), (530, (1,), 3)]),
    ),
)
