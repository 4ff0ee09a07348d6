"""A self-exciting point process over grid cells, on daily counts, fitted by EM.

Mohler et al. (JASA 2015, "Randomized controlled field trials of predictive policing") model
the crime intensity of cell ``c`` as a background rate plus exponentially decaying aftershocks
of its own past events::

    λ_c(t) = μ_c + Σ_{t_i < t} θ ω exp(-ω (t - t_i))

with ``θ`` the branching ratio (expected aftershocks per event) and ``ω`` the decay rate per
day, fitted by expectation-maximisation. Here time is counted in whole days (the grain at which
patrols are planned): an event on day ``s`` adds ``θ (1 - q) q^(d-1)`` to the expected count
``d ≥ 1`` days later, with ``q = exp(-ω)``, a kernel that sums to ``θ`` as the continuous one
integrates to it. Every recursion over days runs as a linear filter over all cells at once
(:func:`scipy.signal.lfilter`), so a fit costs a few array passes per EM step.

Counts may be non-negative reals (weighted records); the fit then maximises the Poisson
quasi-likelihood.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

#: Bounds on q = exp(-ω) during the fit (ω between about 0.0001 and 9 per day).
_Q_MIN, _Q_MAX = 1e-4, 0.9999


@dataclass(frozen=True)
class HawkesParams:
    """A fitted or true process: background per cell, branching ratio, decay per day."""

    mu: np.ndarray
    theta: float
    omega: float

    @property
    def q(self) -> float:
        return math.exp(-self.omega)


@dataclass(frozen=True)
class HawkesFit:
    """The fit's parameters, EM iterations used, and the final log-likelihood."""

    params: HawkesParams
    iterations: int
    loglik: float
    converged: bool


def excitation(counts: np.ndarray, q: float) -> tuple[np.ndarray, np.ndarray]:
    """``A[t] = Σ_{d≥1} N[t-d] q^(d-1)`` and ``B[t] = Σ_{d≥1} (d-1) N[t-d] q^(d-1)`` for every
    day and cell (``counts`` is days × cells), plus one day past the end (the forecast day)."""
    from scipy.signal import lfilter  # imported here: every command line would pay its 0.5 s

    padded = np.vstack([counts, np.zeros((1, counts.shape[1]))])
    a = lfilter([0.0, 1.0], [1.0, -q], padded, axis=0)
    b = lfilter([0.0, q], [1.0, -q], a, axis=0)
    return a, b


def intensity(params: HawkesParams, counts: np.ndarray) -> np.ndarray:
    """Expected counts λ for every day of ``counts`` and the day after (days + 1 × cells)."""
    a, _ = excitation(counts, params.q)
    return params.mu[None, :] + params.theta * (1.0 - params.q) * a


def loglik(params: HawkesParams, counts: np.ndarray) -> float:
    """Poisson log-likelihood of daily counts (without the ``log N!`` constant)."""
    lam = intensity(params, counts)[:-1]
    with np.errstate(divide="ignore"):
        logs = np.where(counts > 0, np.log(np.maximum(lam, 1e-300)), 0.0)
    return float(np.sum(counts * logs) - lam.sum())


def simulate(params: HawkesParams, days: int, rng: np.random.Generator,
             burn_in: int = 0) -> np.ndarray:
    """Daily counts (days × cells) of the process, started ``burn_in`` days before day 0 from
    an empty history (so that a stationary process has reached its level)."""
    mu, q = np.asarray(params.mu, dtype=np.float64), params.q
    gain = params.theta * (1.0 - q)
    a = np.zeros(mu.size)
    out = np.empty((days, mu.size), dtype=np.float64)
    for t in range(-burn_in, days):
        n = rng.poisson(mu + gain * a)
        if t >= 0:
            out[t] = n
        a = q * a + n
    return out


def _estep(params: HawkesParams, counts: np.ndarray, events: tuple[np.ndarray, np.ndarray]
           ) -> tuple[np.ndarray, float, float, float]:
    """Expected background events per cell, triggered events, their Σ (lag - 1), and the
    log-likelihood of ``params`` (which the E-step's intensities give for free). ``events``:
    the (day, cell) indices of the non-zero counts, where alone the weights are needed."""
    q = params.q
    a, b = excitation(counts, q)
    days, cells = events
    gain = params.theta * (1.0 - q)
    n = counts[days, cells]
    a_at = a[days, cells]
    lam = params.mu[cells] + gain * a_at
    w = n / lam
    background = params.mu * np.bincount(cells, weights=w, minlength=counts.shape[1])
    triggered = float(gain * np.sum(w * a_at))  # not np.dot: no BLAS threads
    lags = float(gain * np.sum(w * b[days, cells]))
    compensator = counts.shape[0] * float(params.mu.sum()) + gain * float(a[:-1].sum())
    return background, triggered, lags, float(np.sum(n * np.log(lam))) - compensator


def _mstep_q(triggered: float, lags: float, totals: np.ndarray) -> tuple[float, float]:
    """(θ, q) maximising the expected complete log-likelihood of the triggered part: θ has a
    closed form given q, and q maximises the profile, with the kernel cut at the window's end
    (an event on day s can trigger only days s+1 .. T-1)."""
    whole = float(totals.sum())
    remaining = np.arange(len(totals) - 1, -1, -1, dtype=np.float64)

    def exposure(q: float) -> float:
        # q^remaining vanishes (below 1e-17) except over the last days of the window.
        last = min(len(totals), math.ceil(-39.2 / math.log(q)) + 1)
        return whole - float(np.sum(totals[-last:] * q ** remaining[-last:]))

    def negative(q: float) -> float:
        return -(triggered * math.log(1.0 - q) + lags * math.log(q)
                 - triggered * math.log(max(exposure(q), 1e-300)))

    if triggered <= 0.0:
        return 0.0, 0.5
    from scipy.optimize import minimize_scalar

    q = float(minimize_scalar(negative, bounds=(_Q_MIN, _Q_MAX), method="bounded",
                              options={"xatol": 1e-10}).x)
    return triggered / exposure(q), q


