"""The hot-spot predictor over the city's own crime: the world's place-based incidents.

The synthetic grid of :mod:`._patrol` draws its own crime. Here the truth is every incident of
the place-based kinds that a run of the world produced (:data:`CITY_KINDS`), each at its place's
coordinates; the grid is laid over the city so that every cell lies inside one district. Each
incident is reported by a victim with its district's reporting rate times its kind's factor
(nobody reports a drug deal: it has no victim), and an unreported one is *findable* with the
discovery share: a patrol in its cell that day records it. Then :func:`._patrol.patrol` runs the
predictor over those days exactly as over the synthetic grid: the first ``history_days`` are
reports only, later mornings send patrols to the ``k`` top cells and feed back what they find.

The world does not see the patrols (no deterrence, no arrests): the truth is fixed, so the twins
(another correction, no discovery) are the same incidents seen differently. Per-incident draws
are keyed by incident id and the run's seed, so the twins share every report.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from custodiet.places._grid import Grid, grid
from custodiet.places._patrol import DEFAULT_REPORTING, PatrolConfig, PatrolRun, Seen, patrol
from custodiet.scenario import WorldConfig
from custodiet.schema import MINUTES_PER_DAY
from custodiet.world import square_of

#: The world's incident kinds that happen at a place a patrol could stand at: a burglary (at the
#: victim's home), a pickpocket's theft (at a station: the world's street theft; it has no street
#: robbery kind) and a drug deal (at a hotel).
CITY_KINDS = ("burglary", "pickpocket", "drug_deal")
#: Factor on the district's reporting rate per kind: a burglary or a theft has a victim who may
#: report it; a drug deal has none, so only a patrol records it (assumption).
KIND_REPORTING = {"burglary": 1.0, "pickpocket": 1.0, "drug_deal": 0.0}
#: Cell side over the city, in metres, before it is fitted to the districts (assumption: a
#: street-block scale; the synthetic replications use 1 km cells over a larger city).
CITY_CELL_M = 250.0
#: Share of the cells patrolled each day (assumption: the world's place-based crime falls in few
#: cells, and a larger share patrols every cell that ever recorded a crime, leaving the ranking
#: nothing to decide).
K_SHARE = 0.05
#: Share of an unreported incident's chance to be recorded by a patrol in its cell (assumption).
CITY_DISCOVERY = 0.5
_STREAMS = {"reporting": 11, "discovery": 12}


@dataclass(frozen=True)
class CityCrime:
    """One run's place-based incidents (one entry each) and the city they happened in."""

    world: WorldConfig
    seed: int
    incident_id: np.ndarray
    kind: np.ndarray
    """Index into :data:`CITY_KINDS`."""
    day: np.ndarray
    x: np.ndarray
    y: np.ndarray

    @property
    def side_m(self) -> float:
        return math.sqrt(self.world.people / self.world.geography.density_per_km2) * 1000.0


@dataclass(frozen=True)
class CitySettings:
    """The predictor's blanks over the city. ``reporting``: one rate, or one per district;
    ``k``: cells patrolled a day (None: :data:`K_SHARE` of them); ``history_days``: days of
    reports before the system starts (None: half the run)."""

    cell_m: float = CITY_CELL_M
    k: int | None = None
    reporting: tuple[float, ...] = (DEFAULT_REPORTING,)
    kind_reporting: dict[str, float] = field(default_factory=lambda: dict(KIND_REPORTING))
    discovery: float = CITY_DISCOVERY
    history_days: int | None = None
    predictor: str = "hawkes"
    window: int = 365
    correction: str = "none"
    random_share: float = 0.0
    """Share of the patrols sent to cells at random (the ``weighted`` correction needs some)."""

    def variant(self, **changes: Any) -> CitySettings:
        return replace(self, **changes)


def city_grid_of(world: WorldConfig, cell_m: float = CITY_CELL_M) -> Grid:
    """Cells of about ``cell_m`` fitted to the world's districts: a whole number of cells per
    district side, so that each cell lies in exactly one district."""
    if cell_m <= 0:
        raise ValueError("cell_m must be positive")
    side = math.sqrt(world.people / world.geography.density_per_km2) * 1000.0
    dps = world.geography.districts_per_side
    per_district = max(1, round(side / dps / cell_m))
    return grid(dps * per_district, dps, side / (dps * per_district))


