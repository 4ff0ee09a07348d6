"""The ``[hotspots]`` part of a scenario: a place-based predictor over the city's grid of cells.

The reporting says China's systems are "partly based on data-driven policing software from the
United States and Europe, technology that rights groups say has encoded racism into decisions
like which neighborhoods are most heavily policed" (The New York Times, 25 June 2022; the
sentence has no entry of its own in SOURCES.md). A scenario with this section runs that family
of software (a self-exciting hot-spot predictor, Mohler et al., JASA 2015) over the world's own
place-based incidents and audits where its patrols went (``custodiet.places.audit_city``).
Every default here is an assumption unless it says otherwise; the blanks are the predictor's.
"""

from __future__ import annotations

import math
from typing import Annotated, Literal

from pydantic import BaseModel, Field, model_validator

from custodiet.scenario._fields import STRICT, Share

#: The predictors the section may name (``custodiet.places.PREDICTORS``).
HOTSPOT_PREDICTORS = ("hawkes", "moving_average", "retrospective")
#: What the predictor may be fed (``custodiet.places.CORRECTIONS``).
HOTSPOT_CORRECTIONS = ("none", "reported", "rescaled", "weighted")
Reporting = Annotated[float, Field(gt=0.0, le=1.0)]


class _Strict(BaseModel):
    model_config = STRICT


class KindReporting(_Strict):
    """Factor on the district's reporting rate per place-based kind of incident."""

    burglary: Share = 1.0
    """A burglary has a victim who may report it: the district's rate as it is (assumption)."""
    pickpocket: Share = 1.0
    """A theft has a victim who may report it: the district's rate as it is (assumption)."""
    drug_deal: Share = 0.0
    """A drug deal has no victim: nobody reports it, only a patrol records it (assumption)."""


class Hotspots(_Strict):
    """A hot-spot predictor sending patrols to the top cells of the city each day."""

    predictor: Literal[HOTSPOT_PREDICTORS] = "hawkes"  # type: ignore[valid-type]
    """``hawkes``: the self-exciting point process refitted by EM each day (Mohler et al., JASA
    2015, the family PredPol descends from); ``moving_average`` and ``retrospective``: the
    baselines it was compared with."""
    cell_m: Annotated[float, Field(gt=0.0, le=5000.0)] = 250.0
    """Side of a cell in metres, before it is fitted so that whole cells span each district:
    a street-block scale (assumption; Mohler et al. used boxes of 150 m, the replications 1 km)."""
    k: Annotated[int, Field(ge=1)] | None = None
    """Cells patrolled a day; unset: ``k_share`` of the cells (structural: a choice of the
    deployment)."""
    k_share: Annotated[float, Field(gt=0.0, le=1.0)] = 0.05
    """Share of the cells patrolled a day when ``k`` is unset (assumption: the world's
    place-based crime falls in few cells, and a larger share patrols every cell that ever
    recorded a crime, leaving the ranking nothing to decide)."""
    window: Annotated[int, Field(ge=1)] = 365
    """Days of records the predictor fits each morning (assumption: a year)."""
    history_days: Annotated[int, Field(ge=1)] | None = None
    """Days of reports before the predictor starts; unset: half the run (structural)."""
    discovery: Share = 0.5
    """Share of the unreported incidents of a patrolled cell that its patrol records that day
    (assumption)."""
    reporting: Reporting = 0.5
    """Share of incidents a victim reports, in every district not given below (assumption:
    Akpinar, De-Arteaga & Chouldechova, FAccT 2021, contrast districts at 0.3 and 0.7)."""
    district_reporting: list[Reporting] = []
    """One reporting rate per district (row by row, ``districts_per_side²`` of them); empty:
    ``reporting`` everywhere (assumption)."""
    kind_reporting: KindReporting = KindReporting()
    correction: Literal[HOTSPOT_CORRECTIONS] = "none"  # type: ignore[valid-type]
    """What the predictor is fed: ``none`` every record; ``reported`` reports only (Ensign et
    al., FAT* 2018); ``rescaled`` reports over the reporting rate (Akpinar et al. 2021);
    ``weighted`` discoveries over the chance of a patrol (Ensign et al.; needs
    ``random_share``)."""
    random_share: Share = 0.0
    """Share of the k patrols sent to cells at random outside the top cells (assumption: none,
    as a deployed system sends every patrol to its hot spots)."""
    stops_per_patrol_day: Annotated[int, Field(ge=0, le=100_000)] = 0
    """People a patrol stops in its cell each day, drawn among everyone present there that
    day (assumption: 0, no stops; a scenario that turns patrols into stops sets it, and the
    audit counts the innocent people stopped per true incident found)."""

    @model_validator(mode="after")
    def _weighted(self) -> Hotspots:
        if self.correction == "weighted" and self.random_share == 0:
            raise ValueError("the weighted correction needs random patrols: set random_share "
                             "above 0")
        return self

    def cells_per_side(self, side_m: float, districts_per_side: int) -> int:
        """Cells per side of a city of ``side_m`` metres: a whole number per district."""
        return districts_per_side * max(1, round(side_m / districts_per_side / self.cell_m))


def city_side_m(people: int, density_per_km2: float) -> float:
    """The side of the synthetic city in metres (the world's square of people at a density)."""
    return math.sqrt(people / density_per_km2) * 1000.0
