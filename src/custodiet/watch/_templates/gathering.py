"""``gathering``: ≥ k distinct listed persons at places of a kind, together (NYT-3, NYT-4)."""

from __future__ import annotations

from custodiet.scenario.models import Gathering
from custodiet.schema import MINUTES_PER_DAY as DAY
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


def compile_gathering(rule: Gathering) -> Compiled:
    """≥ ``k`` distinct listed persons at places of ``place_kind``, together.

    An anchor stay ``a`` (a listed person's stay at a place of the kind, received today) raises
    an alert when at least ``k - 1`` *other* listed persons have a stay ``b`` at a place of the
    kind within ``radius_m`` of ``a``'s place (0: the same place) that overlaps ``a`` widened by
    ``window_minutes`` on both sides (``b.start < a.end + W`` and ``b.end > a.start - W``:
    touching stays are not together when W = 0) and that the watch received before ``a``
    (ordered by ``(seen_day, end, person, start)``). So a group is reported once, by the stay
    that completes it, and a person with several stays counts once. ``t = a.end``, the place is
    ``a``'s, and ``persons`` are ``a``'s person and the companions.
    """
    q = Query()
    w = q.bind("w", int(rule.window_minutes))
    r = float(rule.radius_m)
    if r > 0:
        rr, r2 = q.bind("r", r), q.bind("r2", r * r)
        pairs = f"""SELECT p.place_id AS p, q.place_id AS q FROM kp p JOIN kp q
            ON q.x BETWEEN p.x - {rr} AND p.x + {rr} AND q.y BETWEEN p.y - {rr} AND p.y + {rr}
            AND (q.x - p.x) * (q.x - p.x) + (q.y - p.y) * (q.y - p.y) <= {r2}
            UNION SELECT place_id, place_id FROM kp"""
    else:
        pairs = "SELECT place_id AS p, place_id AS q FROM kp"
    return q.done(f"""
WITH kp AS (SELECT place_id, x, y FROM places WHERE kind = {q.bind("kind", rule.place_kind)}),
s AS MATERIALIZED (SELECT st.person, st.place, st.start, st."end", st.seen_day FROM stays st
      WHERE st.place IN (SELECT place_id FROM kp) AND {q.listed(rule, "st.person")}),
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
HAVING count(DISTINCT b.person) >= {q.bind("k", int(rule.k))} - 1
""")


_PLACES = [place(7, "hotel"), place(8, "hotel", x=100.0)]
TEMPLATE = Template(
    name="gathering",
    compile=compile_gathering,
    inputs=reads(stays=STAYS),
    # A companion's stay may have begun the day before it was received.
    lookback=lambda rule: rule.window_minutes + DAY,
    examples=(
        Example(
            doc="Drug users 1 in hotel 7 over [100, 500) and 2 over [400, 900), both received "
                "on day 0: stay 2 ends last, sees stay 1 overlapping, and raises one alert.",
            rule={"k": 2, "place_kind": "hotel", "lists": ["x"]},
            tables={"places": _PLACES, "members": members("x", 1, 2),
                    "stays": [stay(1, 7, 100, 500), stay(2, 7, 400, 900)]},
            alerts=[(900, (1, 2), 7)]),
        Example(
            doc="Had 1 left at 400, as 2 arrived: touching stays are not together when W = 0.",
            rule={"k": 2, "place_kind": "hotel", "lists": ["x"]},
            tables={"places": _PLACES, "members": members("x", 1, 2),
                    "stays": [stay(1, 7, 100, 400), stay(2, 7, 400, 900)]},
            alerts=[]),
        Example(
            doc="Nearby hotels count as one within the radius (NYT-5).",
            rule={"k": 2, "place_kind": "hotel", "radius_m": 100.0, "lists": ["x"]},
            tables={"places": _PLACES, "members": members("x", 1, 2),
                    "stays": [stay(1, 7, 0, 100), stay(2, 8, 50, 150)]},
            alerts=[(150, (1, 2), 8)]),
    ),
)
