"""``gathering``: ≥ k distinct listed persons at places of a kind, together (NYT-3, NYT-4)."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from custodiet.scenario.models import Gathering
from custodiet.schema import MINUTES_PER_DAY as DAY
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
    Lookup,
    Memo,
    column,
    in_set,
    listed,
    run_starts,
    spans,
    stays_at,
)
from custodiet.watch._templates._stays import cell_pairs


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


class _Pairs:
    """The places of the kind (by rank) and the SQL's ``pairs`` of them: each with itself
    and, with r > 0, every ordered pair passing its box and distance tests, computed as the
    SQL computes them on the candidates of a grid of side 2r (a pair passing them lies in
    neighbouring cells)."""

    def __init__(self, rule: Gathering, places: pa.Table) -> None:
        ids = places.column("place_id").to_numpy()
        kind = np.flatnonzero(pc.equal(places.column("kind"), rule.place_kind)
                              .to_numpy(zero_copy_only=False))
        self.ids = ids[kind]
        self.rank = Lookup(self.ids)
        self.p = self.q = None
        r = float(rule.radius_m)
        if r <= 0:
            return
        x, y = (column(places, c).astype(np.float64)[kind] for c in ("x", "y"))
        fin = np.flatnonzero(np.isfinite(x) & np.isfinite(y))
        span = float(max(1.0, np.abs(x[fin]).max(), np.abs(y[fin]).max())) if len(fin) else 1.0
        if r > 1e-6 * span:  # cells far wider than the rounding of a coordinate
            cx, cy = (np.floor(v[fin] / (2 * r)).astype(np.int64) for v in (x, y))
            i, j = cell_pairs(cx, cy, cx, cy)
            p, q = fin[i], fin[j]
        else:
            p, q = np.repeat(fin, len(fin)), np.tile(fin, len(fin))
        dx, dy = x[q] - x[p], y[q] - y[p]
        ok = ((x[q] >= x[p] - r) & (x[q] <= x[p] + r) & (y[q] >= y[p] - r)
              & (y[q] <= y[p] + r) & (dx * dx + dy * dy <= r * r))
        self_pairs = np.arange(len(kind))
        key = np.unique(np.concatenate([p[ok] * len(kind) + q[ok],
                                        self_pairs * len(kind) + self_pairs]))
        self.p, self.q = key // len(kind), key % len(kind)  # sorted by p
        self._by_q = np.lexsort((self.p, self.q))

    def of_p(self, p: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Each pair (p, q) of the given ``p``: the index of its ``p`` and its ``q``."""
        if self.p is None:
            return np.arange(len(p)), p
        i, pos = spans(np.searchsorted(self.p, p, "left"), np.searchsorted(self.p, p, "right"))
        return i, self.q[pos]

    def of_q(self, q: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Each pair (p, q) of the given ``q``: the index of its ``q`` and its ``p``."""
        if self.q is None:
            return np.arange(len(q)), q
        qs = self.q[self._by_q]
        i, pos = spans(np.searchsorted(qs, q, "left"), np.searchsorted(qs, q, "right"))
        return i, self.p[self._by_q[pos]]


def _sorted_keys(group: np.ndarray, value: np.ndarray) -> tuple[np.ndarray, np.ndarray,
                                                                  Callable]:
    """Rows sorted by ``(group, value)`` as one int64 key, their order, and the key of a
    (group, value) query, clamped so that a query below or above every value of a group
    stays within it."""
    low = int(value.min()) - 1 if len(value) else 0
    width = (int(value.max()) if len(value) else 0) - low + 2
    key = group * width + value - low
    order = np.argsort(key, kind="stable")

    def query(g: np.ndarray, v: np.ndarray) -> np.ndarray:
        return g * width + np.clip(v - low, 0, width - 1)

    return key[order], order, query


def _together(a: dict[str, np.ndarray], b: dict[str, np.ndarray], pairs: _Pairs, w: int
              ) -> tuple[np.ndarray, np.ndarray]:
    """Every (anchor, stay) at paired places whose times overlap with the anchor widened by
    ``w``, as two index arrays: the stays that begin inside the widened anchor, found by
    sorting stays by (place, start), and those that begin before it and are still there at
    its start, found by sorting anchors by (place, widened start)."""
    keys, order, query = _sorted_keys(b["rank"], b["start"])
    i, q = pairs.of_p(a["rank"])
    lo = np.searchsorted(keys, query(q, a["start"][i] - w), "left")
    hi = np.searchsorted(keys, query(q, a["end"][i] + w), "left")
    owner, pos = spans(lo, hi)
    inside = (i[owner], order[pos])
    keys, order, query = _sorted_keys(a["rank"], a["start"] - w)
    j, p = pairs.of_q(b["rank"])
    lo = np.searchsorted(keys, query(p, b["start"][j] + 1), "left")
    hi = np.searchsorted(keys, query(p, b["end"][j]), "left")
    owner, pos = spans(lo, hi)
    return (np.concatenate([inside[0], order[pos]]),
            np.concatenate([inside[1], j[owner]]))


def native_gathering(rule: Gathering) -> Callable[[Held], pa.Table]:
    """:func:`compile_gathering` in numpy: the listed persons' stays at places of the kind up
    to today, today's as anchors; the pairs of an anchor and a companion's stay found by
    sorting (:func:`_together`), then the SQL's conditions, companions counted once."""
    w, k = int(rule.window_minutes), int(rule.k)
    pairs = Memo(lambda places: _Pairs(rule, places))
    persons_listed = listed(list(rule.lists))

    def evaluate(held: Held) -> pa.Table:
        day = held.day
        kind = pairs(held.relation("places"))
        s = stays_at(held, rule.place_kind)  # every held stay at a place of the kind
        s = {c: v[s["seen_day"] <= day] for c, v in s.items()}
        if rule.lists:
            mine = in_set(s["person"], persons_listed(held.relation("members")))
            s = {c: v[mine] for c, v in s.items()}
        s["rank"] = kind.rank(s["place"])
        a = _anchors({c: v[s["seen_day"] == day] for c, v in s.items()})
        if len(a["person"]) == 0:
            return no_alerts()
        i, j = _together(a, s, kind, w)
        ap, bp, a_end, b_end, b_seen = a["person"][i], s["person"][j], a["end"][i], \
            s["end"][j], s["seen_day"][j]
        # Received before the anchor (every stay here was received by today; the persons
        # differ, so the order's last key, start, never decides).
        before = (b_seen < day) | (b_end < a_end) | ((b_end == a_end) & (bp < ap))
        ok = ((bp != ap) & (s["start"][j] < a_end + w) & (b_end > a["start"][i] - w)
              & before)
        return _alerts(a, i[ok], bp[ok], k)

    return evaluate


def _anchors(a: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Today's stays, one per (person, place, start, end), as the SQL groups them."""
    cols = ("person", "place", "start", "end")
    order = np.lexsort([a[c] for c in reversed(cols)])
    a = {c: v[order] for c, v in a.items()}
    first = run_starts([a[c] for c in cols])
    return {c: v[first] for c, v in a.items()}


def _alerts(a: dict[str, np.ndarray], i: np.ndarray, companion: np.ndarray, k: int
            ) -> pa.Table:
    """The anchors with at least ``k - 1`` distinct companions, each naming its person and
    them, sorted."""
    who = np.unique(np.concatenate([a["person"], companion]))
    n = len(who)
    met = np.unique(i * n + np.searchsorted(who, companion))
    count = np.bincount(met // n, minlength=len(a["person"]))
    hit = np.flatnonzero(count >= k - 1)
    if len(hit) == 0:
        return no_alerts()
    mine = met[in_set(met // n, hit)]
    key = np.sort(np.concatenate([mine, hit * n + np.searchsorted(who, a["person"][hit])]))
    sizes = np.bincount(np.searchsorted(hit, key // n), minlength=len(hit))
    persons = pa.ListArray.from_arrays(pa.array(np.concatenate([[0], np.cumsum(sizes)])),
                                       pa.array(who[key % n]))
    return alerts_table(a["end"][hit], persons, a["place"][hit])


_PLACES = [place(7, "hotel"), place(8, "hotel", x=100.0)]
TEMPLATE = Template(
    name="gathering",
    compile=compile_gathering,
    native=native_gathering,
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
        Example(
            doc="k = 3, W = 30: 1 in hotel 7 over [0, 100), 2 over [50, 200), 3 over [120, "
                "300). 1 left 20 minutes before 3 arrived, within W: stay 3, ending last, "
                "raises one alert naming all three; stay 2 has only 1 before it.",
            rule={"k": 3, "place_kind": "hotel", "window_minutes": 30, "lists": ["x"]},
            tables={"places": _PLACES, "members": members("x", 1, 2, 3),
                    "stays": [stay(1, 7, 0, 100), stay(2, 7, 50, 200), stay(3, 7, 120, 300)]},
            alerts=[(300, (1, 2, 3), 7)]),
    ),
)
