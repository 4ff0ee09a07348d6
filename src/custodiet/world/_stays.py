"""Turning each person's slots for a day into closed stays, carrying the stay still open at
midnight into the next day, so a row is a real visit (a hotel night is one stay, not two)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from custodiet import schema
from custodiet.world._context import Day


@dataclass
class ClosedStays:
    """Stays that ended today (rows in person order), and each person's new open stay."""

    person: np.ndarray
    place: np.ndarray
    start: np.ndarray
    end: np.ndarray
    open_place: np.ndarray
    open_start: np.ndarray


def close_stays(open_place: np.ndarray, open_start: np.ndarray, place: np.ndarray,
                start: np.ndarray) -> ClosedStays:
    """Merge the open stay with today's slots (``place`` -1 = no slot) and close all but the last.

    ``place`` and ``start`` are (persons, slots) with starts strictly increasing over the used
    slots of a row and later than ``open_start``; consecutive slots at one place merge.
    """
    places = np.concatenate([open_place[:, None], place], axis=1)
    rows, cols = np.nonzero(places >= 0)  # row-major: each person's used slots in order
    used_place = places[rows, cols]
    del places  # every temporary is freed once used: this is the day's memory peak
    # Keep a slot unless it repeats the previous used slot's place (the same visit goes on).
    keep = np.ones(rows.size, dtype=bool)
    np.not_equal(rows[1:], rows[:-1], out=keep[1:])
    keep[1:] |= used_place[1:] != used_place[:-1]
    rows, cols, kept_place = rows[keep], cols[keep], used_place[keep]
    del keep, used_place
    # A slot's stay starts at the slot's time; the open stay (column 0) at its own start.
    kept_start = start[rows, np.maximum(cols - 1, 0)]
    first = np.flatnonzero(cols == 0)
    del cols
    kept_start[first] = open_start[rows[first]]
    del first
    is_last = np.ones(rows.size, dtype=bool)
    np.not_equal(rows[1:], rows[:-1], out=is_last[:-1])
    end = np.empty_like(kept_start)
    end[:-1] = kept_start[1:]
    closed = ~is_last
    return ClosedStays(
        person=rows[closed].astype(np.int64), place=kept_place[closed], start=kept_start[closed],
        end=end[closed], open_place=kept_place[is_last], open_start=kept_start[is_last],
    )


def stays(day: Day) -> None:
    """The behaviour: the day's schedule closed into the ``stays`` table (every open stay too
    on the last day, at the horizon); the schedule is freed once used."""
    plan, state = day.plan, day.state
    plan.start += day.t0
    closed = close_stays(state.open_place, state.open_start, plan.place, plan.start)
    del plan
    day.release_buffers()  # not alive while the calls are drawn
    state.open_place, state.open_start = closed.open_place, closed.open_start
    person, where, begin, end = closed.person, closed.place, closed.start, closed.end
    if day.last:
        n = day.n
        person = np.concatenate([person, np.arange(n, dtype=np.int64)])
        where = np.concatenate([where, state.open_place])
        begin = np.concatenate([begin, state.open_start])
        end = np.concatenate([end, np.full(n, day.horizon, np.int64)])
    day.tables["stays"] = pa.table({"person": person, "place": where, "start": begin,
                                    "end": end}, schema=schema.STAYS)
