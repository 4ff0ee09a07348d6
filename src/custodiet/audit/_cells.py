"""Aggregate a scored table to its confusion cells: one row per (group values, flagged, label)
with the number of people in it. Every later step (metrics, bootstrap) works on these cells, so
the cost of a table's size is one DuckDB aggregation."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

import duckdb
import numpy as np
import pyarrow as pa

from custodiet.engine import connect
from custodiet.errors import UserError


def quote(name: str) -> str:
    """A SQL identifier, quoted."""
    return '"' + name.replace('"', '""') + '"'


@dataclass(frozen=True)
class Cells:
    """The aggregated table: ``codes[k, c]`` indexes ``levels[c]``; ``count[k]`` people (sum of
    weights) share group values ``codes[k]``, ``flagged[k]`` and ``label[k]``."""

    group_cols: tuple[str, ...]
    levels: tuple[tuple[str, ...], ...]
    codes: np.ndarray
    flagged: np.ndarray
    label: np.ndarray | None
    count: np.ndarray
    value_cols: tuple[str, ...] = ()
    values: np.ndarray | None = None
    """``values[k, v]``: each person of cell ``k`` has ``value_cols[v]`` equal to this (police
    contacts, days on a list …); the per-person mean of each is reported beside the rates."""
    rows: np.ndarray | None = None
    """Sample rows per cell when the weights are survey weights (each row stands for ``count /
    rows`` people): the bootstrap then resamples rows, each with its weight."""
    keys: np.ndarray | None = None
    """Per cell, the sum of its rows' record keys modulo 2^32 (cell-key perturbation)."""
    units: np.ndarray | None = None
    """Respondents (rows of positive weight) per cell when the weights are survey weights:
    small-cell rules count these, never the weights (one row weighing 15.5 is one person)."""

    @property
    def people(self) -> np.ndarray:
        """Per cell, the number of people disclosure control counts: respondents with survey
        weights, otherwise ``count`` (rows, or whole-number frequencies)."""
        return self.count if self.units is None else self.units

    @property
    def labelled(self) -> bool:
        """Whether an outcome label is present."""
        return self.label is not None

    @property
    def slots(self) -> int:
        """Size of the confusion axis: 4 (TN, FN, FP, TP) with a label, 2 without."""
        return 4 if self.labelled else 2

    @property
    def slot(self) -> np.ndarray:
        """Each cell's confusion slot (see ``_metrics``)."""
        if self.label is None:
            return self.flagged.astype(np.int64)
        return 2 * self.flagged.astype(np.int64) + self.label.astype(np.int64)

    @property
    def total(self) -> float:
        """The number of people (sum of weights)."""
        return float(self.count.sum())


def cells_from_relation(rel: duckdb.DuckDBPyRelation, *, groups: Sequence[str], flag: str,
                        label: str | None = None, weight: str | None = None,
                        values: Sequence[str] = (), survey: bool = False,
                        units: bool = False, key: str | None = None) -> Cells:
    """Aggregate a DuckDB relation with group columns, a 0/1 ``flag``, an optional 0/1 ``label``
    and an optional non-negative ``weight`` (people per row; 1 when absent). Each column of
    ``values`` (a number per person) becomes part of the cell key, so that its per-person mean
    by group is exact and is resampled with the people who carry it.

    With ``survey``, the weight is a survey weight (a row is one respondent standing for
    ``weight`` people): it becomes part of the cell key and each cell records its rows, so
    that the bootstrap resamples respondents rather than people.

    With ``units``, each cell also records its respondents (rows of positive weight), which
    small-cell rules count instead of the weights (:attr:`Cells.people`).

    With ``key`` (a column of record keys), each cell records the sum of its rows' keys
    modulo 2^32 (rows of weight 0 are nobody and add nothing).

    Cells come out sorted, whatever the row order or thread count, so that a seeded bootstrap
    draws the same resamples on every run.
    """
    groups = tuple(groups)
    sel = [f"CAST({quote(g)} AS VARCHAR) AS g{i}" for i, g in enumerate(groups)]
    sel.append(f"CAST({quote(flag)} AS INTEGER) AS f")
    if label is not None:
        sel.append(f"CAST({quote(label)} AS INTEGER) AS y")
    values = tuple(values)
    sel += [f"CAST({quote(v)} AS DOUBLE) AS v{i}" for i, v in enumerate(values)]
    w = f"CAST({quote(weight)} AS DOUBLE)" if weight else "1.0"
    survey = survey and weight is not None
    if survey:
        sel.append(f"{w} AS sw")
    rows = ", count(*) AS r" if survey else ""
    units = units and weight is not None
    if units:
        rows += f", count(*) FILTER (WHERE {w} > 0) AS u"
    if key is not None:
        rows += (f", (coalesce(sum({quote(key)}) FILTER (WHERE {w} > 0), 0) % 4294967296)"
                 "::BIGINT AS k")
    sql = (f"SELECT {', '.join(sel)}, SUM({w}) AS n{rows} FROM _cells_src GROUP BY ALL "
           "ORDER BY ALL")
    table = rel.query("_cells_src", sql).to_arrow_table()
    cells = _from_arrow(table, groups, labelled=label is not None, values=values)
    n = np.asarray(table.column("n").to_numpy(zero_copy_only=False), dtype=np.float64)
    if units:
        u = np.asarray(table.column("u").to_numpy(), dtype=np.float64)
        cells = replace(cells, units=u[n > 0])
    if key is not None:
        cells = replace(cells, keys=np.asarray(table.column("k").to_numpy(), np.int64)[n > 0])
    if not survey:
        return cells
    r = np.asarray(table.column("r").to_numpy(), dtype=np.float64)
    return replace(cells, rows=r[n > 0])


