"""The Pólya urn of Ensign et al. (2018): oracle for one run, the paper's limits, Beta law.

Statistical checks use fixed seeds; tolerances are z = 4 standard errors of the mean over runs
(false alarm ≈ 6e-5 per check) unless stated, plus, where the urn has not fully converged, the
O(1/days) bias of a stochastic approximation, bounded below one standard error by the choice of
runs and days (measured with 10 000 runs: about 0.9/days for the corrected urn).
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from custodiet.errors import UserError
from custodiet.replicate import UrnConfig, config_for, simulate_urn
from custodiet.replicate._ensign import CASES, RATE_SECOND, RATE_TOP
from custodiet.replicate._seeds import WORLD, day_rng

scipy_stats = pytest.importorskip("scipy.stats")

Z = 4.0


def _se(x: np.ndarray) -> float:
    return float(x.std(ddof=1) / math.sqrt(x.size))


def _scalar_urn(config: UrnConfig, days: int, runs: int, seed: int) -> np.ndarray:
    """Plain-Python reference: the paper's rules one run and one day at a time."""
    shares = np.empty(runs)
    draws = [day_rng(seed, (0,), day, WORLD) for day in range(1, days + 1)]
    per_day = []
    for rng in draws:
        visit, accept = rng.random(runs), rng.random(runs)
        lam_d = [config.discovered_weight * config.rate_a, config.discovered_weight * config.rate_b]
        lam_r = [config.reported_weight * config.rate_a, config.reported_weight * config.rate_b]
        found = rng.poisson(lam_d, size=(runs, 2))
        reported = rng.poisson(lam_r, size=(runs, 2))
        per_day.append((visit, accept, found, reported, rng))
    state = [[float(config.prior_a), float(config.prior_b)] for _ in range(runs)]
    for visit, accept, found, reported, rng in per_day:
        for r in range(runs):
            a, b = state[r]
            p_a = a / (a + b)
            region = 0 if visit[r] < p_a else 1
            ok = True
            if config.correction:
                chance = [1 - p_a, p_a][region] / max(p_a, 1 - p_a)
                ok = accept[r] < chance
            add = [float(reported[r, 0]), float(reported[r, 1])]
            if ok:
                add[region] += float(found[r, region])
            state[r] = [a + add[0], b + add[1]]
        if config.decay > 0:
            for region in (0, 1):
                n = np.array([math.floor(s[region]) for s in state], dtype=np.int64)
                removed = rng.binomial(n, config.decay)
                for r in range(runs):
                    state[r][region] = max(state[r][region] - removed[r], 1.0)
    for r in range(runs):
        shares[r] = state[r][0] / sum(state[r])
    return shares


@pytest.mark.parametrize("changes", [
    {}, {"reported_weight": 1.0}, {"decay": 0.05}, {"correction": True},
    {"correction": True, "decay": 0.05, "reported_weight": 0.5},
])
def test_vectorised_urn_matches_one_run_at_a_time(changes):
    config = UrnConfig(3.0, 2.0, 5.0, 3.0, **changes)
    fast = simulate_urn(config, days=40, runs=7, seed=11).final_share
    slow = _scalar_urn(config, days=40, runs=7, seed=11)
    np.testing.assert_allclose(fast, slow, rtol=0, atol=1e-12)


def test_same_seed_same_runs_and_other_seed_other_runs():
    config = config_for(CASES[1], "discovered")
    a = simulate_urn(config, days=50, runs=20, seed=3).share
    b = simulate_urn(config, days=50, runs=20, seed=3).share
    c = simulate_urn(config, days=50, runs=20, seed=4).share
    assert np.array_equal(a, b)
    assert not np.array_equal(a, c)


@pytest.mark.parametrize("prior", [(6.09, 3.79), (0.2, 1.8), (1.8, 0.2)])
def test_correction_converges_to_the_ratio_of_true_rates(prior):
    # 300 runs × 3000 days: SE ≈ 0.011/√300 = 6.5e-4 while the O(1/days) bias is ≈ 3e-4.
    config = UrnConfig(RATE_TOP, RATE_SECOND, *prior, correction=True)
    final = simulate_urn(config, days=3000, runs=300, seed=21).final_share
    target = RATE_TOP / (RATE_TOP + RATE_SECOND)
    assert abs(final.mean() - target) <= Z * _se(final)