def fit(counts: np.ndarray, *, start: HawkesParams | None = None, max_iter: int = 2000,
        tol: float = 1e-12) -> HawkesFit:
    """The EM fit of μ (per cell), θ and ω to daily counts (days × cells); ``start`` warm-starts
    it (a refit each day starts from yesterday's fit). EM is slow along the ridge where
    background and aftershocks trade places, so its steps are extrapolated by SQUAREM
    (Varadhan & Roland 2008), keeping an extrapolation only when it does not lower the
    likelihood. Stops when the likelihood rises by less than ``tol`` of its size, or after
    ``max_iter`` EM steps."""
    counts = np.asarray(counts, dtype=np.float64)
    if counts.ndim != 2 or counts.shape[0] < 2:
        raise ValueError("counts must be days × cells with at least two days")
    if not np.isfinite(counts).all() or (counts < 0).any():
        raise ValueError("counts must be finite and non-negative")
    params = start or HawkesParams(np.maximum(counts.mean(axis=0) * 0.5, 1e-6), 0.5, 1.0)
    totals = counts.sum(axis=1)
    events = np.nonzero(counts)
    converged, steps, previous = False, 0, -math.inf
    while steps < max_iter:
        one, ll = _em_step(params, counts, totals, events)
        steps += 1
        if ll - previous < tol * (1.0 + abs(ll)):
            converged = True
            break
        previous = ll
        two, ll_one = _em_step(one, counts, totals, events)
        jumped = _extrapolate(params, one, two)
        three, ll_jump = _em_step(jumped, counts, totals, events)
        steps += 2
        params = three if np.isfinite(ll_jump) and ll_jump >= ll_one else two
    return HawkesFit(params, steps, loglik(params, counts), converged)


def _em_step(params: HawkesParams, counts: np.ndarray, totals: np.ndarray,
             events: tuple[np.ndarray, np.ndarray]) -> tuple[HawkesParams, float]:
    """One EM step from ``params``, and the log-likelihood of ``params``."""
    background, triggered, lags, ll = _estep(params, counts, events)
    theta, q = _mstep_q(triggered, lags, totals)
    mu = np.maximum(background / counts.shape[0], 1e-12)
    return HawkesParams(mu, max(theta, 1e-12), -math.log(q)), ll


def _vector(p: HawkesParams) -> np.ndarray:
    return np.log(np.concatenate([p.mu, [p.theta, p.omega]]))


def _extrapolate(p0: HawkesParams, p1: HawkesParams, p2: HawkesParams) -> HawkesParams:
    """SQUAREM's step (its third scheme) in log parameters, which keeps them positive."""
    x0, x1, x2 = _vector(p0), _vector(p1), _vector(p2)
    r, v = x1 - x0, x2 - 2.0 * x1 + x0
    norm_v = float(np.linalg.norm(v))
    if norm_v == 0.0:
        return p2
    alpha = min(-float(np.linalg.norm(r)) / norm_v, -1.0)
    x = np.exp(np.clip(x0 - 2.0 * alpha * r + alpha * alpha * v, -60.0, 60.0))
    omega = float(np.clip(x[-1], -math.log(_Q_MAX), -math.log(_Q_MIN)))
    return HawkesParams(np.maximum(x[:-2], 1e-12), float(x[-2]), omega)


def _gradient(x: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """The log-likelihood's gradient in (μ_1 .. μ_C, θ, ω)."""
    mu, theta, omega = x[:-2], x[-2], x[-1]
    q = math.exp(-omega)
    a, b = excitation(counts, q)
    a, b = a[:-1], b[:-1]
    r = counts / (mu[None, :] + theta * (1.0 - q) * a) - 1.0
    d_theta = float(np.sum(r * (1.0 - q) * a))
    d_q = float(np.sum(r * theta * (-a + (1.0 - q) * b / q)))
    return np.concatenate([r.sum(axis=0), [d_theta, -q * d_q]])


def standard_errors(params: HawkesParams, counts: np.ndarray) -> dict[str, float]:
    """Standard errors of the mean background μ̄, of θ and of ω from the observed Fisher
    information at ``params`` (the negative Hessian of the log-likelihood, by central
    differences of its analytic gradient). Meant for a fit with few cells: the Hessian is
    (cells + 2)²."""
    counts = np.asarray(counts, dtype=np.float64)
    x = np.concatenate([params.mu, [params.theta, params.omega]])
    steps = 1e-5 * np.maximum(np.abs(x), 1e-3)
    hessian = np.empty((x.size, x.size))
    for i, h in enumerate(steps):
        up, down = x.copy(), x.copy()
        up[i] += h
        down[i] -= h
        hessian[:, i] = (_gradient(up, counts) - _gradient(down, counts)) / (2.0 * h)
    cov = np.linalg.inv(-(hessian + hessian.T) / 2.0)
    c = params.mu.size
    mean_weights = np.concatenate([np.full(c, 1.0 / c), [0.0, 0.0]])
    return {"mu_mean": float(math.sqrt(mean_weights @ cov @ mean_weights)),
            "theta": float(math.sqrt(cov[-2, -2])), "omega": float(math.sqrt(cov[-1, -1]))}
