"""Pairs of points in neighbouring grid cells, for the numpy evaluators of the templates that
judge places near each other (``gathering``, ``near``). Not a template (the name starts with
an underscore, so discovery skips it)."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from custodiet.watch._templates._select import spans


def _ranks(sorted_ids: np.ndarray, values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The position of each of ``values`` in ``sorted_ids`` (distinct) and whether it is
    there: by a dense table over the ids' range where it is small, else by binary search."""
    low, top = int(sorted_ids[0]), int(sorted_ids[-1])
    if top - low <= 4 * len(values) + 1_000_000:
        table = np.full(top - low + 2, -1, np.int64)  # the last: outside the range
        table[sorted_ids - low] = np.arange(len(sorted_ids))
        pos = table[np.where((values >= low) & (values <= top), values - low, top - low + 1)]
        return np.maximum(pos, 0), pos >= 0
    pos = np.searchsorted(sorted_ids, values)
    clipped = np.minimum(pos, len(sorted_ids) - 1)
    return clipped, (pos < len(sorted_ids)) & (sorted_ids[clipped] == values)


def _bounds(key: np.ndarray, size: int) -> Callable[[np.ndarray], tuple[np.ndarray, np.ndarray]]:
    """For sorted ``key`` (0 … size - 1), the range of the keys equal to each of some cells:
    by counting the keys where the key space is small, else by binary search."""
    if size <= 4 * len(key) + 1_000_000:
        ends = np.cumsum(np.bincount(key, minlength=size))
        starts = ends - np.bincount(key, minlength=size)
        return lambda cell: (starts[cell], ends[cell])
    return lambda cell: (np.searchsorted(key, cell, "left"), np.searchsorted(key, cell, "right"))


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
    bounds = _bounds(key, len(ux) * len(uy))
    found_i, found_j = [], []
    for dx in (-1, 0, 1):
        rx, okx = _ranks(ux, ax + dx)
        for dy in (-1, 0, 1):
            ry, oky = _ranks(uy, ay + dy)
            lo, hi = bounds(rx * len(uy) + ry)
            i, pos = spans(lo, np.where(okx & oky, hi, lo))
            found_i.append(i)
            found_j.append(order[pos])
    return np.concatenate(found_i), np.concatenate(found_j)
