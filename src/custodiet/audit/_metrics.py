"""Group metrics from confusion counts, vectorised over groups (and bootstrap resamples), with
an explicit status per value: ok, undefined (with the reason) or suppressed (small cell)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

# Slots of the last axis of a confusion array. With a label: index = 2 * flagged + label.
TN, FN, FP, TP = 0, 1, 2, 3
# Without a label the last axis has two slots: index = flagged.
UNFLAGGED, FLAGGED = 0, 1

OK, UNDEFINED, SUPPRESSED = 0, 1, 2
#: A count of people at or below this is nobody: sums and differences of non-integer (survey)
#: weights leave residuals of about 1e-15 where the exact answer is 0.
ZERO: float = 1e-9
STATUS_NAMES = ("ok", "undefined", "suppressed")


@dataclass(frozen=True)
class MetricDef:
    """One rate: numerator / denominator, both sums of confusion slots.

    ``guards`` are the counts whose smallness would disclose a few people through this rate
    (numerator and the rest of its denominator); ``undefined`` says why a zero denominator
    leaves the rate undefined.
    """

    name: str
    title: str
    numerator: tuple[int, ...]
    denominator: tuple[int, ...]
    undefined: str
    needs_label: bool
    disparity: bool  # compared with the reference group
    value: str | None = None
    """Set for a per-person mean: the value column summed over the group's people, divided by
    the number of people (numerator and denominator slots are then unused)."""


_ALL = (TN, FN, FP, TP)
LABELLED: tuple[MetricDef, ...] = (
    MetricDef("flag_rate", "flag rate", (FP, TP), _ALL, "group is empty", False, True),
    MetricDef("base_rate", "base rate (share with label 1)", (FN, TP), _ALL,
              "group is empty", True, False),
    MetricDef("tpr", "true-positive rate (recall)", (TP,), (TP, FN),
              "no positives (label = 1) in the group, so TPR = TP / (TP + FN) divides by 0",
              True, True),
    MetricDef("fpr", "false-positive rate", (FP,), (FP, TN),
              "no negatives (label = 0) in the group, so FPR = FP / (FP + TN) divides by 0",
              True, True),
    MetricDef("fnr", "false-negative rate", (FN,), (TP, FN),
              "no positives (label = 1) in the group, so FNR = FN / (TP + FN) divides by 0",
              True, True),
    MetricDef("ppv", "precision (positive predictive value)", (TP,), (TP, FP),
              "nobody in the group is flagged, so PPV = TP / (TP + FP) divides by 0",
              True, True),
)
UNLABELLED: tuple[MetricDef, ...] = (
    MetricDef("flag_rate", "flag rate", (FLAGGED,), (UNFLAGGED, FLAGGED), "group is empty",
              False, True),
)

# Counts reported beside the rates: name -> slots summed.
COUNTS_LABELLED: dict[str, tuple[int, ...]] = {
    "n": _ALL, "flagged": (FP, TP), "positives": (FN, TP), "negatives": (TN, FP),
    "tp": (TP,), "fp": (FP,), "fn": (FN,), "tn": (TN,),
}
COUNTS_UNLABELLED: dict[str, tuple[int, ...]] = {
    "n": (UNFLAGGED, FLAGGED), "flagged": (FLAGGED,), "unflagged": (UNFLAGGED,),
}


def metric_defs(labelled: bool) -> tuple[MetricDef, ...]:
    """The rates computed for a table with (or without) an outcome label."""
    return LABELLED if labelled else UNLABELLED


def mean_defs(value_cols: tuple[str, ...]) -> tuple[MetricDef, ...]:
    """One per-person mean for each value column of the cells."""
    return tuple(MetricDef(v, f"{v.replace('_', ' ')} per person", (), _ALL, "group is empty",
                           False, True, value=v) for v in value_cols)


def mean_rates(total: np.ndarray, n: np.ndarray) -> np.ndarray:
    """Per-person means ``total / n`` (..., V) from value totals (..., V) and group sizes
    (...,); NaN where the group is empty."""
    n = n[..., None]
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(n > 0, total / np.where(n > 0, n, 1.0), np.nan)


def mean_statuses(n: np.ndarray, nonzero: np.ndarray, min_cell: float) -> np.ndarray:
    """Statuses of per-person means: undefined for an empty group; suppressed when the group,
    the people with a non-zero value, or those with zero are a small count (as for a rate's
    numerator and the rest of its denominator)."""
    n_ = n[..., None]
    out = np.where(n_ > 0, OK, UNDEFINED).astype(np.int8) * np.ones_like(nonzero, np.int8)
    hide = small(n_, min_cell) | small(nonzero, min_cell) | small(n_ - nonzero, min_cell)
    return np.where(hide, SUPPRESSED, out).astype(np.int8)


def count_defs(labelled: bool) -> dict[str, tuple[int, ...]]:
    """The counts reported for a table with (or without) an outcome label."""
    return COUNTS_LABELLED if labelled else COUNTS_UNLABELLED


def _sum(conf: np.ndarray, slots: tuple[int, ...]) -> np.ndarray:
    return conf[..., list(slots)].sum(axis=-1)


def rates(conf: np.ndarray, defs: tuple[MetricDef, ...]) -> np.ndarray:
    """Rates of shape ``conf.shape[:-1] + (len(defs),)``; NaN where the denominator is 0."""
    out = np.empty((*conf.shape[:-1], len(defs)))
    with np.errstate(invalid="ignore", divide="ignore"):
        for j, d in enumerate(defs):
            num, den = _sum(conf, d.numerator), _sum(conf, d.denominator)
            out[..., j] = np.where(den > 0, num / np.where(den > 0, den, 1.0), np.nan)
    return out


def small(count: np.ndarray, min_cell: float) -> np.ndarray:
    """A disclosive count: some people, but fewer than ``min_cell`` (zero is not small, nor
    is the rounding residual of a sum of non-integer weights)."""
    return (count > ZERO) & (count < min_cell)


def statuses(conf: np.ndarray, defs: tuple[MetricDef, ...], min_cell: float) -> np.ndarray:
    """Status codes (OK, UNDEFINED, SUPPRESSED) for each rate of each group in ``conf`` (G, S).

    A rate is suppressed when its group has fewer than ``min_cell`` people, or when a count it
    is built from (its numerator, or the rest of its denominator) is small: otherwise the rate
    and the group size would reveal that count. Suppression wins over undefined.
    """
    n = conf.sum(axis=-1)
    out = np.full((*conf.shape[:-1], len(defs)), OK, dtype=np.int8)
    for j, d in enumerate(defs):
        num = _sum(conf, d.numerator)
        rest = _sum(conf, tuple(s for s in d.denominator if s not in d.numerator))
        den = num + rest
        out[..., j] = np.where(den > 0, OK, UNDEFINED)
        hide = small(n, min_cell) | small(num, min_cell) | small(rest, min_cell)
        out[..., j] = np.where(hide, SUPPRESSED, out[..., j])
    return out


def count_statuses(conf: np.ndarray, counts: dict[str, tuple[int, ...]],
                   min_cell: float) -> np.ndarray:
    """Status codes for the reported counts: a small count, or one whose complement within its
    group is small, or any count of a small group, is suppressed."""
    n = conf.sum(axis=-1)
    out = np.full((*conf.shape[:-1], len(counts)), OK, dtype=np.int8)
    for j, slots in enumerate(counts.values()):
        c = _sum(conf, slots)
        hide = small(n, min_cell) | small(c, min_cell) | small(n - c, min_cell)
        out[..., j] = np.where(hide, SUPPRESSED, OK)
    return out


def count_values(conf: np.ndarray, counts: dict[str, tuple[int, ...]]) -> np.ndarray:
    """The reported counts, shape ``conf.shape[:-1] + (len(counts),)``."""
    return np.stack([_sum(conf, slots) for slots in counts.values()], axis=-1)
