"""The two settings of the published results, in the city's grid.

- :func:`differential_reporting`: equal true crime in the two halves of the city (each cell's
  background mirrored across the north-south axis), victims reporting at 0.3 in the west and
  0.7 in the east, no patrol discovery, ``k = 50`` hot spots on 1 km cells (Akpinar,
  De-Arteaga & Chouldechova, FAccT 2021, as the issue states their setting).
- :func:`discovery_feedback`: one district with more true crime than the others (the
  *favoured* district, as region A of Ensign et al. 2018), equal reporting, and patrols that
  discover a share of the unreported incidents where they go, fed back the next day.
"""

from __future__ import annotations

import numpy as np

from custodiet.places._grid import Grid, grid_of_city
from custodiet.places._patrol import PatrolConfig
from custodiet.scenario import WorldConfig

#: People of the city whose grid the replications use: 16 × 16 cells of 1 km at the world's
#: default density of 8,000 per km² (structural: the size of the map).
CITY_PEOPLE = 2_048_000
#: Mean true background incidents per cell per day (assumption: of the order of a city's
#: daily place-based crime spread over 1 km cells).
BACKGROUND = 0.4
#: Spread (log-scale standard deviation) of the cells' backgrounds: crime concentrates in some
#: places (assumption).
SPREAD = 0.5


def city_grid(people: int = CITY_PEOPLE, districts_per_side: int | None = None) -> Grid:
    """The hot-spot grid over the synthetic city of ``people`` (1 km cells), with the world's
    districts (4 × 4 by default) or ``districts_per_side`` of them."""
    geography = {} if districts_per_side is None else {"districts_per_side": districts_per_side}
    world = WorldConfig.model_validate({"people": people, "geography": geography})
    return grid_of_city(world)


def mirrored_background(g: Grid, seed: int, mean: float = BACKGROUND,
                        spread: float = SPREAD) -> np.ndarray:
    """Backgrounds drawn for the west half and mirrored onto the east: equal true crime."""
    rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(99,)))
    drawn = mean * rng.lognormal(-spread * spread / 2.0, spread, g.n_cells)
    return np.where(g.east, drawn[g.mirror()], drawn)


def differential_reporting(g: Grid, *, west: float = 0.3, east: float = 0.7, k: int = 50,
                           days: int = 10, history_days: int = 365, seed: int = 0,
                           correction: str = "none") -> PatrolConfig:
    """Equal true crime, unequal reporting by half, no discovery."""
    columns = np.arange(g.n_districts) % g.districts_per_side
    reporting = np.where(columns >= g.districts_per_side // 2, east, west)
    return PatrolConfig(g, mirrored_background(g, seed), reporting=reporting, discovery=0.0,
                        k=k, days=days, history_days=history_days, correction=correction)


def discovery_feedback(g: Grid, *, favoured: int = 0, excess: float = 1.5,
                       discovery: float = 0.8, reporting: float = 0.2, k: int = 50,
                       days: int = 60, history_days: int = 365, window: int = 30,
                       correction: str = "none", random_share: float = 0.0) -> PatrolConfig:
    """One favoured district with ``excess`` times the others' true crime per cell, fed back
    through discovery. Every default is an assumption, chosen for crime that victims seldom
    report and patrols find where they look (Ensign et al.'s drug crime): reporting 0.2,
    discovery 0.8; the predictor fits the last 30 days, so discoveries fill its window within
    the 60 days. ``random_share`` of the patrols go to cells at random (the ``weighted``
    correction needs some)."""
    background = np.full(g.n_cells, BACKGROUND)
    background[g.district == favoured] *= excess
    return PatrolConfig(g, background, reporting=np.array([reporting]), discovery=discovery,
                        k=k, days=days, history_days=history_days, window=window,
                        correction=correction, random_share=random_share)
