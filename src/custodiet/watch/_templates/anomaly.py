"""``anomaly``: a household's water or power above a baseline by a factor (NYT-10, HRW-1)."""

from __future__ import annotations

from collections.abc import Callable

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


def _readings(rule: Anomaly) -> PerChunk:
    """Each held chunk of ``utility`` as the rule reads it, with the reading days it spans:
    the household's row of ``homes`` (``known``: it has one), the meter's value (per
    resident if asked) and the home's district."""

    def make(batch: pa.RecordBatch, given: tuple[pa.Table, Lookup]) -> Part:
        homes, rows = given
        hh = int64(batch, "household")
        row = rows(hh)
        known, row = row >= 0, np.maximum(row, 0)
        v = batch.column(rule.meter).to_numpy(zero_copy_only=False).astype(np.float64)
        if rule.per_resident:
            v = v / np.maximum(column(homes, "residents")[row], 1)
        day = int64(batch, "day")
        district = (np.zeros(len(hh), np.int64) if rule.baseline == "own"  # not read
                    else column(homes, "district").astype(np.int64)[row])
        out = {"household": hh, "day": day, "seen_day": int64(batch, "seen_day"), "v": v,
               "row": row, "known": known, "district": district}
        return Part.of(out, ("seen_day", "day"))

    return PerChunk(make, givens=1)


def _window(parts: list[Part], day: int, back: int
            ) -> tuple[dict[str, np.ndarray], int, int] | None:
    """The held readings of the days from ``back`` days before the first reading received on
    ``day`` to the last (all a reading's baseline reads), and those days' bounds; None when
    nothing was received on ``day``."""
    days = [p["day"] for p in within(parts, "seen_day", day, day) if len(p["day"])]
    if not days:
        return None
    lo, hi = min(int(d.min()) for d in days) - back, max(int(d.max()) for d in days)
    return joined(within(parts, "day", lo, hi), _READING, _EMPTY), lo, hi


def native_anomaly(rule: Anomaly) -> Callable[[Held], pa.Table]:
    """:func:`compile_anomaly` in numpy: each reading received today against its baseline,
    summed by household and reading day (own) or district and day (district). A held day's
    readings are looked up in ``homes`` once, when they are received."""
    own, factor = rule.baseline == "own", float(rule.factor)
    back = int(rule.baseline_days) if own else 0
    readings = _readings(rule)
    households = Memo(lambda homes: (homes, Lookup(column(homes, "household"))))

    def evaluate(held: Held) -> pa.Table:
        homes = held.relation("homes")
        found = _window(readings(held.relation("utility"), households(homes)), held.day, back)
        if found is None:
            return no_alerts()
        u, lo, hi = found
        hh, day, v, row, known = u["household"], u["day"], u["v"], u["row"], u["known"]
        today = known & (u["seen_day"] == held.day)
        anchor = today.copy()
        if rule.lists:
            anchor &= in_set(hh, listed_households(held, list(rule.lists)))
        anchor = np.flatnonzero(anchor)
        keep = known.copy()
        span = hi - lo + 1
        if own:  # one slot per household (its row of homes) and day
            sums, counts = _group_mean(row[keep] * span + day[keep] - lo, v[keep],
                                       homes.num_rows * span)
            cell = row[anchor] * span + day[anchor] - lo
            total = sum(sums[cell - k] for k in range(1, back + 1))
            count = sum(counts[cell - k] for k in range(1, back + 1))
        else:  # one slot per district and day
            district = u["district"]
            low = int(district[keep].min())
            width = int(district[keep].max()) - low + 1
            key = (district - low) * span + day - lo
            total, count = _group_mean(key[keep], v[keep], width * span)
            total, count = total[key[anchor]], count[key[anchor]]
        with np.errstate(invalid="ignore", divide="ignore"):
            base = total / count
        hit = anchor[(count > 0) & (v[anchor] > factor * base)]
        rows = pa.array(row[hit])
        return alerts_table(day[hit] * DAY + DAY - 1, homes.column("persons").take(rows),
                            homes.column("home_place").take(rows).to_numpy())

    return evaluate


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
