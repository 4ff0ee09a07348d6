"""Turning each person's slots for a day into closed stays, carrying the stay still open at
midnight into the next day, so a row is a real visit (a hotel night is one stay, not two)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


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
    # Keep a slot unless it repeats the previous used slot's place (the same visit goes on).
    new_row = np.ones(rows.size, dtype=bool)
    new_row[1:] = rows[1:] != rows[:-1]
    keep = new_row.copy()
    keep[1:] |= used_place[1:] != used_place[:-1]
    rows, cols, kept_place = rows[keep], cols[keep], used_place[keep]
    kept_start = np.where(cols == 0, open_start[rows],
                          start[rows, np.maximum(cols - 1, 0)])
    is_last = np.ones(rows.size, dtype=bool)
    is_last[:-1] = rows[1:] != rows[:-1]
    end = np.empty_like(kept_start)
    end[:-1] = kept_start[1:]
    closed = ~is_last
    return ClosedStays(
        person=rows[closed].astype(np.int64), place=kept_place[closed], start=kept_start[closed],
        end=end[closed], open_place=kept_place[is_last], open_start=kept_start[is_last],
    )