def test_without_correction_the_same_urn_runs_away_from_the_ratio():
    case = CASES[0]  # top two regions, prior 609/379
    target = case.rate_a / (case.rate_a + case.rate_b)
    prior_share = case.prior_a / (case.prior_a + case.prior_b)
    for variant in ("discovered", "decay"):
        final = simulate_urn(config_for(case, variant), days=1000, runs=1000,
                             seed=5).final_share
        # λA > λB makes A's share a submartingale: it can only drift up, towards 1.
        assert final.mean() - prior_share > Z * _se(final)
        assert final.mean() - target > Z * _se(final)
    corrected = simulate_urn(config_for(case, "corrected"), days=1000, runs=1000,
                             seed=5).final_share
    assert corrected.mean() < prior_share - Z * _se(corrected)


def test_top_versus_random_region_locks_in_region_a():
    case = CASES[2]  # prior 609/7: the paper's figure shows A's share pinned near 1
    final = simulate_urn(config_for(case, "discovered"), days=1000, runs=500,
                         seed=8).final_share
    assert final.mean() - case.prior_a / (case.prior_a + case.prior_b) > Z * _se(final)


def test_reported_incidents_attenuate_but_do_not_remove_the_runaway():
    config = UrnConfig(RATE_TOP, RATE_SECOND, 6.09, 3.79, reported_weight=1.0)
    limit = config.model_limit()
    assert config.true_share < limit < 1
    final = simulate_urn(config, days=3000, runs=300, seed=9).final_share
    assert abs(final.mean() - limit) <= Z * _se(final)
    assert final.mean() - config.true_share > Z * _se(final)


@pytest.mark.parametrize("prior", [(1.0, 1.0), (2.0, 3.0)])
def test_equal_rates_give_the_beta_law_of_the_classic_urn(prior):
    # One ball added per visit (expected updates, λ = 1): the share tends to Beta(prior).
    # After 1000 draws it is exactly the discrete Beta-binomial share, within 1/1002 of the
    # continuous law in CDF, far below the KS critical value (≈ 0.06 at 1000 runs, p = 0.001).
    config = UrnConfig(1.0, 1.0, *prior, updates="expected")
    final = simulate_urn(config, days=1000, runs=1000, seed=13).final_share
    assert scipy_stats.kstest(final, scipy_stats.beta(*prior).cdf).pvalue > 1e-3


def test_beta_check_has_power_against_the_corrected_urn():
    config = UrnConfig(1.0, 1.0, 1.0, 1.0, updates="expected", correction=True)
    final = simulate_urn(config, days=1000, runs=1000, seed=13).final_share
    assert scipy_stats.kstest(final, scipy_stats.beta(1, 1).cdf).pvalue < 1e-6


@settings(max_examples=60, deadline=None)
@given(rate_a=st.floats(0.1, 10), rate_b=st.floats(0.1, 10), w_d=st.floats(0.05, 2),
       w_r=st.floats(0.0, 2))
def test_model_limit_is_the_stable_fixed_point_of_the_mean_dynamics(rate_a, rate_b, w_d, w_r):
    config = UrnConfig(rate_a, rate_b, 1.0, 1.0, discovered_weight=w_d, reported_weight=w_r)
    limit = config.model_limit()
    x = np.linspace(0, 1, 20001)
    gain_a = x * w_d * rate_a + w_r * rate_a
    gain_b = (1 - x) * w_d * rate_b + w_r * rate_b
    drift = gain_a / (gain_a + gain_b) - x  # > 0: the share grows
    if abs(rate_a - rate_b) < 1e-9 and w_r < 1e-6:
        return  # a neutral urn (random limit), or a drift below what the grid can resolve
    # Brute force: the stable point is where the drift turns from positive to negative, or an
    # end of [0, 1] the drift pushes towards.
    crossings = x[1:][(drift[:-1] > 0) & (drift[1:] <= 0)]
    pushed_to = 1.0 if drift[len(x) // 2] > 0 else 0.0
    expected = crossings[0] if crossings.size else pushed_to
    assert limit == pytest.approx(expected, abs=1e-4)


def test_correction_limit_is_the_ratio_of_rates():
    config = UrnConfig(3.0, 1.0, 5.0, 5.0, correction=True, reported_weight=0.7)
    assert config.model_limit() == pytest.approx(0.75)


@pytest.mark.parametrize("field,changes", [
    ("rate_a", {"rate_a": -1.0}), ("prior_b", {"prior_b": 0.0}), ("decay", {"decay": 1.0}),
    ("updates", {"updates": "mean"}), ("reported_weight", {"reported_weight": float("nan")}),
])
def test_bad_settings_name_the_field(field, changes):
    base = {"rate_a": 1.0, "rate_b": 1.0, "prior_a": 1.0, "prior_b": 1.0}
    with pytest.raises(UserError) as err:
        UrnConfig(**{**base, **changes})
    assert err.value.field == field
