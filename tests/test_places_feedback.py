"""The second must-show: with patrols discovering crime where they go and no correction, the
favoured district's share of patrols grows over 60 days while its share of true crime does not;
counting only reported incidents (Ensign et al. 2018's remedy) stops the growth."""

from __future__ import annotations

import pytest

from custodiet.audit import Decision
from custodiet.places import audit_growth, audit_over_policing, discovery_feedback, grid, run_city

G = grid(8, 2)  # 64 cells of 1 km in four districts of 16; district 0 is favoured
FAVOURED = G.district == 0
CITIES = range(8)


@pytest.fixture(scope="module")
def cities():
    return {correction: [run_city(discovery_feedback(G, k=12, days=60, correction=correction),
                                  seed) for seed in CITIES]
            for correction in ("none", "reported")}


def test_without_correction_the_favoured_share_of_patrols_grows(cities):
    patrols, crime = audit_growth(cities["none"], FAVOURED, "the favoured district",
                                  replicates=1000)
    assert patrols.verdict.decision is Decision.ABOVE, patrols.text
    assert crime.verdict.decision is not Decision.ABOVE, crime.text
    assert crime.interval.low <= 1.0 <= crime.interval.high


def test_counting_only_reports_stops_the_growth(cities):
    patrols, _ = audit_growth(cities["reported"], FAVOURED, "the favoured district",
                              replicates=1000)
    assert patrols.verdict.decision is not Decision.ABOVE, patrols.text
    assert patrols.interval.low <= 1.0 <= patrols.interval.high


def test_the_favoured_district_is_over_policed_more_without_the_correction(cities):
    raw = audit_over_policing(cities["none"], FAVOURED, "favoured", replicates=1000)
    fixed = audit_over_policing(cities["reported"], FAVOURED, "favoured", replicates=1000)
    assert raw.interval.estimate > fixed.interval.estimate
    assert raw.verdict.decision is Decision.ABOVE, raw.text


def test_twins_see_the_same_crime(cities):
    for a, b in zip(cities["none"], cities["reported"], strict=True):
        assert (a.true == b.true).all()
