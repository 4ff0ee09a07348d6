"""The selections the templates' numpy evaluators share: a column as numpy, the persons on a
rule's lists, the places of a kind, and the ``persons`` lists of one or two persons.

Each is the numpy reading of a condition the templates' SQL writes (``Query.listed``,
``place IN (SELECT place_id FROM places WHERE kind = $kind)``).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from custodiet.watch._template import Held


def column(table: pa.Table, name: str) -> np.ndarray:
    """A column of ``table`` as numpy (one copy when it has several chunks)."""
    return table.column(name).to_numpy()


def on_lists(held: Held, lists: Sequence[str], persons: np.ndarray) -> np.ndarray:
    """Which of ``persons`` are members of one of ``lists`` (all of them when there are no
    lists): ``Query.listed``."""
    if not lists:
        return np.ones(len(persons), bool)
    members = held.relation("members")
    chosen = pc.is_in(members.column("list"), value_set=pa.array(list(lists), pa.string()))
    listed = column(members.filter(pc.fill_null(chosen, False)), "person")
    return np.isin(persons, listed)


def of_kind(held: Held, kind: str, place_ids: np.ndarray) -> np.ndarray:
    """Which of ``place_ids`` are places of ``kind``."""
    places = held.relation("places")
    chosen = pc.fill_null(pc.equal(places.column("kind"), kind), False)
    return np.isin(place_ids, column(places.filter(chosen), "place_id"))


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
