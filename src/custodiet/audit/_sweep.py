"""Threshold sweep: flag rate, FPR and FNR per group at every threshold of a score, from one
aggregation (group values, score bucket, label) and a reverse cumulative sum over buckets."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import duckdb
import numpy as np

from custodiet.audit import _metrics as mt
from custodiet.audit._cells import Cells, Grouping, confusion, group_codes, group_index, quote

#: Scores with at most this many distinct values are swept at each value; others on an
#: equal-width grid of this many thresholds (assumption: enough for a smooth curve).
MAX_THRESHOLDS: int = 100
SWEPT = ("flag_rate", "fpr", "fnr")


@dataclass(frozen=True)
class Grid:
    """The thresholds of a sweep and the SQL that puts a score into its bucket: bucket ``b``
    holds the scores ``thresholds[b] <= s < thresholds[b + 1]``, so flagged at threshold
    ``t`` are exactly the buckets ``>= t``."""

    thresholds: np.ndarray
    kind: str  # "distinct values" or "equal-width grid"
    bucket: str
    top: float  # the largest score

    def flag_possible(self, cut: float) -> tuple[np.ndarray, np.ndarray]:
        """Per bucket, whether a score in it can be below ``cut`` and whether it can be at or
        above it (what anyone knows from the rule and the published thresholds)."""
        t = self.thresholds
        if self.kind == "distinct values":
            return t < cut, t >= cut
        upper = np.append(t[1:], np.nextafter(self.top, np.inf))
        return t < cut, upper > cut


def sweep_grid(rel: duckdb.DuckDBPyRelation, score: str,
               max_thresholds: int = MAX_THRESHOLDS, *, bounds: tuple[float, float] | None = None,
               by_value: bool = True) -> Grid:
    """The score's distinct values, or an equal-width grid when there are more than
    ``max_thresholds``; a score on a grid point is in that point's bucket (not the one below,
    whatever the rounding of the division). ``bounds`` replace the score's extremes as the
    grid's ends (a real audit's published, rounded range); without ``by_value`` the grid is
    equal-width whatever the number of distinct values (some value is held by too few)."""
    s = quote(score)
    lo, hi, distinct = rel.query(
        "_sw", f"SELECT min({s})::DOUBLE, max({s})::DOUBLE, count(DISTINCT {s}) FROM _sw"
    ).fetchone()
    if bounds is not None:
        lo, hi = bounds
    if (by_value and distinct <= max_thresholds) or hi <= lo:
        thresholds = np.asarray(sorted(x[0] for x in rel.query(
            "_sw", f"SELECT DISTINCT {s}::DOUBLE FROM _sw").fetchall()), dtype=np.float64)
        return Grid(thresholds, "distinct values", f"{s}::DOUBLE", hi)
    last = max_thresholds - 1
    width = (hi - lo) / last
    thresholds = lo + width * np.arange(max_thresholds, dtype=np.float64)
    v = f"{s}::DOUBLE"
    b0 = f"LEAST(GREATEST(FLOOR(({v} - {lo!r}) / {width!r}), 0), {last})"
    # the division can round a grid point down (or up) by one: compare with the published
    # threshold values themselves, computed as numpy computes them
    bucket = (f"({b0} + CASE WHEN {b0} < {last} AND {v} >= {lo!r} + {width!r} * ({b0} + 1) "
              f"THEN 1 WHEN {b0} > 0 AND {v} < {lo!r} + {width!r} * {b0} THEN -1 ELSE 0 END)"
              "::DOUBLE")
    return Grid(thresholds, "equal-width grid", bucket, hi)


def bucket_index(grid: Grid, b: np.ndarray) -> np.ndarray:
    """Bucket numbers from the aggregated bucket column (a score value or a grid index)."""
    if grid.kind == "distinct values":
        return np.searchsorted(grid.thresholds, b).astype(np.int64)
    return np.asarray(b).astype(np.int64)


@dataclass
class SweepFrame:
    """One grouping's sweep: ``values[g, t, m]`` with ``status`` alike, metrics ``metrics``."""

    grouping: Grouping
    keys: list[tuple[str, ...]]
    metrics: tuple[str, ...]
    values: np.ndarray
    status: np.ndarray
    n: np.ndarray


@dataclass
class Sweep:
    """Thresholds (flagged when score >= threshold) and one ``SweepFrame`` per grouping."""

    score: str
    thresholds: np.ndarray
    grid: str  # "distinct values" or "equal-width grid"
    overall: SweepFrame
    frames: dict[str, SweepFrame]

    def to_dict(self) -> dict:
        """JSON form: thresholds and, per grouping and group, each metric's curve (null where
        undefined or suppressed)."""
        def frame(f: SweepFrame) -> list[dict]:
            out = []
            for g, key in enumerate(f.keys):
                curves = {}
                for j, m in enumerate(f.metrics):
                    ok = f.status[g, :, j] == mt.OK
                    curves[m] = [float(v) if o else None
                                 for v, o in zip(f.values[g, :, j], ok, strict=True)]
                out.append({"group": dict(zip(f.grouping.cols, key, strict=True)), **curves})
            return out
        return {"score": self.score, "grid": self.grid,
                "thresholds": [float(t) for t in self.thresholds],
                "overall": frame(self.overall)[0] if self.overall.keys else None,
                "groupings": {k: frame(f) for k, f in self.frames.items()}}


