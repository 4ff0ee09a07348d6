"""Values derived once per held chunk. The watch holds each day's observed rows as one chunk of
a relation for as long as the longest look-back, and only the day just received is new: what
a rule derives from a chunk alone (its rows at places of a kind, its columns as int64, the
nights its stays cover) is made once, when the chunk arrives, and each day the rule joins the
chunks' small derived arrays instead of scanning every held row again. Not a template (the
name starts with an underscore, so discovery skips it).
"""

from __future__ import annotations

import weakref
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pyarrow as pa

Columns = dict[str, np.ndarray]
"""Rows as named numpy columns of equal length."""


def chunk_key(batch: pa.RecordBatch) -> tuple:
    """A chunk's identity while it is held: its length and the addresses and offsets of its
    columns' buffers (two slices of one buffer differ in offset or length)."""
    return (batch.num_rows, tuple(
        (array.offset, *(b.address if b is not None else 0 for b in array.buffers()))
        for array in batch.columns))


_KEYED: dict[int, tuple[weakref.ref, list[pa.RecordBatch], list[tuple]]] = {}
"""The chunks and chunk keys of the tables alive that were asked about, by identity."""


def keyed_chunks(table: pa.Table) -> tuple[list[pa.RecordBatch], list[tuple]]:
    """A table's chunks and their keys (:func:`chunk_key`), found once a table (every rule
    asks about the same held tables each day) and forgotten when the table is."""
    known = _KEYED.get(id(table))
    if known is not None and known[0]() is table:
        return known[1], known[2]
    batches = table.to_batches()
    _KEYED[id(table)] = (weakref.ref(table), batches, [chunk_key(b) for b in batches])
    weakref.finalize(table, _KEYED.pop, id(table), None)
    return _KEYED[id(table)][1], _KEYED[id(table)][2]


class PerChunk:
    """``make(batch, given)`` for each chunk of a table, remembered while the chunk is held.

    ``make`` may depend only on the chunk and on ``given`` (the places of a kind, the persons
    listed): another ``given`` object (known by identity, or by the identities of a tuple's
    items) has its own values. Each call forgets the values of chunks the table no longer
    holds (for that ``given``), and at most ``givens`` givens are remembered, the least
    recently used forgotten first. Chunks and givens are held while remembered, so no other
    can take their addresses."""

    def __init__(self, make: Callable[[pa.RecordBatch, Any], Any], givens: int = 8) -> None:
        self._make = make
        self._givens = givens
        self._cache: dict[tuple, tuple[Any, dict[tuple, tuple[pa.RecordBatch, Any]]]] = {}
        self.made = 0
        """How many chunks' values were made (for tests: a remembered one is not)."""

    @staticmethod
    def _given_key(given: Any) -> tuple:
        if isinstance(given, tuple):
            return ("tuple", *(id(g) for g in given))
        return (id(given),)

    def __call__(self, table: pa.Table, given: Any = None) -> list[Any]:
        """The value of each of ``table``'s chunks, in order."""
        gkey = self._given_key(given)
        _, known = self._cache.pop(gkey, (given, {}))
        kept: dict[tuple, tuple[pa.RecordBatch, Any]] = {}
        values = []
        for batch, key in zip(*keyed_chunks(table), strict=True):
            hit = known.get(key) or kept.get(key)
            if hit is None:
                hit = (batch, self._make(batch, given))
                self.made += 1
            kept[key] = hit
            values.append(hit[1])
        self._cache[gkey] = (given, kept)
        while len(self._cache) > self._givens:
            del self._cache[next(iter(self._cache))]
        return values


def int64(batch: pa.RecordBatch, name: str, rows: np.ndarray | None = None) -> np.ndarray:
    """A chunk's column as int64 numpy (only the given ``rows``, taken before converting)."""
    values = batch.column(name).to_numpy(zero_copy_only=False)
    if rows is not None:
        values = values[rows]
    return values.astype(np.int64, copy=False)


def joined(parts: Sequence[Columns], names: Sequence[str],
           dtypes: dict[str, Any] | None = None) -> Columns:
    """The rows of ``parts`` one after another (each holding ``names``); with no parts, empty
    columns of ``dtypes`` (int64 where not given)."""
    if len(parts) == 1:
        return {n: parts[0][n] for n in names}
    if not parts:
        return {n: np.zeros(0, (dtypes or {}).get(n, np.int64)) for n in names}
    return {n: np.concatenate([p[n] for p in parts]) for n in names}


def taken(columns: Columns, rows: np.ndarray) -> Columns:
    """The given rows (indices or a mask) of each column."""
    return {n: v[rows] for n, v in columns.items()}


@dataclass(frozen=True)
class Part:
    """A chunk's derived rows and the least and greatest value of some of their columns, so
    that the chunks a range of values misses are skipped without a scan."""

    rows: Columns
    low: dict[str, int]
    high: dict[str, int]

    @staticmethod
    def of(rows: Columns, ranged: Sequence[str]) -> Part:
        """``rows`` with the bounds of the ``ranged`` columns."""
        some = len(next(iter(rows.values()))) > 0 if rows else False
        return Part(rows, {c: int(rows[c].min()) if some else 0 for c in ranged},
                    {c: int(rows[c].max()) if some else -1 for c in ranged})

    def within(self, name: str, lo: int, hi: int) -> Columns | None:
        """The rows whose ``name`` lies in ``[lo, hi]``; None when there are none by the
        bounds."""
        if self.high[name] < self.low[name] or self.high[name] < lo or self.low[name] > hi:
            return None
        if self.low[name] >= lo and self.high[name] <= hi:
            return self.rows
        values = self.rows[name]
        return taken(self.rows, (values >= lo) & (values <= hi))


def within(parts: Sequence[Part], name: str, lo: int, hi: int) -> list[Columns]:
    """The rows of ``parts`` whose ``name`` lies in ``[lo, hi]``, part by part."""
    found = (p.within(name, lo, hi) for p in parts)
    return [f for f in found if f is not None]
