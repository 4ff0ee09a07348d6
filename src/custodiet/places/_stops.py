"""Innocents stopped where patrols stop people: each patrolled cell-day, ``n`` of the people
present in that cell that day (residents and visitors: anyone with a stay at a place in the
cell) are stopped, drawn at random (keyed by the city's seed, the day, the cell and the
person, so a run's stops are the same on every machine). A stopped person is *innocent* when
they took part in no unlawful incident that day of a kind the predictor claims (a burglary, a
theft, a drug deal: :data:`CITY_KINDS`), anywhere in the city.

The figure beside the person-based systems' innocents per true alert: innocent people stopped
per true incident found, where a true incident is *found* when it happened in a cell on a day
that cell was patrolled (the patrols' hits). Its interval comes from the bootstrap nested by
city then day (:class:`custodiet.audit.ClusteredSample`), as the predictor's other figures.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from custodiet.audit import ClusteredSample, Scale, quote
from custodiet.places._city import CITY_KINDS, CityCrime
from custodiet.places._patrol import PatrolRun
from custodiet.schema import MINUTES_PER_DAY
from custodiet.world import square_of

_MIX = (0x9E3779B97F4A7C15, 0xBF58476D1CE4E5B9, 0x94D049BB133111EB)


@dataclass(frozen=True)
class Stops:
    """One city's stops per day of the system: people stopped, the innocent among them, and
    the true incidents found (in a cell on a day it was patrolled)."""

    seed: int
    per_patrol_day: int
    stopped: np.ndarray
    innocent: np.ndarray
    found: np.ndarray


def _hash(key: np.ndarray, seed: int) -> np.ndarray:
    """A uniform 64-bit hash of each key (splitmix64's finaliser) for a seed: the stops'
    random order, the same for a (day, cell, person) whatever else the run holds."""
    with np.errstate(over="ignore"):
        z = key.astype(np.uint64) ^ np.uint64((seed * _MIX[0]) % 2**64)
        z = z + np.uint64(_MIX[0])
        z = (z ^ (z >> np.uint64(30))) * np.uint64(_MIX[1])
        z = (z ^ (z >> np.uint64(27))) * np.uint64(_MIX[2])
        return z ^ (z >> np.uint64(31))


def present(stays: pa.Table, places: pa.Table, crime: CityCrime, run: PatrolRun
            ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(system day, cell, person) of everyone present in a patrolled cell on a day of the
    system, once each: a stay counts on every day it overlaps."""
    g, h = run.config.grid, run.config.history_days
    place = stays.column("place").to_numpy().astype(np.int64)
    x = places.column("x").to_numpy(zero_copy_only=False)[place]
    y = places.column("y").to_numpy(zero_copy_only=False)[place]
    start = stays.column("start").to_numpy() // MINUTES_PER_DAY
    end = np.maximum(stays.column("end").to_numpy() - 1, stays.column("start").to_numpy())
    first = np.maximum(start, h)
    last = np.minimum(end // MINUTES_PER_DAY, h + run.config.days - 1)
    keep = np.isfinite(x) & np.isfinite(y) & (last >= first)
    span = (last - first + 1)[keep]
    idx = np.repeat(np.flatnonzero(keep), span)
    offset = np.arange(idx.size) - np.repeat(np.cumsum(span) - span, span)
    day = first[idx] + offset - h
    cell = square_of(x[idx], y[idx], crime.side_m, g.per_side).astype(np.int64)
    person = stays.column("person").to_numpy().astype(np.int64)[idx]
    on = run.patrolled[day, cell]
    n_people = int(person.max(initial=-1)) + 1
    key = np.unique((day[on] * g.n_cells + cell[on]) * n_people + person[on])
    day_cell, person = np.divmod(key, max(n_people, 1))
    return day_cell // g.n_cells, day_cell % g.n_cells, person


def guilty_days(incidents: pa.Table, h: int) -> np.ndarray:
    """(system day × 2³² + person) of everyone in an unlawful incident of a claimed kind."""
    kinds = incidents.column("kind").cast(pa.string())
    rows = incidents.filter(pc.and_(pc.is_in(kinds, value_set=pa.array(CITY_KINDS)),
                                    pc.invert(incidents.column("lawful"))))
    counts = pc.list_value_length(rows.column("persons")).to_numpy(zero_copy_only=False)
    persons = pc.list_flatten(rows.column("persons")).to_numpy().astype(np.int64)
    day = np.repeat(rows.column("t").to_numpy() // MINUTES_PER_DAY - h, counts)
    return np.unique(day * 2**32 + persons)


def stops_in_city(stays: pa.Table, places: pa.Table, incidents: pa.Table, crime: CityCrime,
                  run: PatrolRun, per_patrol_day: int) -> Stops:
    """``per_patrol_day`` people stopped in each patrolled cell-day (all present where fewer)."""
    days = run.config.days
    day, cell, person = present(stays, places, crime, run)
    group = day * run.config.grid.n_cells + cell
    order = np.lexsort((_hash((group << 32) + person, crime.seed), group))
    group, day, person = group[order], day[order], person[order]
    starts = np.flatnonzero(np.r_[True, group[1:] != group[:-1]]) if group.size else \
        np.zeros(0, np.int64)
    rank = np.arange(group.size) - np.repeat(starts, np.diff(np.r_[starts, group.size]))
    chosen = rank < per_patrol_day
    day, person = day[chosen], person[chosen]
    guilty = np.isin(day * 2**32 + person,
                     guilty_days(incidents, run.config.history_days))
    found = (run.true * run.patrolled).sum(axis=1)
    return Stops(crime.seed, per_patrol_day, np.bincount(day, minlength=days).astype(float),
                 np.bincount(day[~guilty], minlength=days).astype(float), found)


def pooled_stops(stops: Sequence[Stops], *, replicates: int = 2000,
                 seed: int = 0) -> dict[str, Any]:
    """Over the cities: people stopped, innocent, incidents found, and innocents stopped per
    true incident found with its interval (nested by city then day) and a sentence."""
    city = np.concatenate([np.full(s.found.size, i) for i, s in enumerate(stops)])
    cluster = np.concatenate([i * 100_000 + np.arange(s.found.size)
                              for i, s in enumerate(stops)])
    innocent = np.concatenate([s.innocent for s in stops])
    found = np.concatenate([s.found for s in stops])
    stopped = float(sum(s.stopped.sum() for s in stops))
    out: dict[str, Any] = {"per_patrol_day": stops[0].per_patrol_day, "stopped": stopped,
                           "innocent": float(innocent.sum()), "found": float(found.sum())}
    if not found.sum():
        out["sentence"] = (f"{out['innocent']:,.0f} of the {stopped:,.0f} people stopped were "
                           "innocent, and no true incident happened in a patrolled cell: no "
                           "figure per incident found")
        return out
    interval = ClusteredSample.from_arrays(city, cluster, innocent, found,
                                           cities=np.arange(len(stops))).ratio(
        replicates=replicates, seed=seed, proportion=False)
    out.update(estimate=interval.estimate, low=interval.low, high=interval.high)
    out["sentence"] = (f"stopping {stops[0].per_patrol_day} people in each patrolled cell a "
                       f"day stopped {stopped:,.0f} people, {out['innocent']:,.0f} of them "
                       "innocent of any burglary, theft or drug deal that day: "
                       f"{quote(interval, Scale.NUMBER, 2)} innocent people stopped for each "
                       "true incident in a patrolled cell on its day")
    return out
