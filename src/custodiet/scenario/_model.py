"""The whole scenario: a study's world and (in later layers) its watch, as one validated model."""

from __future__ import annotations

import math
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, model_validator

from custodiet.scenario._hotspots import Hotspots, city_side_m
from custodiet.scenario._watch import (
    AuditConfig,
    BadReference,
    KeyList,
    RedList,
    Response,
    Rule,
    Scorer,
    Sensors,
    check_temperament_features,
    check_watch_references,
)
from custodiet.scenario._world import WorldConfig

#: The smallest city the world model can build (fewer people leave some kinds of place or
#: household empty and the model has nothing to draw from; assumption: a tenfold margin).
MIN_PEOPLE: int = 100


def non_finite(data: Any, loc: tuple[str | int, ...] = ()) -> tuple[str | int, ...] | None:
    """The location of the first NaN or infinite float in parsed scenario data, if any."""
    if isinstance(data, float) and not math.isfinite(data):
        return loc
    if isinstance(data, dict):
        items: Any = data.items()
    elif isinstance(data, (list, tuple)):
        items = enumerate(data)
    else:
        return None
    for key, value in items:
        found = non_finite(value, (*loc, key))
        if found is not None:
            return found
    return None


def check_raw(data: Any) -> Any:
    """Checks every model of the scenario shares, on the data before validation: no NaN or
    infinity anywhere (TOML allows ``nan`` and ``inf``; no parameter means them), and a
    whole-number population of at least ``MIN_PEOPLE`` that fits in memory."""
    if not isinstance(data, dict):
        return data
    loc = non_finite(data)
    if loc is not None:
        raise BadReference(loc, "must be a finite number (not nan or inf)")
    world = data.get("world")
    people = world.get("people") if isinstance(world, dict) else None
    if isinstance(people, bool):
        raise BadReference(("world", "people"), "must be a whole number, not true or false")
    if isinstance(people, int) and 1 <= people < MIN_PEOPLE:
        raise BadReference(("world", "people"), f"must be at least {MIN_PEOPLE}, got {people}")
    if isinstance(people, int) and people >= MIN_PEOPLE:
        from custodiet._memory import fits, gib

        ok, need, have = fits(people)
        if not ok:
            raise BadReference(("world", "people"), f"{people:,} people need about {gib(need)} "
                               f"of memory; this machine has {gib(have or 0)}")
    return data


class Scenario(BaseModel):
    """A validated scenario file; unknown keys anywhere are an error."""

    model_config = ConfigDict(extra="forbid", validate_assignment=True)

    name: str = "custom"
    """Short name, shown in reports."""
    description: str = ""
    """What this scenario encodes, in a sentence or two."""
    sources: list[str] = []
    """Ids of the entries of SOURCES.md that this scenario encodes (e.g. ``NYT-3``)."""
    seed: Annotated[int, Field(ge=0)] = 0
    """Root seed of the run; every random draw derives from it."""
    world: WorldConfig = WorldConfig()
    sensors: Sensors = Sensors()
    lists: list[KeyList] = []
    redlist: RedList = RedList()
    rules: list[Rule] = []
    scorers: list[Scorer] = []
    response: Response = Response()
    audit: AuditConfig = AuditConfig()
    hotspots: Hotspots | None = None
    """A place-based hot-spot predictor audited over the world's own incidents; absent: none."""

    @model_validator(mode="before")
    @classmethod
    def _raw(cls, data: Any) -> Any:
        return check_raw(data)

    @model_validator(mode="after")
    def _references(self) -> Scenario:
        check_watch_references(self.lists, self.rules, self.scorers, self.sensors, self.redlist)
        check_temperament_features(self.scorers, self.world.history.temperament_labels)
        if self.hotspots is not None:
            check_hotspots(self.hotspots, self.world)
        return self


def check_hotspots(h: Hotspots, world: WorldConfig) -> None:
    """The predictor's blanks against the city they run in: one reporting rate per district,
    k within the cells, the history within the run, at least one random patrol where the
    weighted correction needs it."""
    dps = world.geography.districts_per_side
    if h.district_reporting and len(h.district_reporting) != dps * dps:
        raise BadReference(("hotspots", "district_reporting"),
                           f"needs one rate per district: {dps * dps}, got "
                           f"{len(h.district_reporting)}")
    per_side = h.cells_per_side(city_side_m(world.people, world.geography.density_per_km2), dps)
    cells = per_side * per_side
    k = h.k if h.k is not None else max(1, round(h.k_share * cells))
    if k > cells:
        raise BadReference(("hotspots", "k"), f"must be at most the city's {cells:,} cells "
                           f"(cells of about {h.cell_m:g} m), got {k:,}")
    if h.history_days is not None and h.history_days >= world.days:
        raise BadReference(("hotspots", "history_days"), "must be less than the run's "
                           f"{world.days} days (the predictor needs days to run)")
    if world.days < 2:
        raise BadReference(("world", "days"), "must be at least 2 with [hotspots]: the "
                           "first days are reports only")
    if h.correction == "weighted" and round(h.random_share * k) < 1:
        raise BadReference(("hotspots", "random_share"), f"sends none of the {k} patrols at "
                           "random; the weighted correction needs at least one")
