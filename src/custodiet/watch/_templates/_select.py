"""What the templates' numpy evaluators share: a column as numpy, set membership and joins on
ids by dense look-up tables, the persons on a rule's lists, the places of a kind, ranges
expanded into rows, distinct rows, values made once a table, and the ``persons`` lists of one
or two persons. Not a template (the name starts with an underscore, so discovery skips it).

Each is the numpy reading of a condition the templates' SQL writes (``Query.listed``,
``place IN (SELECT place_id FROM places WHERE kind = $kind)``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from custodiet.watch._template import Held
from custodiet.watch._templates._chunks import PerChunk, int64, joined


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


def on_lists(held: Held, lists: Sequence[str], persons: np.ndarray) -> np.ndarray:
    """Which of ``persons`` are members of one of ``lists`` (all of them when there are no
    lists): ``Query.listed``. The members of some lists are found once a ``members`` table."""
    if not lists:
        return np.ones(len(persons), bool)
    members = held.relation("members")
    found = _LISTED(members)
    key = tuple(lists)
    if key not in found:
        chosen = pc.is_in(members.column("list"), value_set=pa.array(list(lists), pa.string()))
        found[key] = column(members.filter(pc.fill_null(chosen, False)), "person")
    return in_set(persons, found[key])


def of_kind(held: Held, kind: str, place_ids: np.ndarray) -> np.ndarray:
    """Which of ``place_ids`` are places of ``kind``."""
    return kind_ids(held.relation("places"), kind)(np.asarray(place_ids, np.int64)) >= 0


def single(persons: np.ndarray) -> pa.Array:
    """``[person]`` for each of ``persons``."""
    persons = np.asarray(persons, np.int64)
    return pa.ListArray.from_arrays(pa.array(np.arange(len(persons) + 1, dtype=np.int32)),
                                    pa.array(persons))


def pairs(a: np.ndarray, b: np.ndarray) -> pa.Array:
    """``[a, b]`` for each pair of ``a`` and ``b``."""
    values = np.column_stack([np.asarray(a, np.int64), np.asarray(b, np.int64)]).ravel()
    return pa.ListArray.from_arrays(pa.array(np.arange(0, len(values) + 1, 2, dtype=np.int32)),
                                    pa.array(values))


def spans(lo: np.ndarray, hi: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each position of each range ``[lo[i], hi[i])``: the range's number ``i`` and the
    position, ranges in order (empty ranges give nothing)."""
    size = np.maximum(np.asarray(hi) - np.asarray(lo), 0)
    owner = np.repeat(np.arange(len(size)), size)
    return owner, np.repeat(lo, size) + np.arange(len(owner)) - np.repeat(np.cumsum(size) - size,
                                                                         size)