def crime_of_tables(incidents: pa.Table, places: pa.Table, world: WorldConfig,
                    seed: int) -> CityCrime:
    """The place-based incidents of the world's ``incidents`` table (Arrow, the store's
    schema), placed with the ``places`` table's coordinates (place ids are dense)."""
    missing = {"incident_id", "kind", "t", "place"} - set(incidents.column_names)
    missing |= {"place_id", "x", "y"} - set(places.column_names)
    if missing:
        raise ValueError(f"the incidents and places tables lack {', '.join(sorted(missing))}")
    kinds = incidents.column("kind").cast(pa.string())
    rows = incidents.filter(pc.is_in(kinds, value_set=pa.array(CITY_KINDS)))
    place = rows.column("place").to_numpy().astype(np.int64)
    ids = places.column("place_id").to_numpy()
    if not np.array_equal(ids, np.arange(ids.size)):
        raise ValueError("the places table's ids must be dense and in order")
    x = places.column("x").to_numpy(zero_copy_only=False)[place]
    y = places.column("y").to_numpy(zero_copy_only=False)[place]
    day = rows.column("t").to_numpy() // MINUTES_PER_DAY
    keep = np.isfinite(x) & np.isfinite(y) & (day >= 0) & (day < world.days)
    kind = pc.index_in(rows.column("kind").cast(pa.string()),
                       value_set=pa.array(CITY_KINDS)).to_numpy().astype(np.int64)
    return CityCrime(world, int(seed), rows.column("incident_id").to_numpy()[keep],
                     kind[keep], day[keep].astype(np.int64), x[keep], y[keep])


def crime_of_store(path: str | Path) -> CityCrime:
    """The place-based incidents of a run directory (its world and seed from its manifest)."""
    from custodiet.store import open_run

    with open_run(path) as run:
        scenario = run.manifest.get("scenario", {})
        world = WorldConfig.model_validate(scenario.get("world", {}))
        seed = int(run.manifest.get("seed", scenario.get("seed", 0)))
        incidents = run.con.execute(
            "SELECT incident_id, kind, t, place FROM incidents").to_arrow_table()
        places = run.con.execute("SELECT place_id, x, y FROM places ORDER BY place_id"
                                 ).to_arrow_table()
    return crime_of_tables(incidents, places, world, seed)


def cells_of(crime: CityCrime, g: Grid) -> np.ndarray:
    """The cell of each incident, by the squares the world's districts are drawn with."""
    return square_of(crime.x, crime.y, crime.side_m, g.per_side).astype(np.int64)


def _uniform(crime: CityCrime, stream: str) -> np.ndarray:
    rng = np.random.default_rng(np.random.SeedSequence(crime.seed, spawn_key=(_STREAMS[stream],)))
    top = int(crime.incident_id.max(initial=-1)) + 1
    return rng.random(top)[crime.incident_id]


def city_config(crime: CityCrime, settings: CitySettings) -> PatrolConfig:
    """The patrol setting over the city's grid (the background is the run's mean daily count
    per cell: descriptive only, nothing is drawn from it)."""
    g = city_grid_of(crime.world, settings.cell_m)
    days = crime.world.days
    history = days // 2 if settings.history_days is None else settings.history_days
    if not 1 <= history < days:
        raise ValueError(f"history_days must lie between 1 and the run's {days - 1} days")
    k = max(1, round(K_SHARE * g.n_cells)) if settings.k is None else settings.k
    counts = np.bincount(cells_of(crime, g), minlength=g.n_cells) / days
    return PatrolConfig(g, counts.astype(np.float64), reporting=np.asarray(settings.reporting),
                        discovery=settings.discovery, k=k, history_days=history,
                        days=days - history, predictor=settings.predictor,
                        window=settings.window, correction=settings.correction,
                        random_share=settings.random_share)


def seen_in_city(crime: CityCrime, cfg: PatrolConfig, settings: CitySettings) -> Seen:
    """Days × cells of true, reported, findable and rescaled-reported incidents."""
    unknown = set(settings.kind_reporting) - set(CITY_KINDS)
    if unknown:
        raise ValueError(f"kind_reporting names kinds that are not place-based: {sorted(unknown)}")
    factor = np.array([settings.kind_reporting.get(k, 1.0) for k in CITY_KINDS])
    if (factor < 0).any() or (factor > 1).any():
        raise ValueError("kind_reporting factors must lie in [0, 1]")
    g = cfg.grid
    cell = cells_of(crime, g)
    p = cfg.cell_reporting[cell] * factor[crime.kind]
    reported = _uniform(crime, "reporting") < p
    findable = ~reported & (_uniform(crime, "discovery") < cfg.discovery)
    weight = np.where(reported, 1.0 / np.where(p > 0, p, 1.0), 0.0)
    n, flat = crime.world.days * g.n_cells, crime.day * g.n_cells + cell

    def grid_of(w: np.ndarray) -> np.ndarray:
        return np.bincount(flat, weights=w, minlength=n).reshape(crime.world.days, g.n_cells)

    return Seen(grid_of(np.ones(cell.size)), grid_of(reported.astype(np.float64)),
                grid_of(findable.astype(np.float64)), grid_of(weight))


def run_in_city(crime: CityCrime, settings: CitySettings | None = None) -> PatrolRun:
    """The predictor and its patrols over one run's place-based incidents."""
    settings = CitySettings() if settings is None else settings
    cfg = city_config(crime, settings)
    return patrol(cfg, crime.seed, seen_in_city(crime, cfg, settings))
