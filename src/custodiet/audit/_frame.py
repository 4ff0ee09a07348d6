"""Group metrics as a results object in the style of fairlearn's ``MetricFrame``: ``overall``,
``by_group``, ``ratio()`` and ``difference()``, with disparities to a reference group, a pass
band, bootstrap intervals, and small-cell suppression applied once, here, for every output."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pyarrow as pa

from custodiet.audit import _metrics as mt
from custodiet.audit._bootstrap import percentile_interval, resample_counts
from custodiet.audit._cells import Cells, Grouping, confusion, group_index
from custodiet.audit._group_frame import DEFAULT_CONFIDENCE, Estimate, GroupFrame
from custodiet.audit._validate import suggest
from custodiet.errors import UserError

#: Aequitas's default fairness band for a ratio to the reference group (the "80% rule" and its
#: reciprocal); adjustable with ``band=``.
DEFAULT_BAND: tuple[float, float] = (0.8, 1.25)
#: Fewer people than this in a cell and the values built from it are suppressed (assumption:
#: the common statistical-agency threshold of 10; adjustable with ``min_cell=``).
DEFAULT_MIN_CELL: int = 10


@dataclass
class AuditResult:
    """Overall metrics and one ``GroupFrame`` per grouping."""

    overall_frame: GroupFrame
    frames: dict[str, GroupFrame]
    labelled: bool
    min_cell: float
    band: tuple[float, float]
    bootstrap: int
    seed: int
    confidence: float
    total: float
    survey: bool = False  # survey weights: the bootstrap resampled respondents

    @property
    def overall(self) -> dict[str, Estimate]:
        """Each rate over everyone."""
        return {m: self.overall_frame.estimate(0, m) for m in self.overall_frame.metrics}

    @property
    def by_group(self) -> pa.Table:
        """``by_group`` of the first grouping (the first ``--group`` column)."""
        return next(iter(self.frames.values())).by_group

    def frame(self, name: str) -> GroupFrame:
        """The grouping called ``name`` (a column, or ``a × b`` for an intersection)."""
        return self.frames[name]

    def to_dict(self) -> dict[str, Any]:
        """JSON form of every grouping and the settings that produced them."""
        of = self.overall_frame
        return {
            "settings": {
                "min_cell": self.min_cell, "band": list(self.band),
                "bootstrap_resamples": self.bootstrap, "seed": self.seed,
                "confidence": self.confidence if self.bootstrap else None,
                "bootstrap_method": _method(self) if self.bootstrap else None,
            },
            "overall": {
                "counts": {name: of.count(0, name) for name in of.count_names},
                "metrics": {k: v.to_dict() for k, v in self.overall.items()},
            },
            "groupings": {name: f.to_dict() for name, f in self.frames.items()},
        }


def _method(result: AuditResult) -> str:
    if result.survey:
        return ("respondents (rows) resampled with replacement, each carrying its survey "
                "weight, as multinomial counts of aggregated cells; percentile intervals")
    return ("multinomial resampling of aggregated cells (equivalent to resampling rows with "
            "replacement); percentile intervals")


def default_groupings(groups: Sequence[str]) -> list[Grouping]:
    """Each group column on its own, then the intersection of all of them (two or more)."""
    out = [Grouping((g,)) for g in groups]
    if len(groups) > 1:
        out.append(Grouping(tuple(groups)))
    return out


def group_metrics(cells: Cells, *, groupings: Iterable[Grouping] | None = None,
                  reference: Mapping[str, str] | None = None,
                  band: tuple[float, float] = DEFAULT_BAND,
                  min_cell: float = DEFAULT_MIN_CELL, bootstrap: int = 0, seed: int = 0,
                  confidence: float = DEFAULT_CONFIDENCE) -> AuditResult:
    """Rates, disparities and (with ``bootstrap`` > 0) percentile intervals for every grouping.

    ``reference`` maps a group column to its reference value (default: the largest group); an
    intersection's reference combines its columns' references.
    """
    if not 0 < band[0] <= 1 <= band[1]:
        raise UserError(f"the pass band must contain 1, got {band[0]:g}–{band[1]:g}",
                        field="band")
    if min_cell < 0:
        raise UserError("must be 0 or more", field="min_cell")
    reference = dict(reference or {})
    for col, val in reference.items():
        if col not in cells.group_cols:
            raise UserError(f"reference given for {col!r}, which is not a group column",
                            field="reference")
        levels = cells.levels[cells.group_cols.index(col)]
        if val not in levels:
            raise UserError(f"{val!r} is not a value of {col!r}{suggest(val, levels)}",
                            field="reference")
    groupings = list(groupings) if groupings is not None else default_groupings(
        cells.group_cols)
    samples = resample_counts(cells.count, resamples=bootstrap, seed=seed,
                              rows=cells.rows) if bootstrap else None
    kw = {"min_cell": min_cell, "band": band, "confidence": confidence}
    overall = _frame(cells, Grouping(()), samples, reference, **kw)
    frames = {g.name: _frame(cells, g, samples, reference, **kw) for g in groupings}
    result = AuditResult(overall, frames, cells.labelled, min_cell, band, bootstrap, seed,
                         confidence, cells.total)
    result.survey = cells.rows is not None
    return result


def _frame(cells: Cells, grouping: Grouping, samples: np.ndarray | None,
           reference: dict[str, str], *, min_cell: float, band: tuple[float, float],
           confidence: float) -> GroupFrame:
    rate_defs = mt.metric_defs(cells.labelled)
    defs = rate_defs + mt.mean_defs(cells.value_cols)
    cdefs = mt.count_defs(cells.labelled)
    gid, keys = group_index(cells, grouping)
    conf = confusion(cells.count, gid, cells.slot, len(keys), cells.slots)
    # smallness counts people (respondents with survey weights), never weights
    pconf = confusion(cells.people, gid, cells.slot, len(keys), cells.slots)
    # A group smaller than min_cell is left out altogether (its name too): only its people's
    # contribution to the larger groupings and the overall figures remains.
    keep = ~mt.small(pconf.sum(axis=-1), min_cell) if grouping.cols else np.ones(1, bool)
    conf, pconf = conf[keep], pconf[keep]
    keys = [k for k, kept in zip(keys, keep, strict=True) if kept]
    totals, _ = _value_sums(cells, cells.count, gid, len(keep))
    _, nonzero = _value_sums(cells, cells.people, gid, len(keep))
    values = np.concatenate([mt.rates(conf, rate_defs),
                             mt.mean_rates(totals[keep], conf.sum(axis=-1))], axis=-1)
    status = np.concatenate([mt.statuses(pconf, rate_defs, min_cell),
                             mt.mean_statuses(pconf.sum(axis=-1), nonzero[keep], min_cell)],
                            axis=-1)
    low = high = share = reps = None
    if samples is not None:
        bconf = confusion(samples, gid, cells.slot, len(keep), cells.slots)[:, keep]
        btot, _ = _value_sums(cells, samples, gid, len(keep))
        reps = np.concatenate([mt.rates(bconf, rate_defs),
                               mt.mean_rates(btot[:, keep], bconf.sum(axis=-1))], axis=-1)
        low, high, share = percentile_interval(reps, confidence)
    frame = GroupFrame(grouping, keys, defs, tuple(cdefs), mt.count_values(conf, cdefs),
                       mt.count_statuses(pconf, cdefs, min_cell), values, status, low, high,
                       share, reps, min_cell, band)
    frame._confidence = confidence
    frame.suppressed_groups = int((~keep).sum())
    if grouping.cols:
        frame.reference, frame.reference_note = _pick_reference(frame, conf, reference,
                                                                min_cell)
    return frame


def _value_sums(cells: Cells, counts: np.ndarray, gid: np.ndarray, n_groups: int
                ) -> tuple[np.ndarray, np.ndarray]:
    """Per group (and resample), the total of each value column and the number of people with
    a non-zero value: ``counts`` (..., K) -> two arrays (..., G, V)."""
    v = cells.values if cells.values is not None else np.zeros((len(cells.count), 0))
    lead = counts.shape[:-1]
    if v.shape[1] == 0:
        empty = np.zeros((*lead, n_groups, 0))
        return empty, empty.copy()
    slot = np.zeros(len(cells.count), np.int64)
    totals = np.stack([confusion(counts * v[:, i], gid, slot, n_groups, 1)[..., 0]
                       for i in range(v.shape[1])], axis=-1)
    nonzero = np.stack([confusion(counts * (v[:, i] != 0), gid, slot, n_groups, 1)[..., 0]
                        for i in range(v.shape[1])], axis=-1)
    return totals, nonzero


def _pick_reference(frame: GroupFrame, conf: np.ndarray, reference: dict[str, str],
                    min_cell: float) -> tuple[int | None, str | None]:
    """The reference group: the chosen values when given for every column of the grouping and
    reported, else the largest reported group (first in sorted order on a tie)."""
    if not frame.keys:
        return None, "every group is suppressed (small cells)"
    n = conf.sum(axis=-1)
    cols = frame.grouping.cols
    largest = int(np.argmax(n))
    if all(c in reference for c in cols):
        want = tuple(reference[c] for c in cols)
        if want in frame.keys:
            return frame.keys.index(want), "chosen"
        if len(cols) == 1:
            return None, (f"the chosen reference group has fewer than {min_cell:g} people and "
                          "is suppressed")
        return largest, ("the chosen reference combination is absent or suppressed; "
                         "the largest group is used")
    if any(c in reference for c in cols):
        return largest, "reference given for only some of these columns; the largest group is used"
    return largest, "largest group"


__all__ = ["DEFAULT_BAND", "DEFAULT_CONFIDENCE", "DEFAULT_MIN_CELL", "AuditResult", "Estimate",
           "GroupFrame", "default_groupings", "group_metrics"]
