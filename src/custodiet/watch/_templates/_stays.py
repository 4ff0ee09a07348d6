"""Pairs of points in neighbouring grid cells, for the numpy evaluators of the templates that
judge places near each other (``gathering``, ``near``). Not a template (the name starts with
an underscore, so discovery skips it)."""

from __future__ import annotations

import numpy as np

from custodiet.watch._templates._select import spans


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
            i, pos = spans(lo, hi)
            found_i.append(i)
            found_j.append(order[pos])
    return np.concatenate(found_i), np.concatenate(found_j)
