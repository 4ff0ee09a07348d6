"""Place-based crime seen unevenly: what patrols record, what the truth keeps, the twins' common
random numbers, and the first must-show: unequal reporting moves hot spots, rescaling by the
reporting rate puts them back (Akpinar, De-Arteaga & Chouldechova, FAccT 2021)."""

from __future__ import annotations

import numpy as np
import pytest

from custodiet.audit import Decision
from custodiet.places import (
    PatrolConfig,
    audit_over_policing,
    differential_reporting,
    discovery_feedback,
    grid,
    hit_rates,
    run_city,
)

G = grid(8, 4)  # 64 cells of 1 km, 16 districts of 4 cells


@pytest.fixture(scope="module")
def feedback_city():
    cfg = discovery_feedback(G, k=12, days=15, history_days=120, window=60)
    return run_city(cfg, 1), run_city(cfg.variant(correction="reported"), 1)


def test_recorded_is_reported_plus_discovered_and_the_truth_keeps_all(feedback_city):
    run, _ = feedback_city
    assert np.array_equal(run.recorded, run.reported + run.discovered)
    assert (run.recorded <= run.true).all()
    assert (run.discovered[~run.patrolled] == 0).all(), "a cell nobody patrolled discovered"
    assert run.discovered.sum() > 0
    assert (run.patrolled.sum(axis=1) == 12).all()


def test_discovery_finds_about_its_share_of_the_unreported(feedback_city):
    run, _ = feedback_city
    share = run.config.discovery
    unreported = (run.true - run.reported)[run.patrolled].sum()
    found = run.discovered[run.patrolled].sum()
    # Binomial(unreported, share): within 4 standard deviations.
    assert abs(found - share * unreported) < 4 * np.sqrt(unreported * share * (1 - share))


def test_twins_share_the_truth_and_the_reports(feedback_city):
    run, twin = feedback_city
    assert np.array_equal(run.true, twin.true)
    assert np.array_equal(run.reported, twin.reported)
    assert not np.array_equal(run.patrolled, twin.patrolled)


def test_reporting_rates_hold_by_half():
    cfg = differential_reporting(G, history_days=30, k=12).variant(
        days=40, predictor="moving_average")
    run = run_city(cfg, 2)
    for half, rate in ((~G.east, 0.3), (G.east, 0.7)):
        n = run.true[:, half].sum()
        # Binomial thinning: within 4 standard deviations of the rate.
        assert abs(run.reported[:, half].sum() / n - rate) < 4 * np.sqrt(rate * (1 - rate) / n)
    assert cfg.background[G.east].sum() == pytest.approx(cfg.background[~G.east].sum())


def test_bad_settings_are_refused():
    bg = np.ones(G.n_cells)
    with pytest.raises(ValueError, match="correction"):
        PatrolConfig(G, bg, correction="magic")
    with pytest.raises(ValueError, match="reporting"):
        PatrolConfig(G, bg, reporting=np.array([0.0]))
    with pytest.raises(ValueError, match="k must"):
        PatrolConfig(G, bg, k=0)
    with pytest.raises(ValueError, match="background"):
        PatrolConfig(G, np.ones(3))


@pytest.fixture(scope="module")
def reporting_cities():
    out = {}
    for correction in ("none", "rescaled"):
        out[correction] = [run_city(differential_reporting(G, k=12, days=3, seed=s,
                                                           correction=correction), s)
                           for s in range(8)]
    return out


def test_unequal_reporting_moves_hot_spots_to_the_high_reporting_half(reporting_cities):
    figure = audit_over_policing(reporting_cities["none"], G.east, "the east half",
                                 replicates=1000)
    assert figure.verdict.decision is Decision.ABOVE, figure.text
    assert "more of the patrols than of the crime" in figure.text


def test_rescaling_by_the_reporting_rate_puts_them_back(reporting_cities):
    figure = audit_over_policing(reporting_cities["rescaled"], G.east, "the east half",
                                 replicates=1000)
    i = figure.interval
    assert i.low <= 1.0 <= i.high, figure.text
    assert figure.verdict.decision is Decision.UNDECIDED


def test_hit_rates_sit_between_chance_and_the_oracle(reporting_cities):
    over_chance, over_oracle = hit_rates(reporting_cities["rescaled"], replicates=500)
    assert over_chance.verdict.decision is Decision.ABOVE, over_chance.text
    assert over_oracle.verdict.decision is Decision.BELOW, over_oracle.text


def test_the_audit_covers_every_district_enclave_and_half(reporting_cities):
    from custodiet.places import audit

    figures = audit(reporting_cities["none"], replicates=200)
    for area in ("district 0", "district 15", "minority enclave", "migrant enclave",
                 "east half", "west half"):
        assert f"patrols_over_crime[{area}]" in figures
        assert f"patrol_share_growth[{area}]" in figures
    assert figures["patrols_over_crime[east half]"]["decision"] == "above"
    assert figures["patrols_over_crime[west half]"]["decision"] == "below"
    assert {"hit_rate_over_chance", "hit_rate_over_oracle"} <= set(figures)


@pytest.mark.parametrize("predictor", ["moving_average", "retrospective"])
def test_the_baselines_are_displaced_too(predictor):
    """Not a quirk of the point process: the baselines, fed the same reports, move hot spots to
    the high-reporting half as well, and rescaling brings them back."""
    figures = {}
    for correction in ("none", "rescaled"):
        runs = [run_city(differential_reporting(G, k=12, days=3, seed=s, correction=correction)
                         .variant(predictor=predictor), s) for s in range(8)]
        figures[correction] = audit_over_policing(runs, G.east, "the east half",
                                                  replicates=1000)
    assert figures["none"].verdict.decision is Decision.ABOVE, figures["none"].text
    assert figures["rescaled"].interval.low <= 1.0 <= figures["rescaled"].interval.high, \
        figures["rescaled"].text
