"""Phone location with the phone off (NYT-12): a stay is located through the phone only while
the phone is on, so the minutes of a phone-off spell are cut out of it (a camera may still see
the whole stay).

The world reports a stay and a phone-off spell on the day each ends, so a stay received today
may overlap spells received today or on earlier days; those are kept, per person, until the
person's stays have moved past them (stays tile time, so a spell ending before the person's last
received stay ended can touch no later stay). A spell still open when a stay is received is not
known yet: the part of that stay before the stay's end and after the spell began is located
(the cut is only as good as what the telecom has reported).
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa

_SHIFT = np.int64(1) << np.int64(31)
"""Key of (person, minute): person · 2³¹ + minute, sorted as the pair (a run is < 4,000 years)."""


def merge_spells(person: np.ndarray, start: np.ndarray, end: np.ndarray
                 ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Each person's spells merged where they overlap or touch, sorted by (person, start)."""
    if person.size == 0:
        return person, start, end
    order = np.lexsort((start, person))
    person, start, end = person[order], start[order], end[order]
    reach = np.maximum.accumulate(person * _SHIFT + end) - person * _SHIFT
    first = np.ones(person.size, bool)
    first[1:] = (person[1:] != person[:-1]) | (start[1:] > reach[:-1])
    at = np.flatnonzero(first)
    return person[at], start[at], np.maximum.reduceat(reach, at)


def cut_spells(person: np.ndarray, start: np.ndarray, end: np.ndarray, cut: np.ndarray,
               off: tuple[np.ndarray, np.ndarray, np.ndarray]
               ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Stays ``[start, end)`` less the merged spells ``off`` of the same person, for the stays
    where ``cut``: the row of each remaining piece, its start and end (rows in order)."""
    op, os_, oe = off
    lo = np.searchsorted(op * _SHIFT + oe, person * _SHIFT + start, side="right")
    hi = np.searchsorted(op * _SHIFT + os_, person * _SHIFT + end, side="left")
    n = np.where(cut, np.maximum(hi - lo, 0), 0)
    row = np.repeat(np.arange(person.size), n + 1)
    j = np.arange(row.size) - np.repeat(np.cumsum(n + 1) - (n + 1), n + 1)
    k = lo[row] + j  # the spell after piece j; the one before it is k - 1
    last = j == n[row]
    first = j == 0
    left = np.where(first, start[row], oe[np.where(first, 0, k - 1)] if oe.size else 0)
    right = np.where(last, end[row], os_[np.where(last, 0, k)] if os_.size else 0)
    left = np.maximum(left, start[row])
    right = np.minimum(right, end[row])
    keep = right > left
    return row[keep], left[keep], right[keep]


class PhoneOff:
    """The phone-off spells the sensor knows of, and the cut they make in located stays."""

    def __init__(self, persons: int):
        self._last_end = np.full(persons, np.iinfo(np.int64).min, np.int64)
        empty = np.zeros(0, np.int64)
        self._spells = (empty, empty, empty)

    def located(self, stays: pa.Table, camera: np.ndarray, phone_off: pa.Table | None
                ) -> pa.Table:
        """``stays`` as the phone and cameras locate them: a stay at a camera's place whole,
        any other less the minutes of the person's phone-off spells."""
        if phone_off is not None and phone_off.num_rows:
            known = [np.concatenate([a, phone_off.column(c).to_numpy()])
                     for a, c in zip(self._spells, ("person", "start", "end"), strict=True)]
            self._spells = merge_spells(*known)
        person = stays.column("person").to_numpy()
        start, end = stays.column("start").to_numpy(), stays.column("end").to_numpy()
        row, left, right = cut_spells(person, start, end, ~camera, self._spells)
        np.maximum.at(self._last_end, person, end)
        sp, ss, se = self._spells
        alive = se > self._last_end[sp]
        self._spells = (sp[alive], ss[alive], se[alive])
        out = stays.take(pa.array(row))
        names = out.schema.names
        out = out.set_column(names.index("start"), "start", pa.array(left, pa.int64()))
        return out.set_column(names.index("end"), "end", pa.array(right, pa.int64()))
