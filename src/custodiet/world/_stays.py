"""Turning each person's slots for a day into closed stays, carrying the stay still open at
midnight into the next day, so a row is a real visit (a hotel night is one stay, not two)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from custodiet import schema
from custodiet.world._context import Day
from custodiet.world._kernels import closed_stays


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
                start: np.ndarray, t0: int = 0) -> ClosedStays:
    """Merge the open stay with today's slots (``place`` -1 = no slot) and close all but the last.

    ``place`` and ``start`` are (persons, slots) with starts (minutes after ``t0``) strictly
    increasing over the used slots of a row and later than ``open_start``; consecutive slots at
    one place merge. One pass per person (:func:`._kernels.closed_stays`).
    """
    person, where, begin, end, open_place, open_start = closed_stays(
        np.ascontiguousarray(open_place, np.int64), np.ascontiguousarray(open_start, np.int64),
        np.ascontiguousarray(place, np.int64), np.ascontiguousarray(start, np.int64), int(t0))
    return ClosedStays(person=person, place=where, start=begin, end=end,
                       open_place=open_place, open_start=open_start)


def stays(day: Day) -> None:
    """The behaviour: the day's schedule closed into the ``stays`` table (every open stay too
    on the last day, at the horizon); the schedule is freed once used."""
    plan, state = day.plan, day.state
    closed = close_stays(state.open_place, state.open_start, plan.place, plan.start, day.t0)
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
