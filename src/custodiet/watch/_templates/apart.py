"""``apart``: spouses together on less than a share of observed nights (NYT-13)."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pyarrow as pa

from custodiet.scenario.models import Apart
from custodiet.schema import MINUTES_PER_DAY as DAY
from custodiet.watch._template import (
    Compiled,
    Example,
    Held,
    Query,
    Template,
    alerts_table,
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
    distinct,
    on_lists,
    pairs,
    spans,
)


def compile_apart(rule: Apart) -> Compiled:
    """Spouses together on less than ``max_share`` of the nights both were observed.

    Judged in tumbling windows of ``window_days`` nights: on each day ``d`` with
    ``(d + 1) % window_days == 0``, over the nights ``d - window_days + 1 … d``. A person's place
    on night ``n`` is the place of their observed stay covering minute ``n·1440 +
    night_minute`` (``start <= i < end``). A couple (one of them listed) is judged when both were
    observed on at least ``min_observed`` of those nights and raises an alert when they were at
    the same place on fewer than ``max_share`` × (nights both observed). With ``holiday_only``
    only the nights ``n`` that are holiday days (``$holidays``, bound by the runner from the
    public calendar) count. ``t`` is the day's last minute, ``persons = [a, b]``, place -1.
    """
    q = Query()
    w, nm = q.bind("w", int(rule.window_days)), q.bind("nm", int(rule.night_minute))
    either = f"({q.listed(rule, 'sp.a')} OR {q.listed(rule, 'sp.b')})"
    holiday = " AND list_contains($holidays, n)" if rule.holiday_only else ""
    return q.done(f"""
WITH sp AS MATERIALIZED (SELECT sp.a, sp.b FROM spouses sp
                        WHERE ($day + 1) % {w} = 0 AND {either}),
ws AS MATERIALIZED (SELECT st.person, st.place, st.start, st."end" FROM stays st
        WHERE (st.person IN (SELECT sp.a FROM spouses sp WHERE {either})
               OR st.person IN (SELECT sp.b FROM spouses sp WHERE {either}))
          AND ($day + 1) % {w} = 0
          AND st."end" > ($day - ({w} - 1)) * {DAY} + {nm} AND st.start <= $day * {DAY} + {nm}),
-- the nights n whose minute n·1440 + night_minute lies in [start, end)
loc AS MATERIALIZED (SELECT person, place, n FROM (
          SELECT person, place, unnest(range(ceil((start - {nm}) / {DAY}.0)::BIGINT,
                                             ceil(("end" - {nm}) / {DAY}.0)::BIGINT)) AS n
          FROM ws) WHERE n BETWEEN $day - ({w} - 1) AND $day{holiday}),
xa AS MATERIALIZED (SELECT sp.a, sp.b, la.n, la.place FROM sp JOIN loc la ON la.person = sp.a),
j AS (SELECT xa.a, xa.b, count(*) AS observed,
             count(*) FILTER (WHERE xa.place = lb.place) AS together
      FROM xa JOIN loc lb ON lb.person = xa.b AND lb.n = xa.n
      GROUP BY xa.a, xa.b)
SELECT $day::BIGINT * {DAY} + {DAY - 1} AS t, [a, b] AS persons, -1::BIGINT AS place
FROM j WHERE observed >= {q.bind("min_observed", int(rule.min_observed))}
  AND together < {q.bind("share", float(rule.max_share))} * observed
""")


def _night_rows(batch: pa.RecordBatch, night_minute: int) -> Part:
    """``loc`` of a chunk's stays, before the window and the persons are chosen: for each
    stay and each night ``n`` whose minute ``n·1440 + night_minute`` it covers, the person,
    ``n`` and the place."""
    start, end = int64(batch, "start"), int64(batch, "end")
    n0 = -((night_minute - start) // DAY)  # ceil((start - nm) / DAY)
    n1 = -((night_minute - end) // DAY)
    row, night = spans(n0, n1)
    return Part.of({"person": int64(batch, "person")[row], "night": night,
                    "place": int64(batch, "place")[row]}, ("night",))


_NIGHTS = PerChunk(_night_rows, givens=4)
_NIGHT_MINUTES: dict[int, int] = {}
"""One object for each night minute: the rules that share it share their chunks' nights."""
_LOCATED = Memo(lambda stays: {})
"""What :func:`_located` found on the last day's stays, by night minute and nights."""


