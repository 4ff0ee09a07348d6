"""The nonparametric bootstrap done on aggregated cells instead of rows.

Resampling N people with replacement gives every cell (group values, flagged, label) a count
that is jointly Multinomial(N, count / N): drawing those counts directly is the same bootstrap
in distribution, at a cost of B x K draws (K cells) instead of B x N rows.
"""

from __future__ import annotations

import warnings

import numpy as np

from custodiet._interrupt import check as check_interrupt

_CHUNK = 1_000_000  # cell counts drawn between checks for a termination request


def resample_counts(count: np.ndarray, *, resamples: int, seed: int,
                    rows: np.ndarray | None = None) -> np.ndarray:
    """``resamples`` bootstrap replicates of the cell counts, shape (B, K).

    Without ``rows``, each count is that many people (individual rows, or an aggregated table
    of frequencies), and people are resampled. With ``rows`` (survey weights: cell ``k`` holds
    ``rows[k]`` respondents of equal weight ``count[k] / rows[k]``), respondents are resampled,
    each carrying its weight: treating a weighted total as that many independent people makes
    intervals too narrow by the square root of the average weight.
    """
    if resamples <= 0:
        return np.empty((0, len(count)))
    if rows is not None:
        n_rows = round(float(rows.sum()))
        rng = np.random.default_rng(np.random.SeedSequence(seed))
        draws = _multinomial(rng, n_rows, rows / rows.sum(), resamples)
        return draws * (count / np.where(rows > 0, rows, 1.0))
    total = count.sum()
    n = round(total)  # whole-number frequencies: the total number of people
    if n <= 0:
        return np.zeros((resamples, len(count)))
    p = count / total
    rng = np.random.default_rng(np.random.SeedSequence(seed))
    draws = _multinomial(rng, n, p, resamples)
    if not np.isclose(n, total):
        draws *= total / n  # keep the weighted scale of the table
    return draws


def _multinomial(rng: np.random.Generator, n: int, p: np.ndarray, resamples: int
                 ) -> np.ndarray:
    """``resamples`` multinomial draws, in chunks so that a SIGTERM is honoured between them
    (a single call of a hundred million resamples ignored it); the same draws as one call."""
    out = np.empty((resamples, len(p)))
    step = max(1, _CHUNK // max(1, len(p)))
    for start in range(0, resamples, step):
        stop = min(resamples, start + step)
        out[start:stop] = rng.multinomial(n, p, size=stop - start)
        check_interrupt()
    return out


def percentile_interval(samples: np.ndarray, confidence: float
                        ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Percentile interval over axis 0, ignoring resamples where the value is undefined (NaN).

    Returns (low, high, undefined share); low/high are NaN where no resample is defined.
    """
    alpha = (1.0 - confidence) / 2.0
    defined = ~np.isnan(samples)
    share_undefined = 1.0 - defined.mean(axis=0) if samples.shape[0] else np.zeros(
        samples.shape[1:])
    if samples.shape[0] == 0:
        nan = np.full(samples.shape[1:], np.nan)
        return nan, nan.copy(), share_undefined
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # all-undefined columns are expected
        lo = np.nanquantile(samples, alpha, axis=0)
        hi = np.nanquantile(samples, 1.0 - alpha, axis=0)
    return lo, hi, share_undefined
