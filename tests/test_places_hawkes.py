"""The self-exciting process's EM fit: it recovers known parameters within what its standard
error allows, its standard errors are those of the estimator, and bad counts are refused."""

from __future__ import annotations

import numpy as np
import pytest

from custodiet.places import HawkesParams, fit, intensity, loglik, simulate, standard_errors

TRUE = HawkesParams(np.array([0.3, 0.4, 0.5, 0.6]), theta=0.5, omega=0.2)
#: Two-sided 3.5 standard errors: a correct fit fails one of the three parameters with
#: probability about 3 × 0.00047 = 0.0014 (the seeds are fixed, so a pass is reproducible).
Z = 3.5


@pytest.fixture(scope="module")
def fitted():
    counts = simulate(TRUE, 8000, np.random.default_rng(20261205), burn_in=300)
    result = fit(counts)
    return counts, result, standard_errors(result.params, counts)


def test_em_recovers_background_branching_ratio_and_decay(fitted):
    _, result, se = fitted
    assert result.converged
    p = result.params
    assert abs(p.mu.mean() - TRUE.mu.mean()) < Z * se["mu_mean"]
    assert abs(p.theta - TRUE.theta) < Z * se["theta"]
    assert abs(p.omega - TRUE.omega) < Z * se["omega"]
    # The test has power: the standard errors are small beside the parameters.
    assert se["theta"] < 0.05 and se["omega"] < 0.05 and se["mu_mean"] < 0.05


def test_the_fit_is_a_maximum(fitted):
    counts, result, _ = fitted
    best = result.loglik
    p = result.params
    for theta, omega in ((p.theta * 1.02, p.omega), (p.theta, p.omega * 1.02),
                         (p.theta * 0.98, p.omega * 0.98)):
        assert loglik(HawkesParams(p.mu, theta, omega), counts) < best
    assert best > loglik(TRUE, counts)


def test_the_forecast_adds_recent_aftershocks():
    counts = np.zeros((10, 2))
    counts[-1, 0] = 4.0
    lam = intensity(HawkesParams(np.array([1.0, 1.0]), 0.5, 0.2), counts)[-1]
    assert lam[1] == pytest.approx(1.0)
    assert lam[0] == pytest.approx(1.0 + 0.5 * (1 - np.exp(-0.2)) * 4.0)


@pytest.mark.parametrize("bad", [np.ones(5), np.ones((1, 3)), -np.ones((5, 3)),
                                 np.full((5, 3), np.nan)])
def test_bad_counts_are_refused(bad):
    with pytest.raises(ValueError):
        fit(bad)


@pytest.mark.slow
def test_the_standard_errors_are_those_of_the_estimator():
    """Over independent simulations the z-scores (estimate - truth) / standard error have unit
    variance: Σ z² over R fits is χ²(R) when the standard errors are right (and the bias
    negligible), tested two-sided at 0.1% per parameter."""
    from scipy.stats import chi2

    replicates = 12
    z = []
    for seed in range(replicates):
        counts = simulate(TRUE, 4000, np.random.default_rng(1000 + seed), burn_in=300)
        p = fit(counts).params
        se = standard_errors(p, counts)
        z.append([(p.mu.mean() - TRUE.mu.mean()) / se["mu_mean"],
                  (p.theta - TRUE.theta) / se["theta"], (p.omega - TRUE.omega) / se["omega"]])
    sums = (np.array(z) ** 2).sum(axis=0)
    low, high = chi2.ppf([0.0005, 0.9995], replicates)
    assert ((sums > low) & (sums < high)).all(), sums