def threshold_sweep(rel: duckdb.DuckDBPyRelation, *, score: str, groupings: Iterable[Grouping],
                    groups: tuple[str, ...], label: str | None = None,
                    weight: str | None = None, min_cell: float = 10,
                    max_thresholds: int = MAX_THRESHOLDS, grid: Grid | None = None,
                    units: bool = False) -> Sweep:
    """Sweep ``score`` over its distinct values (or an equal-width grid when there are more
    than ``max_thresholds``), applying the same suppression rules as ``group_metrics``; with
    ``units`` (survey weights) they count respondents, not weights."""
    grid = grid or sweep_grid(rel, score, max_thresholds)
    thresholds = grid.thresholds
    sel = [f"CAST({quote(g)} AS VARCHAR) AS g{i}" for i, g in enumerate(groups)]
    sel.append(f"{grid.bucket} AS b")
    if label is not None:
        sel.append(f"CAST({quote(label)} AS INTEGER) AS y")
    w = f"CAST({quote(weight)} AS DOUBLE)" if weight else "1.0"
    units = units and weight is not None
    u = f", count(*) FILTER (WHERE {w} > 0) AS u" if units else ""
    sql = f"SELECT {', '.join(sel)}, SUM({w}) AS n{u} FROM _sw GROUP BY ALL ORDER BY ALL"
    table = rel.query("_sw", sql).to_arrow_table()
    count = table.column("n").to_numpy().astype(np.float64)
    keep = count > 0  # people with weight 0 are nobody: no group, no bucket
    table = table.filter(keep)
    people = table.column("u").to_numpy().astype(np.float64) if units else None
    b = bucket_index(grid, table.column("b").to_numpy())
    codes, levels = group_codes(table, groups)
    labelled = label is not None
    y = table.column("y").to_numpy().astype(np.int8) if labelled else None
    base = Cells(groups, levels, codes, np.zeros(table.num_rows, dtype=np.int8), y,
                 count[keep], units=people)
    n_t = len(thresholds)
    metrics = SWEPT if labelled else ("flag_rate",)
    frames = {g.name: _sweep_frame(base, b, g, n_t, labelled, metrics, min_cell)
              for g in groupings}
    overall = _sweep_frame(base, b, Grouping(()), n_t, labelled, metrics, min_cell)
    return Sweep(score, thresholds, grid.kind, overall, frames)


def _sweep_frame(cells: Cells, bucket: np.ndarray, grouping: Grouping, n_t: int, labelled: bool,
                 metrics: tuple[str, ...], min_cell: float) -> SweepFrame:
    gid, keys = group_index(cells, grouping)
    n_g = len(keys)
    y = cells.label.astype(np.int64) if labelled else np.zeros(len(bucket), dtype=np.int64)
    conf, n = _sweep_confusion(cells.count, gid * n_t + bucket, y, n_g, n_t, labelled)
    # smallness counts people (respondents with survey weights), never weights
    pconf, pn = _sweep_confusion(cells.people, gid * n_t + bucket, y, n_g, n_t, labelled)
    defs = tuple(d for d in mt.metric_defs(labelled) if d.name in metrics)
    keep = ~mt.small(pn, min_cell) if grouping.cols else np.ones(n_g, bool)
    return SweepFrame(grouping, [k for k, kp in zip(keys, keep, strict=True) if kp],
                      tuple(d.name for d in defs), mt.rates(conf[keep], defs),
                      mt.statuses(pconf[keep], defs, min_cell), n[keep])


def _sweep_confusion(count: np.ndarray, idx: np.ndarray, y: np.ndarray, n_g: int, n_t: int,
                     labelled: bool) -> tuple[np.ndarray, np.ndarray]:
    """Confusion counts (G, T, S) at every threshold and group sizes (G,), from a histogram
    (G, T, 2) of people per (group, bucket, label): flagged at threshold t are those in
    buckets >= t (a reverse cumulative sum), unflagged those below (a forward one: exactly 0 at
    the lowest threshold, never a rounding residual of a subtraction)."""
    hist = confusion(count, idx, y, n_g * n_t, 2).reshape(n_g, n_t, 2)
    flagged = np.flip(np.cumsum(np.flip(hist, axis=1), axis=1), axis=1)
    unflagged = np.concatenate([np.zeros_like(hist[:, :1]), np.cumsum(hist, axis=1)[:, :-1]],
                               axis=1)
    if labelled:
        conf = np.stack([unflagged[..., 0], unflagged[..., 1], flagged[..., 0],
                         flagged[..., 1]], axis=-1)  # TN, FN, FP, TP
    else:
        conf = np.stack([unflagged[..., 0], flagged[..., 0]], axis=-1)
    return conf, hist.sum(axis=(1, 2))
