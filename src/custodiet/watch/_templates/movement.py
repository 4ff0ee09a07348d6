"""``movement``: a listed person moving around: many places or districts in a window, or
leaving the home district (NYT-2: "when the person moves around")."""

from __future__ import annotations

from custodiet.scenario.models import Movement
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


def compile_movement(rule: Movement) -> Compiled:
    """A listed person's observed stays covering many places or districts, or one outside the
    home district.

    ``places`` / ``districts``: an anchor (a listed person's stay received today) raises an
    alert when the person's stays ending in ``(a.end - window_minutes, a.end]`` (the anchor
    included) are at ≥ ``n`` distinct places (or districts; every place outside the city is in
    district -1). ``leaves_home``: each stay received today at a place whose district is not
    the person's recorded home district raises an alert. ``t = a.end``, ``persons =
    [person]``, the place is the stay's.
    """
    q = Query()
    s = f"""s AS MATERIALIZED (SELECT st.person, st.place, st.start, st."end", st.seen_day,
                p.district FROM stays st JOIN places p ON p.place_id = st.place
           WHERE {q.listed(rule, "st.person")}),
a AS (SELECT * FROM s WHERE seen_day = $day)"""
    if rule.mode == "leaves_home":
        return q.done(f"""
WITH {s}
SELECT a."end" AS t, [a.person] AS persons, a.place AS place
FROM a JOIN records r ON r.person = a.person
WHERE a.district <> r.district
""")
    what = "b.place" if rule.mode == "places" else "b.district"
    return q.done(f"""
WITH {s}
SELECT a."end" AS t, [a.person] AS persons, a.place AS place
FROM a JOIN s b ON b.person = a.person
     AND b."end" > a."end" - {q.bind("w", int(rule.window_minutes))} AND b."end" <= a."end"
GROUP BY a.person, a.place, a.start, a."end"
HAVING count(DISTINCT {what}) >= {q.bind("n", int(rule.n))}
""")


_PLACES = [place(0, "home", district=0), place(1, "work", district=1),
           place(2, "bar", district=1), place(3, "capital", x=float("nan"), y=float("nan"),
                                           district=-1)]
_DAY = [stay(1, 0, 0, 480), stay(1, 1, 510, 1000), stay(1, 2, 1020, 1100),
        stay(1, 0, 1130, 1439)]
_RECORDS = [{"person": 1, "home_place": 0, "work_place": 1, "district": 0}]
TEMPLATE = Template(
    name="movement",
    compile=compile_movement,
    inputs=reads(stays=STAYS),
    lookback=lambda rule: 0 if rule.mode == "leaves_home" else rule.window_minutes,
    today_only=lambda rule: rule.mode == "leaves_home",
    examples=(
        Example(
            doc="Districts, n = 2, W = 1 day: person 1 goes from home (district 0) to work "
                "and a bar (district 1) and back: the stays at work, the bar and home again "
                "each see two districts in the day and raise alerts.",
            rule={"mode": "districts", "n": 2, "lists": ["x"]},
            tables={"places": _PLACES, "members": members("x", 1), "stays": _DAY},
            alerts=[(1000, (1,), 1), (1100, (1,), 2), (1439, (1,), 0)]),
        Example(
            doc="Places, n = 3: the bar is the third place of the day, so the bar and the "
                "return home raise alerts.",
            rule={"mode": "places", "n": 3, "lists": ["x"]},
            tables={"places": _PLACES, "members": members("x", 1), "stays": _DAY},
            alerts=[(1100, (1,), 2), (1439, (1,), 0)]),
        Example(
            doc="Leaves home: work and the bar lie outside home district 0.",
            rule={"mode": "leaves_home", "lists": ["x"]},
            tables={"places": _PLACES, "members": members("x", 1), "records": _RECORDS,
                    "stays": [*_DAY, stay(1, 3, 1500, 2800, 1)]},
            alerts=[(1000, (1,), 1), (1100, (1,), 2)]),
        Example(
            doc="The next day, a trip to the capital (district -1) raises one more.",
            rule={"mode": "leaves_home", "lists": ["x"]},
            tables={"places": _PLACES, "members": members("x", 1), "records": _RECORDS,
                    "stays": [*_DAY, stay(1, 3, 1500, 2800, 1)]},
            day=1, alerts=[(2800, (1,), 3)]),
    ),
)
