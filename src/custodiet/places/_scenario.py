"""The hot-spot predictor of a scenario's ``[hotspots]`` section, over one run's incidents.

A study runs the scenario's world (and its person-based watch); for each city (seed) this runs
the predictor over the watch run's place-based incidents (:func:`seed_hotspots`), and the
study pools the cities into one audit with the four answers (:func:`pool_hotspots`): the same
figures, twins and gating as :func:`custodiet.places.audit_city`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pyarrow as pa

from custodiet.places._city import (
    CITY_KINDS,
    CityCrime,
    CitySettings,
    city_grid_of,
    crime_of_tables,
)
from custodiet.places._city_audit import audit_of_runs, city_runs
from custodiet.places._patrol import PatrolRun
from custodiet.places._stops import Stops, pooled_stops, stops_in_city
from custodiet.scenario import WorldConfig
from custodiet.scenario.models import Hotspots

#: Bootstrap replicates of the pooled figures' intervals (as :func:`audit_city`'s default).
REPLICATES = 2000


def scenario_settings(h: Hotspots, world: WorldConfig) -> CitySettings:
    """The predictor's settings from a scenario's ``[hotspots]`` section in its world."""
    k = h.k
    if k is None:
        k = max(1, round(h.k_share * city_grid_of(world, h.cell_m).n_cells))
    reporting = tuple(h.district_reporting) if h.district_reporting else (h.reporting,)
    return CitySettings(cell_m=h.cell_m, k=k, reporting=reporting,
                        kind_reporting=h.kind_reporting.model_dump(),
                        discovery=h.discovery, history_days=h.history_days,
                        predictor=h.predictor, window=h.window, correction=h.correction,
                        random_share=h.random_share)


@dataclass(frozen=True)
class SeedHotspots:
    """One city's predictor: its incidents, the system as deployed and its twins; what goes
    into the seed's metrics is the counts (:meth:`to_dict`)."""

    seed: int
    settings: CitySettings
    crime: CityCrime
    runs: dict[str, PatrolRun] = field(default_factory=dict)
    stops: Stops | None = None

    def to_dict(self) -> dict[str, Any]:
        deployed = self.runs["deployed"]
        counts = np.bincount(self.crime.kind, minlength=len(CITY_KINDS))
        return {"seed": self.seed, "cells": deployed.config.grid.n_cells,
                "k": deployed.config.k,
                "incidents": {k: int(n) for k, n in zip(CITY_KINDS, counts, strict=True)},
                "true_in_system_days": float(deployed.true.sum()),
                "recorded_in_system_days": float(deployed.recorded.sum()),
                **({} if self.stops is None else {
                    "stopped": float(self.stops.stopped.sum()),
                    "innocent_stopped": float(self.stops.innocent.sum())})}


def seed_hotspots(incidents: pa.Table, places: pa.Table, world: WorldConfig, h: Hotspots,
                  seed: int, stays: pa.Table | None = None) -> SeedHotspots:
    """The predictor and its twins over one city's ``incidents`` and ``places`` (Arrow);
    with ``stays`` (person, place, start, end) and ``h.stops_per_patrol_day`` above 0, the
    people its patrols stop (``incidents`` then needs ``persons`` and ``lawful``)."""
    settings = scenario_settings(h, world)
    crime = crime_of_tables(incidents, places, world, seed)
    runs = {name: rs[0] for name, rs in city_runs([crime], settings).items()}
    stops = None
    if h.stops_per_patrol_day and stays is not None:
        stops = stops_in_city(stays, places, incidents, crime, runs["deployed"],
                              h.stops_per_patrol_day)
    return SeedHotspots(seed, settings, crime, runs, stops)


def pool_hotspots(rows: Sequence[SeedHotspots | None], *,
                  replicates: int = REPLICATES) -> dict[str, Any] | None:
    """The cities' audit (:func:`audit_of_runs`), intervals nested by city then day; None
    when no city ran the predictor."""
    got = [r for r in rows if r is not None and r.runs]
    if not got:
        return None
    runs = {name: [r.runs[name] for r in got] for name in got[0].runs}
    result = audit_of_runs([r.crime for r in got], runs, got[0].settings,
                           replicates=replicates, seed=got[0].seed)
    stops = [r.stops for r in got if r.stops is not None]
    result["settings"]["stops_per_patrol_day"] = stops[0].per_patrol_day if stops else 0
    if stops and len(stops) == len(got):
        result["stops"] = pooled_stops(stops, replicates=replicates, seed=got[0].seed)
        result["answers"]["works"] += (" Where patrols stop people: "
                                       f"{result['stops']['sentence']}.")
    return result
