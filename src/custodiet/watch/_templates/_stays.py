"""Helpers the numpy evaluators of the stay templates share (``gathering``, ``near``): the
listed persons, set membership by a dense look-up table, the expansion of index ranges into
rows, and pairs of points in neighbouring grid cells. Not a template (the name starts with an
underscore, so discovery skips it)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc


def column(table: pa.Table, name: str) -> np.ndarray:
    """A column of ``table`` as a numpy array, chunk by chunk (``ChunkedArray.to_numpy`` of a
    many-chunk column, such as the watch's held days, costs many times more)."""
    chunks = table.column(name).chunks
    if len(chunks) == 1:
        return chunks[0].to_numpy(zero_copy_only=False)
    if not chunks:
        return np.zeros(0, table.schema.field(name).type.to_pandas_dtype())
    return np.concatenate([c.to_numpy(zero_copy_only=False) for c in chunks])


def in_set(values: np.ndarray, ids: np.ndarray) -> np.ndarray:
    """Whether each of ``values`` (integers) is among ``ids``, by a dense look-up table over
    the ids' range (ids of persons and places are small non-negative integers)."""
    ids = np.asarray(ids, np.int64)
    if len(ids) == 0 or len(values) == 0:
        return np.zeros(len(values), bool)
    low, top = int(ids.min()), int(ids.max())
    if top - low > 4 * (len(ids) + len(values)) + 1_000_000:  # too sparse for a table
        return np.isin(values, ids)
    table = np.zeros(top - low + 2, bool)
    table[ids - low] = True
    inside = (values >= low) & (values <= top)
    return table[np.where(inside, values - low, top - low + 1)]


def run_starts(sorted_columns: list[np.ndarray]) -> np.ndarray:
    """For rows sorted by ``sorted_columns``, whether each begins a run of equal rows."""
    n = len(sorted_columns[0])
    first = np.ones(n, bool)
    if n > 1:
        first[1:] = False
        for values in sorted_columns:
            first[1:] |= values[1:] != values[:-1]
    return first


def ranges(lo: np.ndarray, hi: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Every position of the ranges ``[lo[i], hi[i])``, with the ``i`` it belongs to."""
    n = np.maximum(np.asarray(hi, np.int64) - lo, 0)
    owner = np.repeat(np.arange(len(n)), n)
    first = np.cumsum(n) - n
    return owner, np.arange(int(n.sum())) - np.repeat(first - lo, n)


def _ranks(sorted_ids: np.ndarray, values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The position of each of ``values`` in ``sorted_ids`` and whether it is there."""
    pos = np.searchsorted(sorted_ids, values)
    clipped = np.minimum(pos, len(sorted_ids) - 1)
    return clipped, (pos < len(sorted_ids)) & (sorted_ids[clipped] == values)


def cell_pairs(ax: np.ndarray, ay: np.ndarray, bx: np.ndarray, by: np.ndarray
               ) -> tuple[np.ndarray, np.ndarray]:
    """Every pair ``(i, j)`` of a cell ``(ax[i], ay[i])`` and a cell ``(bx[j], by[j])`` at most
    one apart on each axis (the 3 × 3 cells around ``a``'s), found by sorting ``b``'s cells
    rather than comparing all pairs."""
    empty = np.zeros(0, np.int64)
    if len(ax) == 0 or len(bx) == 0:
        return empty, empty
    ux, uy = np.unique(bx), np.unique(by)
    key = np.searchsorted(ux, bx) * len(uy) + np.searchsorted(uy, by)
    order = np.argsort(key, kind="stable")
    key = key[order]
    found_i, found_j = [], []
    for dx in (-1, 0, 1):
        rx, okx = _ranks(ux, ax + dx)
        for dy in (-1, 0, 1):
            ry, oky = _ranks(uy, ay + dy)
            cell = rx * len(uy) + ry
            lo = np.searchsorted(key, cell, "left")
            hi = np.where(okx & oky, np.searchsorted(key, cell, "right"), lo)
            i, pos = ranges(lo, hi)
            found_i.append(i)
            found_j.append(order[pos])
    return np.concatenate(found_i), np.concatenate(found_j)


class Memo:
    """A value derived from a table, made again only when a different table is given (the
    watch hands its rules the same static tables every day). The table is held, so that its
    identity cannot be reused by another."""

    def __init__(self, make: Callable[[pa.Table], Any]) -> None:
        self._make = make
        self._table: pa.Table | None = None
        self._value: Any = None

    def __call__(self, table: pa.Table) -> Any:
        if table is not self._table:
            self._table, self._value = table, self._make(table)
        return self._value


class Lookup:
    """Rows of a table by an id column of distinct integers (``place_id``): a join on the id
    by a dense table (ids are small non-negative integers), by sorting where they are not."""

    def __init__(self, ids: np.ndarray) -> None:
        ids = np.asarray(ids, np.int64)
        self.dense = len(ids) == 0 or (ids.min() >= 0 and ids.max() < 4 * len(ids) + 1_000_000)
        if self.dense:
            self.size = int(ids.max()) + 1 if len(ids) else 0
            self._row = np.full(self.size + 1, -1, np.int64)
            self._row[ids] = np.arange(len(ids))
        else:
            self._order = np.argsort(ids, kind="stable")
            self._ids = ids[self._order]

    def __call__(self, values: np.ndarray) -> np.ndarray:
        """The row of each value, -1 where none has it."""
        if self.dense:
            if len(values) and values.min() >= 0 and values.max() < self.size:
                return self._row[values]  # every value in the table's range: one pass
            inside = (values >= 0) & (values < self.size)
            return self._row[np.where(inside, values, self.size)]
        pos = np.minimum(np.searchsorted(self._ids, values), len(self._ids) - 1)
        return np.where(self._ids[pos] == values, self._order[pos], -1)


def listed(lists: list[str]) -> Memo:
    """The sorted distinct persons on one of ``lists``, from a ``members`` table."""
    value_set = pa.array(lists, pa.string())

    def make(members: pa.Table) -> np.ndarray:
        chosen = pc.is_in(members.column("list"), value_set=value_set)
        return np.unique(members.column("person").filter(chosen).to_numpy())

    return Memo(make)


_HELD = Memo(lambda table: {})


def held_column(table: pa.Table, name: str) -> np.ndarray:
    """A column of an event relation the watch holds (``stays``) as int64, converted once a
    table and shared by every rule that reads it that day."""
    converted = _HELD(table)
    if name not in converted:
        converted[name] = column(table, name).astype(np.int64, copy=False)
    return converted[name]
