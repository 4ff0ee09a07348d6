"""``anomaly``: a household's water or power above a baseline by a factor (NYT-10, HRW-1)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from custodiet.scenario.models import Anomaly
from custodiet.schema import MINUTES_PER_DAY as DAY
from custodiet.watch._template import (
    Compiled,
    Example,
    Held,
    Query,
    Template,
    alerts_table,
    no_alerts,
    reads,
)
from custodiet.watch._templates._chunks import Part, PerChunk, int64, joined, within
from custodiet.watch._templates._select import Lookup, Memo, column, in_set


def compile_anomaly(rule: Anomaly) -> Compiled:
    """A household's daily reading above ``factor`` × its baseline.

    Readings are divided by the household's registered residents when ``per_resident``. The
    baseline is ``own``: the mean of the household's readings on the ``baseline_days`` days
    before (none: no alert), or ``district``: the mean that day over households of its district
    (itself included, listed or not). Anchors are readings received today; with lists, only
    households with a listed resident. ``t`` is the reading day's last minute, ``persons`` the
    registered residents, the place the home.
    """
    q = Query()
    value = "u.water::DOUBLE" if rule.meter == "water" else "u.power::DOUBLE"
    if rule.per_resident:
        value = f"{value} / greatest(h.residents, 1)"
    listed = "TRUE"
    if rule.lists:
        listed = ("household IN (SELECT household FROM member_homes WHERE list IN "
                  f"(SELECT unnest({q.bind('lists', list(rule.lists))})))")
    own = rule.baseline == "own"
    back = q.bind("back", int(rule.baseline_days) if own else 0)
    if own:
        base = f"""SELECT a.household, a.day, avg(b.v) AS base FROM a JOIN u b
            ON b.household = a.household AND b.day < a.day AND b.day >= a.day - {back}
            GROUP BY a.household, a.day"""
        join = "a.household = base.household AND a.day = base.day"
    else:
        base = "SELECT district, day, avg(v) AS base FROM u GROUP BY district, day"
        join = "a.district = base.district AND a.day = base.day"
    return q.done(f"""
WITH u AS MATERIALIZED (
    SELECT u.household, u.day, {value} AS v, u.seen_day, h.district
    FROM utility u JOIN homes h ON h.household = u.household
    WHERE u.day >= (SELECT min(day) FROM utility WHERE seen_day = $day) - {back}
      AND u.day <= (SELECT max(day) FROM utility WHERE seen_day = $day)),
a AS (SELECT * FROM u WHERE seen_day = $day AND {listed}),
base AS ({base})
SELECT a.day::BIGINT * {DAY} + {DAY - 1} AS t, h.persons AS persons, h.home_place AS place
FROM a JOIN base ON {join} JOIN homes h ON h.household = a.household
WHERE a.v > {q.bind("factor", float(rule.factor))} * base.base
""")


def listed_households(held: Held, lists: list[str]) -> np.ndarray:
    """The households with a member of one of ``lists`` (``member_homes``)."""
    homes = held.relation("member_homes")
    chosen = np.isin(column(homes, "list"), lists)
    return column(homes, "household")[chosen]


def _group_mean(key: np.ndarray, v: np.ndarray, size: int) -> tuple[np.ndarray, np.ndarray]:
    """The sum and count of ``v`` by ``key`` (0 … size - 1)."""
    return (np.bincount(key, weights=v, minlength=size),
            np.bincount(key, minlength=size).astype(np.float64))


_READING = ("household", "day", "seen_day", "v", "row", "known", "district")
_EMPTY = {"v": np.float64, "known": bool}


@dataclass(frozen=True)
class _Readings:
    """A held chunk of ``utility`` as a rule reads it (``part``) and, for an own baseline,
    the sums and counts of its known readings by home row, for each reading day in it."""

    part: Part
    daily: dict[int, tuple[np.ndarray, np.ndarray]]


def _readings(rule: Anomaly) -> PerChunk:
    """Each held chunk of ``utility`` as the rule reads it, with the reading days it spans:
    the household's row of ``homes`` (``known``: it has one), the meter's value (per
    resident if asked) and the home's district; with an own baseline, its daily sums."""

    def make(batch: pa.RecordBatch, given: tuple[pa.Table, Lookup]) -> _Readings:
        homes, rows = given
        hh = int64(batch, "household")
        row = rows(hh)
        known, row = row >= 0, np.maximum(row, 0)
        v = batch.column(rule.meter).to_numpy(zero_copy_only=False).astype(np.float64)
        if rule.per_resident:
            v = v / np.maximum(column(homes, "residents")[row], 1)
        day = int64(batch, "day")
        own = rule.baseline == "own"
        district = (np.zeros(len(hh), np.int64) if own  # not read
                    else column(homes, "district").astype(np.int64)[row])
        out = {"household": hh, "day": day, "seen_day": int64(batch, "seen_day"), "v": v,
               "row": row, "known": known, "district": district}
        daily = {}
        for d in np.unique(day[known]) if own else ():  # the days of one chunk: one or two
            mine = known & (day == d)
            daily[int(d)] = _group_mean(row[mine], v[mine], homes.num_rows)
        return _Readings(Part.of(out, ("seen_day", "day")), daily)

    return PerChunk(make, givens=1)


