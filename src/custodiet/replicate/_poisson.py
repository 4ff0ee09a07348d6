"""Poisson probabilities and the censored-Poisson rate estimate, elementwise over arrays.

The attention agents see ``min(attention, incidents)``: a count below the attention is exact, a
count equal to it only says "at least this many". These helpers give the tail probabilities and
the maximum-likelihood rate under that censoring, without a Python loop over runs or sites.
"""

from __future__ import annotations

import numpy as np

#: Largest rate an estimate may take (assumption; far above any rate the agents can resolve
#: with at most 6 units a day).
RATE_CAP = 100.0
#: Flatness tolerance on the mean log-likelihood for all-censored data (fairness-gym fits with
#: statsmodels' Nelder–Mead, whose tolerance on the mean negative log-likelihood is 1e-4).
FLAT = 1e-4
#: Incident counts summed for expectations over the Poisson law; exact to double precision for
#: every rate up to RATE_CAP (P(C > 250 | λ = 100) < 1e-30).
_COUNT_LIMIT = 250
_LOG_FACT = np.concatenate([[0.0], np.cumsum(np.log(np.arange(1, _COUNT_LIMIT + 1)))])
_SERIES_TERMS = 40
_SERIES_BELOW = 8.0


def poisson_pmf(k: np.ndarray | int, lam: np.ndarray) -> np.ndarray:
    """P(C = k) for C ~ Poisson(lam), broadcasting; lam = 0 gives the point mass at 0."""
    k = np.asarray(k)
    lam = np.asarray(lam, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        log = k * np.log(lam) - lam - _LOG_FACT[k]
        out = np.exp(log)
    return np.where(lam > 0, out, (k == 0).astype(float))


def poisson_sf(a: np.ndarray | int, lam: np.ndarray) -> np.ndarray:
    """P(C ≥ a) for C ~ Poisson(lam), broadcasting, accurate in the far tail (small lam) too.

    Below rate 8 the tail is summed upwards as pmf(a)·(1 + λ/(a+1) + λ²/((a+1)(a+2)) + …), which
    has no cancellation; above it 1 − P(C < a) is already accurate (at least 0.8 for a ≤ 6).
    """
    a = np.asarray(a)
    lam = np.asarray(lam, dtype=float)
    top = int(a.max()) if a.size else 0
    head_a = np.zeros(np.broadcast_shapes(lam.shape, a.shape))  # P(C < a)
    for k in range(top):
        head_a = head_a + poisson_pmf(k, lam) * (k < a)
    series = np.ones(np.broadcast_shapes(lam.shape, a.shape))
    for j in range(_SERIES_TERMS, 0, -1):
        series = 1.0 + lam / (a + j) * series
    low = poisson_pmf(a, lam) * series
    out = np.where(lam < _SERIES_BELOW, low, np.maximum(1.0 - head_a, 0.0))
    return np.where(a <= 0, 1.0, out)


def censored_poisson_mle(n_exact: np.ndarray, sum_exact: np.ndarray, censored: np.ndarray,
                         n_obs: np.ndarray | int) -> np.ndarray:
    """Maximum-likelihood Poisson rate from exact counts and right-censored ones, elementwise.

    ``n_exact``/``sum_exact``: how many exact counts and their total; ``censored[..., a-1]``: how
    many observations said only "at least a" (a = 1 … A); ``n_obs``: observations in the window,
    uninformative ones included. The log-likelihood is concave in the rate (Poisson log-pmf and
    log-tail both are), so its score is decreasing and is solved by bisection on log λ. No
    information gives 0 (fairness-gym's starting value, the mean observed count). When every
    informative observation is censored the likelihood rises towards 1 without a maximum; the
    estimate is then the smallest rate at which the mean log-likelihood is within ``FLAT`` of
    that supremum, which is where fairness-gym's optimiser (tolerance 1e-4) stops moving.
    """
    n_exact = np.asarray(n_exact, dtype=float)
    sum_exact = np.asarray(sum_exact, dtype=float)
    censored = np.asarray(censored, dtype=float)
    n_obs = np.maximum(np.asarray(n_obs, dtype=float), 1.0)
    k = np.arange(censored.shape[-1])  # censoring at a = k + 1 needs pmf(k) and P(C > k)

    def tails(lam: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        # 1 − P(C ≤ k) loses relative precision only where the tail is negligible, i.e. far
        # from any rate that censored data support; there it is 0 and the hazard infinite,
        # which still points the bisection the right way.
        pmf = np.empty((*lam.shape, k.size))
        pmf[..., 0] = np.exp(-lam)
        for j in range(1, k.size):
            pmf[..., j] = pmf[..., j - 1] * lam / j
        return pmf, np.maximum(1.0 - np.cumsum(pmf, axis=-1), 0.0)

    def goes_up(lam: np.ndarray) -> np.ndarray:
        pmf, sf = tails(lam)
        with np.errstate(divide="ignore", invalid="ignore"):
            hazard = np.where(censored > 0, np.where(sf > 0, pmf / sf, np.inf), 0.0)
            score = -n_exact + sum_exact / lam + (censored * hazard).sum(axis=-1)
            loglik = np.where(censored > 0, censored * np.log(sf), 0.0).sum(axis=-1) / n_obs
        return np.where(all_censored, loglik < -FLAT, score > 0)

    n_censored = censored.sum(axis=-1)
    all_censored = (n_exact == 0) & (n_censored > 0)
    lo = np.full(n_exact.shape, np.log(1e-9))
    hi = np.full(n_exact.shape, np.log(RATE_CAP))
    for _ in range(40):
        mid = 0.5 * (lo + hi)
        lam = np.exp(mid)
        up = goes_up(lam)
        lo = np.where(up, mid, lo)
        hi = np.where(up, hi, mid)
    lam = np.exp(0.5 * (lo + hi))
    return np.where((sum_exact == 0) & (n_censored == 0), 0.0, lam)


def min_share_expectation(lam: np.ndarray, max_units: int) -> np.ndarray:
    """f(v) = E[min(v, C)/C] for v = 0 … max_units, with 0/0 taken as 1 for v ≥ 1 (as the gym).

    This is the expected share of a site's incidents that ``v`` units discover: the quantity the
    constrained greedy agent keeps within α across sites. Shape ``lam.shape + (max_units+1,)``.
    """
    lam = np.asarray(lam, dtype=float)
    c = np.arange(_COUNT_LIMIT + 1)
    pmf = poisson_pmf(c, lam[..., None])  # (..., C)
    v = np.arange(max_units + 1)
    ratio = np.ones((max_units + 1, _COUNT_LIMIT + 1))
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio[:, 1:] = np.minimum(v[:, None], c[None, 1:]) / c[None, 1:]
    ratio[0, :] = 0.0
    return pmf @ ratio.T
