"""Every registered hot-spot predictor passes one conformance suite (``custodiet.places.checks``),
and the suite catches what it claims to."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pytest

from custodiet.places import PREDICTORS, checks, grid, grid_of_city, top_k
from custodiet.scenario import WorldConfig


@checks.parametrize_with_checks()
def test_every_registered_predictor_conforms(name, check):
    check(name)


def test_the_suite_covers_every_predictor():
    assert {name for name, _ in checks.cases()} == set(PREDICTORS) >= {
        "hawkes", "moving_average", "retrospective"}


@dataclass
class _ByPosition:
    """A predictor that favours low-numbered cells: the suite must refuse it."""

    name: str = "by_position"

    def scores(self, history):
        h = np.asarray(history, dtype=float)
        if h.ndim != 2 or not np.isfinite(h).all() or (h < 0).any():
            raise ValueError("bad")
        return h.sum(axis=0) + np.arange(h.shape[1])[::-1]


def test_the_suite_catches_a_positional_bias(monkeypatch):
    monkeypatch.setitem(PREDICTORS, "by_position", _ByPosition)
    with pytest.raises(AssertionError, match=r"cell order|favours"):
        checks.check_cell_order_irrelevant("by_position")
    with pytest.raises(AssertionError, match="favours"):
        checks.check_empty_history_favours_nobody("by_position")


def test_ties_are_broken_at_random_not_by_cell_order():
    rng = np.random.default_rng(0)
    picks = np.concatenate([top_k(np.ones(100), 10, rng) for _ in range(400)])
    # Each cell is picked with probability 0.1 in each of 400 draws: 40 expected, sd 6.
    counts = np.bincount(picks, minlength=100)
    assert counts[:50].sum() == pytest.approx(2000, abs=4 * np.sqrt(4000 * 0.25))


def test_top_k_takes_the_highest():
    assert list(top_k(np.array([0.1, 5, 3, 0, 4]), 2, np.random.default_rng(1))) == [1, 4]


def test_grid_of_the_city_follows_its_geometry():
    g = grid_of_city(WorldConfig(people=2_048_000))  # 256 km² at 8,000 people per km²
    assert g.per_side == 16 and g.n_cells == 256 and g.n_districts == 16
    assert np.bincount(g.district).tolist() == [16] * 16
    assert g.enclaves == {"minority": 15, "migrant": 14}
    assert g.east.sum() == 128
    assert (g.district[g.mirror()] != g.district).any() and (g.mirror()[g.mirror()]
                                                          == np.arange(256)).all()


def test_a_small_grid_has_no_enclaves():
    assert grid(2, 1).enclaves == {}