def join(left: np.ndarray, right: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Every pair ``(i, j)`` with ``left[i] == right[j]`` (an inner join on one key, every
    match kept), by the rows of ``left``: by a dense look-up table when ``right`` holds
    distinct non-negative ids, else by binary search."""
    if len(right) and right.min() >= 0 and right.max() < 4 * len(right) + 1024:
        lookup = np.full(int(right.max()) + 2, -1, np.int64)
        lookup[right] = np.arange(len(right))
        if np.array_equal(lookup[right], np.arange(len(right))):  # distinct ids
            at = lookup[np.where((left >= 0) & (left < len(lookup)), left, -1)]
            i = np.flatnonzero(at >= 0)
            return i, at[i]
    order = np.argsort(right, kind="stable")
    ordered = right[order]
    i, at = spans(np.searchsorted(ordered, left, "left"), np.searchsorted(ordered, left, "right"))
    return i, order[at]


def distinct(*columns: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The rows distinct in ``columns`` (one row's index for each, in the columns' order) and,
    for each row, the number of its distinct row: ``np.unique(axis=0)`` by one lexsort,
    without its slow sort of structured rows."""
    order = np.lexsort(columns[::-1])
    new = np.zeros(len(order), bool)
    new[:1] = True
    for c in columns:
        c = c[order]
        new[1:] |= c[1:] != c[:-1]
    inverse = np.empty(len(order), np.int64)
    inverse[order] = np.cumsum(new) - 1
    return order[new], inverse


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


_LISTED = Memo(lambda members: {})
"""The members of each set of lists, by ``members`` table (:func:`on_lists`)."""

STAY_COLUMNS = ("person", "place", "start", "end", "seen_day")
"""The columns of ``stays`` :func:`stays_at` gives, as int64."""

_KIND_IDS = Memo(lambda places: {})


def kind_ids(places: pa.Table, kind: str) -> Lookup:
    """The places of ``kind`` by id (a :class:`Lookup` giving each one's rank, -1 for a place
    of another kind), made once a ``places`` table and shared by every rule of the kind."""
    kinds = _KIND_IDS(places)
    if kind not in kinds:
        chosen = pc.fill_null(pc.equal(places.column("kind"), kind), False)
        kinds[kind] = Lookup(column(places.filter(chosen), "place_id"))
    return kinds[kind]


def _at_kind(batch: pa.RecordBatch, ids: Lookup) -> dict[str, np.ndarray]:
    rows = np.flatnonzero(ids(int64(batch, "place")) >= 0)
    out = {c: int64(batch, c, rows) for c in STAY_COLUMNS}
    for values in out.values():  # shared by every rule of the kind: never written
        values.flags.writeable = False
    return out


_STAYS_AT = PerChunk(_at_kind, givens=16)
_STAYS_AT_DAY = Memo(lambda stays: {})


def stays_at(held: Held, kind: str) -> dict[str, np.ndarray]:
    """Every held stay at a place of ``kind`` (:data:`STAY_COLUMNS`): picked once per held
    chunk (:class:`PerChunk`) and joined once a day for every rule of the kind."""
    stays = held.relation("stays")
    day = _STAYS_AT_DAY(stays)
    if kind not in day:
        day[kind] = joined(_STAYS_AT(stays, kind_ids(held.relation("places"), kind)),
                           STAY_COLUMNS)
    return day[kind]


def _keyed(group: np.ndarray, t: np.ndarray) -> tuple[np.ndarray, int, int]:
    """One sortable int64 key per (group, time), with the time's offset and span."""
    t0 = int(t.min()) if len(t) else 0
    span = (int(t.max()) - t0 + 2) if len(t) else 1
    return group.astype(np.int64) * span + (t - t0), t0, span


class Windows:
    """Rows sorted by (group, t) once, for the windows of any anchors (:func:`window_ranges`
    with the sort shared by several queries)."""

    def __init__(self, group: np.ndarray, t: np.ndarray) -> None:
        key, self._t0, self._span = _keyed(group, t)
        self.order = np.argsort(key, kind="stable")
        self._sorted = key[self.order]

    def __call__(self, a_group: np.ndarray, a_t: np.ndarray, w: int
                 ) -> tuple[np.ndarray, np.ndarray]:
        """For each anchor the range (lo, hi) of the sorted rows with its group and ``t`` in
        ``(a_t - w, a_t]``."""
        t0, span = self._t0, self._span
        base = a_group.astype(np.int64) * span
        hi = np.searchsorted(self._sorted, base + np.clip(a_t - t0, -1, span - 1), "right")
        lo = np.searchsorted(self._sorted, base + np.clip(a_t - w - t0, -1, span - 1), "right")
        return lo, hi


def window_ranges(group: np.ndarray, t: np.ndarray, a_group: np.ndarray, a_t: np.ndarray,
                  w: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Rows sorted by (group, t), and for each anchor the range of those with its group and
    ``t`` in ``(a_t - w, a_t]``: (order, lo, hi); ``hi - lo`` counts them. Bounds are clipped
    into the group's own keys (offsets -1 … span - 1), so a range never reaches a
    neighbouring group."""
    windows = Windows(group, t)
    return windows.order, *windows(a_group, a_t, w)
