"""Ensign et al.'s second remedy in the city: with a share of the patrols sent at random, each
discovery weighted by the inverse of its cell's chance of a patrol. The runaway of
``test_places_feedback`` stops; random patrols without the weights do not stop it."""

from __future__ import annotations

import numpy as np
import pytest

from custodiet.audit import Decision
from custodiet.places import (
    PatrolConfig,
    audit_growth,
    discovery_feedback,
    grid,
    run_city,
)
from custodiet.places._patrol import _send

G = grid(8, 2)  # as test_places_feedback: 64 cells, district 0 favoured
FAVOURED = G.district == 0
CITIES = range(8)


def _growth(correction: str, share: float):
    runs = [run_city(discovery_feedback(G, k=12, days=60, correction=correction,
                                        random_share=share), seed) for seed in CITIES]
    return runs, audit_growth(runs, FAVOURED, "the favoured district", replicates=1000)


def test_weighting_by_the_chance_of_a_patrol_stops_the_growth():
    runs, (patrols, crime) = _growth("weighted", 0.25)
    assert patrols.verdict.decision is not Decision.ABOVE, patrols.text
    assert patrols.interval.low <= 1.0 <= patrols.interval.high
    assert crime.interval.low <= 1.0 <= crime.interval.high
    for run in runs:
        assert (run.patrolled.sum(axis=1) == 12).all()


@pytest.mark.slow
def test_random_patrols_without_the_weights_do_not_stop_it():
    _, (patrols, _) = _growth("none", 0.25)
    assert patrols.verdict.decision is Decision.ABOVE, patrols.text


def test_each_cell_has_its_chance_of_a_patrol():
    cfg = PatrolConfig(G, np.ones(G.n_cells), k=12, random_share=0.25)
    scores = np.arange(G.n_cells, dtype=float)
    rng = np.random.default_rng(0)
    counts = np.zeros(G.n_cells)
    draws = 4000
    for _ in range(draws):
        cells, chance = _send(cfg, scores, rng, rng)
        counts[cells] += 1
    assert chance.sum() == pytest.approx(12)
    assert (chance[-9:] == 1).all(), "the top k - 3 cells are always patrolled"
    p = 3 / (G.n_cells - 9)
    assert np.allclose(chance[:-9], p)
    # Each other cell: Binomial(draws, p), within 4.5 standard deviations.
    assert np.abs(counts[:-9] - draws * p).max() < 4.5 * np.sqrt(draws * p * (1 - p))


def test_weighting_without_random_patrols_is_refused():
    with pytest.raises(ValueError, match="random patrols"):
        PatrolConfig(G, np.ones(G.n_cells), k=12, correction="weighted")
    with pytest.raises(ValueError, match="random_share"):
        PatrolConfig(G, np.ones(G.n_cells), random_share=1.5)