def _located(held: Held, people: np.ndarray, first: int, nights: int, night_minute: int
             ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``loc``: for each held stay of one of ``people`` (sorted) and each night ``n`` of
    ``first … first + nights - 1`` whose minute ``n·1440 + night_minute`` it covers, the
    person's position in ``people``, ``n - first`` and the place. Each held chunk's nights
    are found once, for every rule of the night minute."""
    stays = held.relation("stays")
    nm = _NIGHT_MINUTES.setdefault(int(night_minute), int(night_minute))
    today = _LOCATED(stays)  # rules alike on a day (the same persons) share what they find
    known = today.get((nm, first, nights))
    if known is not None and (known[0] is people or np.array_equal(known[0], people)):
        return known[1]
    parts = within(_NIGHTS(stays, nm), "night", first, first + nights - 1)
    position = Lookup(people)  # people are distinct: each one's position, -1 for others
    found = [(position(p["person"]), p) for p in parts]
    loc = joined([taken(p, who >= 0) | {"who": who[who >= 0]} for who, p in found],
                 ("who", "night", "place"))
    today[(nm, first, nights)] = (people, (loc["who"], loc["night"] - first, loc["place"]))
    return today[(nm, first, nights)][1]


def _judged(held: Held, rule: Apart) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The couples judged (``sp`` grouped by ``(a, b)``: distinct rows, each row's count)
    and their members, sorted."""
    sp = held.relation("spouses")
    a, b = column(sp, "a"), column(sp, "b")
    keep = on_lists(held, rule.lists, a) | on_lists(held, rule.lists, b)
    a, b = a[keep], b[keep]
    first, inverse = distinct(a, b)
    couples = np.column_stack([a[first], b[first]]).reshape(-1, 2)
    return couples, np.bincount(inverse, minlength=len(first)), np.unique(couples)


class _Judged:
    """:func:`_judged`, remembered while the rule reads the same ``spouses`` (and, with
    lists, the same ``members``) table: the same on most days."""

    def __init__(self, rule: Apart) -> None:
        self._rule = rule
        self._tables: tuple[pa.Table | None, ...] | None = None
        self._value: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None

    def __call__(self, held: Held) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        tables = (held.relation("spouses"),
                  held.relation("members") if self._rule.lists else None)
        if self._tables is None or any(
                a is not b for a, b in zip(tables, self._tables, strict=True)):
            self._tables, self._value = tables, _judged(held, self._rule)
        assert self._value is not None
        return self._value


def _together(cell: np.ndarray, at: np.ndarray, ia: np.ndarray, ib: np.ndarray, w: int
              ) -> np.ndarray:
    """For each couple (``ia``, ``ib``: positions in the persons), the pairs of its two
    persons' located stays on one night at one place (``cell``: person and night of each
    located stay, ``at``: its place)."""
    places, at = np.unique(at, return_inverse=True)
    width = w * max(len(places), 1)
    keys, counts = np.unique(cell * len(places) + at, return_counts=True)
    lo, hi = np.searchsorted(keys, ia * width), np.searchsorted(keys, (ia + 1) * width)
    couple, mine = spans(lo, hi)  # each of a's (night, place) keys
    theirs = keys[mine] + (ib - ia)[couple] * width
    pos = np.minimum(np.searchsorted(keys, theirs), max(len(keys) - 1, 0))
    both = counts[mine] * np.where(keys[pos] == theirs, counts[pos], 0)
    return np.bincount(couple, weights=both, minlength=len(ia))


def native_apart(rule: Apart) -> Callable[[Held], pa.Table]:
    """:func:`compile_apart` in numpy: each couple's nights both
    observed (the products of each night's located stays of the two) and together (the
    same, at one place), summed over the window's nights (with ``holiday_only``, the holiday
    nights of ``held.holidays``)."""
    w, nm = int(rule.window_days), int(rule.night_minute)
    least, share = int(rule.min_observed), float(rule.max_share)
    judged = _Judged(rule)

    def evaluate(held: Held) -> pa.Table:
        day = held.day
        if (day + 1) % w != 0:
            return no_alerts()
        couples, times, people = judged(held)
        if not len(couples):
            return no_alerts()
        who, night, at = _located(held, people, day - w + 1, w, nm)
        if rule.holiday_only:  # only the nights that are holiday days count
            counted = np.isin(night + day - w + 1, np.asarray(held.holidays, np.int64))
            who, night, at = who[counted], night[counted], at[counted]
        cell = who * w + night  # one per person and night
        per_night = np.bincount(cell, minlength=len(people) * w).reshape(len(people), w)
        ia, ib = np.searchsorted(people, couples[:, 0]), np.searchsorted(people, couples[:, 1])
        observed = (per_night[ia] * per_night[ib]).sum(axis=1) * times
        if per_night.max(initial=0) <= 1:  # a stay a night at most (stays do not overlap)
            place = np.zeros(len(people) * w, np.int64)
            place[cell] = at
            place = place.reshape(len(people), w)
            same = per_night[ia] * per_night[ib] * (place[ia] == place[ib])
            together = same.sum(axis=1) * times
        else:
            together = _together(cell, at, ia, ib, w) * times
        hit = (observed >= least) & (together < share * observed)
        return alerts_table(np.full(int(hit.sum()), day * DAY + DAY - 1),
                            pairs(couples[hit, 0], couples[hit, 1]), np.full(int(hit.sum()), -1))

    return evaluate


def _nights() -> list[dict[str, object]]:
    """Spouses 1 and 2 both seen on nights 0-4, at the same place only on night 0."""
    rows = []
    for night in range(5):
        i = night * DAY + 180
        rows += [stay(1, 3, i - 10, i + 10, night), stay(2, 3 if night == 0 else 0, i - 10,
                                                           i + 10, night)]
    return rows


_TOGETHER_TWICE = _nights()
_TOGETHER_TWICE[3] = stay(2, 3, DAY + 170, DAY + 190, 1)
TEMPLATE = Template(
    name="apart",
    compile=compile_apart,
    native=native_apart,
    inputs=reads(stays=("person", "place", "start", "end")),
    lookback=lambda rule: rule.window_days * DAY,
    examples=(
        Example(
            doc="W = 7, share 0.3, min 3: both seen on 5 nights, together on 1: 1 < 1.5, alert "
                "on day 6.",
            rule={"window_days": 7, "max_share": 0.3, "min_observed": 3},
            tables={"places": [place(0, "home"), place(3, "home", x=150.0)],
                    "stays": _nights(), "spouses": [{"a": 1, "b": 2}]},
            day=6, alerts=[(6 * DAY + DAY - 1, (1, 2), -1)]),
        Example(
            doc="Judged only at the end of a window: nothing on day 5.",
            rule={"window_days": 7, "max_share": 0.3, "min_observed": 3},
            tables={"places": [place(0, "home"), place(3, "home", x=150.0)],
                    "stays": _nights(), "spouses": [{"a": 1, "b": 2}]},
            day=5, alerts=[]),
        Example(
            doc="Holiday only, the holiday on days 3-6: both seen on nights 3 and 4, together "
                "on neither: 0 < 0.6, alert (min 2).",
            rule={"window_days": 7, "max_share": 0.3, "min_observed": 2, "holiday_only": True},
            tables={"places": [place(0, "home"), place(3, "home", x=150.0)],
                    "stays": _nights(), "spouses": [{"a": 1, "b": 2}]},
            day=6, holidays=(3, 4, 5, 6), alerts=[(6 * DAY + DAY - 1, (1, 2), -1)]),
        Example(
            doc="Holiday only, the holiday on days 0-1: together on night 0, apart on night "
                "1: 1 < 0.6 is false, none, though apart on 4 of the 5 nights seen.",
            rule={"window_days": 7, "max_share": 0.3, "min_observed": 2, "holiday_only": True},
            tables={"places": [place(0, "home"), place(3, "home", x=150.0)],
                    "stays": _nights(), "spouses": [{"a": 1, "b": 2}]},
            day=6, holidays=(0, 1), alerts=[]),
        Example(
            doc="Together on 2 of 5 nights: 2 < 1.5 is false, none.",
            rule={"window_days": 7, "max_share": 0.3, "min_observed": 3},
            tables={"places": [place(0, "home"), place(3, "home", x=150.0)],
                    "stays": _TOGETHER_TWICE, "spouses": [{"a": 1, "b": 2}]},
            day=6, alerts=[]),
    ),
)