def cells_from_arrow(table: pa.Table, *, groups: Sequence[str], flag: str,
                     label: str | None = None, weight: str | None = None,
                     values: Sequence[str] = ()) -> Cells:
    """``cells_from_relation`` for an Arrow table (person-level arrays from a simulation)."""
    con = connect()
    try:
        return cells_from_relation(con.from_arrow(table), groups=groups, flag=flag, label=label,
                                   weight=weight, values=values)
    finally:
        con.close()


def _from_arrow(table: pa.Table, groups: tuple[str, ...], *, labelled: bool,
                values: tuple[str, ...] = ()) -> Cells:
    code_arr, levels = group_codes(table, groups)
    flagged = _binary(table.column("f"), "flag")
    label = _binary(table.column("y"), "label") if labelled else None
    count = np.asarray(table.column("n").to_numpy(zero_copy_only=False), dtype=np.float64)
    keep = count > 0
    vals = None
    if values:
        cols = []
        for i, v in enumerate(values):
            col = table.column(f"v{i}")
            if col.null_count:
                raise UserError("has missing values", field=v)
            cols.append(np.asarray(col.to_numpy(zero_copy_only=False), dtype=np.float64))
        vals = np.stack(cols, axis=1)[keep]
    return Cells(groups, levels, code_arr[keep], flagged[keep],
                 None if label is None else label[keep], count[keep], values, vals)


def group_codes(table: pa.Table, groups: tuple[str, ...]
                ) -> tuple[np.ndarray, tuple[tuple[str, ...], ...]]:
    """Integer codes (K, C) of the aggregated group columns ``g0..`` and their sorted levels."""
    codes, levels = [], []
    for i, g in enumerate(groups):
        col = table.column(f"g{i}")
        if col.null_count:
            raise UserError("has missing values; drop or recode them first", field=g)
        lv, inv = np.unique(np.asarray(col.to_pylist(), dtype=object).astype(str),
                            return_inverse=True)
        levels.append(tuple(str(x) for x in lv))
        codes.append(inv.astype(np.int64))
    k = table.num_rows
    code_arr = np.stack(codes, axis=1) if codes else np.zeros((k, 0), dtype=np.int64)
    return code_arr, tuple(levels)


def _binary(col: pa.ChunkedArray, what: str) -> np.ndarray:
    if col.null_count:
        raise UserError(f"the {what} column has missing values")
    arr = np.asarray(col.to_numpy(zero_copy_only=False))
    bad = ~np.isin(arr, (0, 1))
    if bad.any():
        raise UserError(f"the {what} column must be 0 or 1; found {sorted(set(arr[bad]))[:3]}")
    return arr.astype(np.int8)


@dataclass(frozen=True)
class Grouping:
    """A way to split people: by one column, or by the intersection of several."""

    cols: tuple[str, ...]

    @property
    def name(self) -> str:
        """Display name, e.g. ``race`` or ``race × sex``."""
        return " × ".join(self.cols)


def group_index(cells: Cells, grouping: Grouping) -> tuple[np.ndarray, list[tuple[str, ...]]]:
    """Each cell's group number within ``grouping`` and the groups' value tuples (sorted)."""
    pos = [cells.group_cols.index(c) for c in grouping.cols]
    if not pos:
        return np.zeros(len(cells.count), dtype=np.int64), [()]
    dims = [len(cells.levels[p]) for p in pos]
    flat = np.ravel_multi_index(tuple(cells.codes[:, p] for p in pos), dims)
    present, gid = np.unique(flat, return_inverse=True)
    unr = np.unravel_index(present, dims)
    keys = [tuple(cells.levels[p][unr[j][i]] for j, p in enumerate(pos))
            for i in range(len(present))]
    return gid.astype(np.int64), keys


def confusion(counts: np.ndarray, gid: np.ndarray, slot: np.ndarray, n_groups: int,
              n_slots: int) -> np.ndarray:
    """Sum cell counts into confusion arrays: ``counts`` (..., K) -> (..., G, S), vectorised
    with one ``bincount`` over all leading (bootstrap) rows."""
    lead = counts.shape[:-1]
    k = counts.shape[-1]
    flat = counts.reshape(-1, k)
    width = n_groups * n_slots
    idx = gid * n_slots + slot
    offs = (np.arange(flat.shape[0])[:, None] * width + idx[None, :]).ravel()
    out = np.bincount(offs, weights=flat.ravel(), minlength=flat.shape[0] * width)
    return out.reshape(*lead, n_groups, n_slots)
