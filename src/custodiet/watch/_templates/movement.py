"""``movement``: a listed person moving around: many places or districts in a window, or
leaving the home district (NYT-2: "when the person moves around")."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pyarrow as pa

from custodiet.scenario.models import Movement
from custodiet.watch._template import (
    STAYS,
    Compiled,
    Example,
    Held,
    Query,
    Template,
    alerts_table,
    members,
    no_alerts,
    place,
    reads,
    stay,
)
from custodiet.watch._templates._select import (
    column,
    distinct,
    join,
    on_lists,
    single,
    spans,
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


def _located(held: Held, rule: Movement, st: pa.Table) -> dict[str, np.ndarray]:
    """``s``: the listed persons' stays of ``st`` joined to their places' districts."""
    person = column(st, "person")
    rows = np.flatnonzero(on_lists(held, rule.lists, person))
    places = held.relation("places")
    i, j = join(column(st, "place")[rows], column(places, "place_id"))
    rows = rows[i]
    return {"person": person[rows], "place": column(st, "place")[rows],
            "start": column(st, "start")[rows], "end": column(st, "end")[rows],
            "seen_day": column(st, "seen_day")[rows],
            "district": column(places, "district")[j].astype(np.int64)}


def _leaves_home(held: Held, rule: Movement) -> pa.Table:
    """Each listed stay received today outside the person's recorded home district (one per
    matching ``records`` row, as the SQL's join gives)."""
    a = _located(held, rule, held.today("stays"))
    records = held.relation("records")
    i, j = join(a["person"], column(records, "person"))
    keep = a["district"][i] != column(records, "district")[j]
    i = i[keep]
    return alerts_table(a["end"][i], single(a["person"][i]), a["place"][i])


def _near(held: Held, rule: Movement) -> pa.Table | None:
    """The held stays that may fall in a window of a listed stay received today: those of
    the same persons ending in ``(first end - w, last end]`` (None when there are none)."""
    st = held.relation("stays")
    person, end = column(st, "person"), column(st, "end")
    today = column(st, "seen_day") == held.day
    today[today] = on_lists(held, rule.lists, person[today])
    if not today.any():
        return None
    w = int(rule.window_minutes)
    near = (end > int(end[today].min()) - w) & (end <= int(end[today].max()))
    near[near] = np.isin(person[near], person[today])
    return st.filter(pa.array(near))


def _first_seen(who: np.ndarray, value: np.ndarray) -> np.ndarray:
    """For each position, the last earlier position with the same person and value (-1:
    none)."""
    if not len(who):
        return np.zeros(0, np.int64)
    low = int(value.min())
    key = who.astype(np.int64) * (int(value.max()) - low + 1) + (value - low)
    order = np.argsort(key, kind="stable")
    same = key[order][1:] == key[order][:-1]
    earlier = np.full(len(who), -1, np.int64)
    earlier[order[1:][same]] = order[:-1][same]
    return earlier


def _anchors(key: np.ndarray, today: np.ndarray, s: dict[str, np.ndarray],
             order: np.ndarray) -> np.ndarray:
    """The rows of ``s`` received today, one of each alike in (person, place, start, end)
    (the SQL's groups): only rows of one person ending at one minute may be alike, so only
    those are compared."""
    at = np.flatnonzero(today[order])  # positions, sorted by person and end
    run = np.zeros(len(at), bool)
    run[1:] = key[at][1:] == key[at][:-1]
    run[:-1] |= run[1:]
    rows = order[at]
    if run.any():
        alike = rows[run]
        first = alike[distinct(*(s[c][alike] for c in ("person", "place", "start", "end")))[0]]
        rows = np.concatenate([rows[~run], first])
    return rows


def _many(held: Held, rule: Movement) -> pa.Table:
    """Each distinct listed stay received today whose person's stays ending in its window
    are at ≥ n distinct places (or districts): the stays sorted by person and end, each
    window found by binary search, its distinct values counted as the stays in it whose
    last earlier one of the same value lies before it."""
    w = int(rule.window_minutes)
    near = _near(held, rule)
    if near is None:
        return no_alerts()
    s = _located(held, rule, near)
    today = s["seen_day"] == held.day
    if not today.any():
        return no_alerts()
    who = s["person"] - int(s["person"].min())
    lo = int(s["end"].min()) - w
    span = int(s["end"].max()) - lo + 1
    key = who * span + (s["end"] - lo)
    order = np.argsort(key, kind="stable")
    key = key[order]
    value = s["place" if rule.mode == "places" else "district"][order]
    earlier = _first_seen(who[order], value)
    a = _anchors(key, today, s, order)
    upper = who[a] * span + (s["end"][a] - lo)
    first = np.searchsorted(key, upper - w, "right")
    owner, at = spans(first, np.searchsorted(key, upper, "right"))
    count = np.bincount(owner[earlier[at] < first[owner]], minlength=len(a))
    hit = a[count >= int(rule.n)]
    return alerts_table(s["end"][hit], single(s["person"][hit]), s["place"][hit])


def native_movement(rule: Movement) -> Callable[[Held], pa.Table]:
    """:func:`compile_movement` in numpy."""
    return lambda held: (_leaves_home if rule.mode == "leaves_home" else _many)(held, rule)


_PLACES = [place(0, "home", district=0), place(1, "work", district=1),
           place(2, "bar", district=1), place(3, "capital", x=float("nan"), y=float("nan"),
                                           district=-1)]
_DAY = [stay(1, 0, 0, 480), stay(1, 1, 510, 1000), stay(1, 2, 1020, 1100),
        stay(1, 0, 1130, 1439)]
_RECORDS = [{"person": 1, "home_place": 0, "work_place": 1, "district": 0}]
TEMPLATE = Template(
    name="movement",
    compile=compile_movement,
    native=native_movement,
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
