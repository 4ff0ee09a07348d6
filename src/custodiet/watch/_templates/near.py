"""``near``: a listed person's stay within r metres of a place of a kind (NYT-8)."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from custodiet.scenario.models import Near
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
from custodiet.watch._templates._chunks import Part, PerChunk, int64, joined, taken, within
from custodiet.watch._templates._select import (
    Lookup,
    Memo,
    column,
    in_set,
    listed,
    run_starts,
    single,
    window_ranges,
)
from custodiet.watch._templates._stays import cell_pairs


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


class _Zone:
    """Which places are in the SQL's ``zone`` for a rule, over one ``places`` table: with
    known coordinates and within ``radius_m`` of a place of the kind (tested, as the SQL does,
    on the targets in the 3 × 3 grid cells of side r around the place, the cells computed
    alike), or at a target's very coordinates when r = 0. Judged once for every place, a
    block of places at a time (a block's candidate pairs stay few: at most ``PAIRS``)."""

    PAIRS = 1 << 22

    def __init__(self, rule: Near, places: pa.Table) -> None:
        self.row = Lookup(places.column("place_id").to_numpy())
        x, y = (column(places, c).astype(np.float64) for c in ("x", "y"))
        known = ~np.isnan(x) & ~np.isnan(y)
        kind = pc.equal(places.column("kind"), rule.place_kind).to_numpy(zero_copy_only=False)
        r = float(rule.radius_m)
        size = r if r > 0 else 1.0
        cx, cy = (np.floor(np.where(known, v, 0.0) / size).astype(np.int64) for v in (x, y))
        target = np.flatnonzero(known & kind)
        self.inside = np.zeros(len(x) + 1, bool)  # the last: no such place
        rows = np.flatnonzero(known)
        step = max(1024, self.PAIRS // max(len(target), 1))
        for block in range(0, len(rows), step):
            row = rows[block:block + step]
            i, j = cell_pairs(cx[row], cy[row], cx[target], cy[target])
            ci, tj = row[i], target[j]
            if r > 0:
                dx, dy = x[ci] - x[tj], y[ci] - y[tj]
                near = dx * dx + dy * dy <= r * r
            else:
                near = (x[ci] == x[tj]) & (y[ci] == y[tj])
            self.inside[ci[near]] = True
        self.by_id = None  # by place id, where ids are dense: one look-up, not two
        if self.row.dense:
            self.by_id = np.zeros(self.row.size + 1, bool)
            self.by_id[places.column("place_id").to_numpy()] = self.inside[:-1]

    def __call__(self, place: np.ndarray) -> np.ndarray:
        if self.by_id is None:
            return self.inside[self.row(place)]
        size = len(self.by_id) - 1
        if len(place) and place.min() >= 0 and place.max() < size:
            return self.by_id[place]
        return self.by_id[np.where((place >= 0) & (place < size), place, size)]


class _Own:
    """Each person's recorded home and workplace (``records``): by the person's row where
    each person has one record, else as sorted keys of (person, place) pairs."""

    def __init__(self, records: pa.Table) -> None:
        who = column(records, "person").astype(np.int64)
        owned = [column(records, c).astype(np.int64) for c in ("home_place", "work_place")]
        self.row: Lookup | None = Lookup(who)
        if not np.array_equal(self.row(who), np.arange(len(who))):  # a person twice
            self.row = None
        if self.row is not None:  # a place below -1 is no place: it matches no stay
            self.places = [np.append(np.where(p >= -1, p, np.iinfo(np.int64).min),
                                     np.iinfo(np.int64).min) for p in owned]
            return
        self.base = max([int(p.max()) for p in owned if len(p)], default=0) + 2
        self.keys = np.unique(np.concatenate(
            [who[p >= -1] * self.base + p[p >= -1] + 1 for p in owned]))

    def __call__(self, person: np.ndarray, place: np.ndarray) -> np.ndarray:
        """Whether each stay is at its person's recorded home or workplace."""
        if self.row is not None:  # a person without a record: the last, no place
            row = self.row(person)
            return (self.places[0][row] == place) | (self.places[1][row] == place)
        if len(self.keys) == 0:
            return np.zeros(len(person), bool)
        inside = (place >= -1) & (place + 1 < self.base)
        key = person * self.base + np.where(inside, place + 1, 0)
        pos = np.minimum(np.searchsorted(self.keys, key), len(self.keys) - 1)
        return inside & (self.keys[pos] == key)


_COLS = ("person", "place", "start", "end")
_HELD = (*_COLS, "seen_day")


def native_near(rule: Near) -> Callable[[Held], pa.Table]:
    """:func:`compile_near` in numpy: today's counting stays, each with the number of its
    person's counting stays ending in ``(end - W, end]``, found by sorting them by person and
    end. Whether a stay counts but for the lists is judged once per held chunk."""
    w, n = int(rule.window_minutes), int(rule.min_times)
    zone = Memo(lambda places: _Zone(rule, places))
    own, persons_listed = Memo(_Own), listed(list(rule.lists))

    def counting(batch: pa.RecordBatch, given: tuple[_Zone, _Own | None]) -> Part:
        """A chunk's stays that count but for the lists (the SQL's ``q`` before
        ``Query.listed``): long enough, not at the person's own places, in the zone."""
        s = {c: int64(batch, c) for c in _HELD}
        keep = s["end"] - s["start"] >= int(rule.min_minutes)
        in_zone, owned = given
        if owned is not None and keep.any():
            keep[keep] = ~owned(s["person"][keep], s["place"][keep])
        if keep.any():
            keep[keep] = in_zone(s["place"][keep])
        return Part.of(taken(s, keep), ("seen_day", "end"))

    counted = PerChunk(counting, givens=1)

    def evaluate(held: Held) -> pa.Table:
        given = (zone(held.relation("places")),
                 own(held.relation("records")) if rule.exclude_own else None)
        parts = counted(held.relation("stays"), given)
        a = joined(within(parts, "seen_day", held.day, held.day), _HELD)
        if rule.lists:
            a = taken(a, in_set(a["person"], persons_listed(held.relation("members"))))
        if len(a["person"]) == 0:
            return no_alerts()
        a, times = _anchors({c: a[c] for c in _COLS})
        # The counting stays of an anchor's person ending in (end - W, end].
        lo, hi = int(a["end"].min()) - w, int(a["end"].max())
        b = joined(within(parts, "end", lo + 1, hi), _HELD)
        b = taken(b, in_set(b["person"], np.unique(a["person"])))
        _, first, last = window_ranges(b["person"], b["end"], a["person"], a["end"], w)
        count = last - first
        hit = (count > 0) & (times * count >= n)
        return alerts_table(a["end"][hit], single(a["person"][hit]), a["place"][hit])

    return evaluate


def _anchors(a: dict[str, np.ndarray]) -> tuple[dict[str, np.ndarray], np.ndarray]:
    """One anchor per (person, place, start, end), as the SQL groups them, and how many rows
    each stands for (each duplicate joins every companion row again)."""
    order = np.lexsort([a[c] for c in reversed(_COLS)])
    a = {k: v[order] for k, v in a.items()}
    first = run_starts([a[c] for c in _COLS])
    times = np.diff(np.append(np.flatnonzero(first), len(first)))
    return {k: v[first] for k, v in a.items()}, times


def _records(*rows: tuple[int, int, int]) -> list[dict[str, int]]:
    return [{"person": p, "home_place": h, "work_place": w, "district": 0} for p, h, w in rows]


TEMPLATE = Template(
    name="near",
    compile=compile_near,
    native=native_near,
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