def _stacked(chunks: list[_Readings], lo: int, hi: int, size: int
             ) -> tuple[np.ndarray, np.ndarray] | None:
    """The sums and counts by reading day (``lo`` … ``hi``) and home row, from the chunks'
    daily sums: what summing the window's readings by (row, day) gives, in the same order,
    where each day's readings lie in one chunk; None where one lies in two or more (their
    sums, added, could differ from the readings' sum in its last bits)."""
    sums, counts = np.zeros((hi - lo + 1, size)), np.zeros((hi - lo + 1, size))
    for d in range(lo, hi + 1):
        found = [c.daily[d] for c in chunks if d in c.daily]
        if len(found) > 1:
            return None
        if found:
            sums[d - lo], counts[d - lo] = found[0]
    return sums, counts


def native_anomaly(rule: Anomaly) -> Callable[[Held], pa.Table]:
    """:func:`compile_anomaly` in numpy: each reading received today against its baseline,
    summed by household and reading day (own) or district and day (district). A held day's
    readings are looked up in ``homes`` once, when they are received, and summed by home
    then (own)."""
    own, factor = rule.baseline == "own", float(rule.factor)
    back = int(rule.baseline_days) if own else 0
    readings = _readings(rule)
    households = Memo(lambda homes: (homes, Lookup(column(homes, "household"))))

    def evaluate(held: Held) -> pa.Table:
        homes = held.relation("homes")
        chunks = readings(held.relation("utility"), households(homes))
        parts = [c.part for c in chunks]
        u = joined(within(parts, "seen_day", held.day, held.day), _READING, _EMPTY)
        if len(u["day"]) == 0:
            return no_alerts()
        lo, hi = int(u["day"].min()) - back, int(u["day"].max())
        stacked = _stacked(chunks, lo, hi, homes.num_rows) if own else None
        if stacked is None:  # all a reading's baseline reads
            u = joined(within(parts, "day", lo, hi), _READING, _EMPTY)
        anchor = u["known"] & (u["seen_day"] == held.day)
        if rule.lists:
            anchor &= in_set(u["household"], listed_households(held, list(rule.lists)))
        anchor = np.flatnonzero(anchor)
        if stacked is not None:
            d, r = u["day"][anchor] - lo, u["row"][anchor]
            total = sum(stacked[0][d - k, r] for k in range(1, back + 1))
            count = sum(stacked[1][d - k, r] for k in range(1, back + 1))
        else:
            total, count = _baseline(u, anchor, (lo, hi), back if own else None,
                                     homes.num_rows)
        with np.errstate(invalid="ignore", divide="ignore"):
            base = total / count
        hit = anchor[(count > 0) & (u["v"][anchor] > factor * base)]
        rows = pa.array(u["row"][hit])
        return alerts_table(u["day"][hit] * DAY + DAY - 1, homes.column("persons").take(rows),
                            homes.column("home_place").take(rows).to_numpy())

    return evaluate


def _baseline(u: dict[str, np.ndarray], anchor: np.ndarray, days: tuple[int, int],
              back: int | None, homes: int) -> tuple[np.ndarray, np.ndarray]:
    """Each anchor's baseline sum and count from the window's readings ``u`` of the reading
    days ``days``: its home's readings of the ``back`` days before (own), or with ``back``
    None its district's that day."""
    keep, day, v, row = u["known"], u["day"], u["v"], u["row"]
    lo, hi = days
    span = hi - lo + 1
    if back is not None:  # one slot per household (its row of homes) and day
        sums, counts = _group_mean(row[keep] * span + day[keep] - lo, v[keep], homes * span)
        cell = row[anchor] * span + day[anchor] - lo
        return (sum(sums[cell - k] for k in range(1, back + 1)),
                sum(counts[cell - k] for k in range(1, back + 1)))
    district = u["district"]  # one slot per district and day
    low = int(district[keep].min())
    width = int(district[keep].max()) - low + 1
    key = (district - low) * span + day - lo
    total, count = _group_mean(key[keep], v[keep], width * span)
    return total[key[anchor]], count[key[anchor]]


def _home(household: int) -> dict[str, object]:
    return {"household": household, "home_place": 3, "district": 0, "residents": 1,
            "persons": [household]}


def _reading(household: int, water: float) -> dict[str, object]:
    return {"household": household, "day": 0, "water": water, "power": 1.0, "seen_day": 0}


TEMPLATE = Template(
    name="anomaly",
    compile=compile_anomaly,
    native=native_anomaly,
    inputs=reads(utility=("household", "day", "water", "power", "seen_day")),
    lookback=lambda rule: rule.baseline_days * DAY if rule.baseline == "own" else 0,
    examples=(
        Example(
            doc="District baseline, factor 2: four one-resident households of a district read "
                "100, 100, 100 and 700 litres: the mean is 250 and only the fourth (700 > 500) "
                "raises an alert.",
            rule={"meter": "water", "baseline": "district", "factor": 2.0},
            tables={"homes": [_home(h) for h in range(4)],
                    "utility": [_reading(h, w) for h, w in enumerate((100, 100, 100, 700))]},
            alerts=[(1439, (3,), 3)]),
        Example(
            doc="With 100, 100 and 400 the mean is 200 and 400 > 400 is false: none.",
            rule={"meter": "water", "baseline": "district", "factor": 2.0},
            tables={"homes": [_home(h) for h in range(4)],
                    "utility": [_reading(h, w) for h, w in ((1, 100), (2, 100), (3, 400))]},
            alerts=[]),
    ),
)
