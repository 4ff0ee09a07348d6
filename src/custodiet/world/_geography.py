"""Where things are: a square city on a grid of districts, residential compounds and homes,
and every other kind of place, with counts scaling with the population."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from custodiet.scenario import WorldConfig
from custodiet.schema import OUT_OF_CITY_KINDS, PLACE_KINDS
from custodiet.world._population import People
from custodiet.world._rng import setup_rng

KIND = {name: i for i, name in enumerate(PLACE_KINDS)}
#: Homes lie within this distance of their compound's gate on each axis, inside the
#: compound's district: assumption.
_HOME_JITTER_M = 60.0


@dataclass
class Places:
    """Struct of arrays over places (index = place_id), homes first."""

    kind: np.ndarray
    x: np.ndarray
    y: np.ndarray
    district: np.ndarray
    compound: np.ndarray
    side_m: float

    def ids(self, kind: str) -> np.ndarray:
        """Ids of every place of one kind, ascending."""
        return np.flatnonzero(self.kind == KIND[kind])

    @property
    def n(self) -> int:
        return int(self.kind.size)


def square_of(x: np.ndarray, y: np.ndarray, side_m: float, per_side: int) -> np.ndarray:
    """The square of a ``per_side`` × ``per_side`` grid over a city ``side_m`` wide that each
    point (metres) lies in, row by row; points on or past an edge fall in the edge square.
    The city's districts are such a grid, and so is the hot-spot predictor's."""
    cell = side_m / per_side
    col = np.clip((x // cell).astype(np.int64), 0, per_side - 1)
    row = np.clip((y // cell).astype(np.int64), 0, per_side - 1)
    return (row * per_side + col).astype(np.int32)


def _near(gate: np.ndarray, cell_index: np.ndarray, cell: float, u: np.ndarray) -> np.ndarray:
    """A coordinate within ``_HOME_JITTER_M`` of its compound's ``gate`` and inside the gate's
    district (cell ``cell_index`` along this axis): uniform on the part of the jitter's span
    that lies in the district, ``u`` uniform on [0, 1). A home near a district's edge thus
    stays in its compound's district, and an enclave's households in the enclave; a home away
    from every edge lies where ``gate + uniform(-1, 1) × jitter`` puts it. The span is inset
    by a micrometre so that the district read back from the coordinate is the cell's."""
    inset = 1e-6
    low = np.maximum(-1.0, (cell_index * cell + inset - gate) / _HOME_JITTER_M)
    high = np.minimum(1.0, ((cell_index + 1) * cell - inset - gate) / _HOME_JITTER_M)
    return gate + (low + (high - low) * u) * _HOME_JITTER_M


def build_places(cfg: WorldConfig, people: People, seed: int) -> tuple[Places, np.ndarray]:
    """Every place, and each household's home place id (== household id)."""
    geo = cfg.geography
    rng = setup_rng(seed, "geography")
    side = float(np.sqrt(cfg.people / geo.density_per_km2) * 1000.0)
    per_side = geo.districts_per_side
    n_districts = per_side * per_side
    cell = side / per_side
    n_hh = people.n_households

    # Districts of households: enclaves for minorities (the last district) and migrants (the one
    # before), taken by a ``segregation`` share of those households; everyone else anywhere.
    head = people.hh_start
    district = rng.integers(0, n_districts, size=n_hh)
    u = rng.random(n_hh)
    enclave_minority = n_districts - 1
    enclave_migrant = max(n_districts - 2, 0)
    district = np.where(people.migrant[head] & (u < geo.segregation), enclave_migrant, district)
    district = np.where(people.minority[head] & (u < geo.segregation), enclave_minority, district)

    # Compounds: households of a district fill its compounds in order.
    order = np.argsort(district, kind="stable")
    counts = np.bincount(district, minlength=n_districts)
    per_compound = cfg.households.compound_size
    n_comp_d = np.maximum(1, -(-counts // per_compound))
    comp_first = np.concatenate([[0], np.cumsum(n_comp_d)[:-1]])
    rank_in_d = np.arange(n_hh) - np.concatenate([[0], np.cumsum(counts)[:-1]])[district[order]]
    hh_comp = np.empty(n_hh, np.int64)
    hh_comp[order] = comp_first[district[order]] + rank_in_d // per_compound
    n_comp = int(n_comp_d.sum())
    comp_district = np.repeat(np.arange(n_districts), n_comp_d)
    comp_x = (comp_district % per_side + rng.random(n_comp)) * cell
    comp_y = (comp_district // per_side + rng.random(n_comp)) * cell

    home_x = _near(comp_x[hh_comp], comp_district[hh_comp] % per_side, cell, rng.random(n_hh))
    home_y = _near(comp_y[hh_comp], comp_district[hh_comp] // per_side, cell, rng.random(n_hh))

    kinds = [np.full(n_hh, KIND["home"]), np.full(n_comp, KIND["compound"])]
    xs, ys = [home_x, comp_x], [home_y, comp_y]
    compound_col = [n_hh + hh_comp, np.full(n_comp, -1)]
    for name, per_1000 in geo.places_per_1000.items():
        count = max(1, round(per_1000 * cfg.people / 1000.0))
        kinds.append(np.full(count, KIND[name]))
        xs.append(rng.random(count) * side)
        ys.append(rng.random(count) * side)
        compound_col.append(np.full(count, -1))
    n_out = 1 + geo.out_of_town_destinations
    kinds.append(np.array([KIND["capital"]] + [KIND["out_of_town"]] * (n_out - 1)))
    xs.append(np.full(n_out, np.nan))
    ys.append(np.full(n_out, np.nan))
    compound_col.append(np.full(n_out, -1))

    kind = np.concatenate(kinds).astype(np.int8)
    x, y = np.concatenate(xs), np.concatenate(ys)
    dist = square_of(np.nan_to_num(x), np.nan_to_num(y), side, per_side)
    out_of_city = np.isin(kind, [KIND[k] for k in OUT_OF_CITY_KINDS])
    dist[out_of_city] = -1
    places = Places(kind=kind, x=x, y=y, district=dist,
                    compound=np.concatenate(compound_col).astype(np.int64), side_m=side)
    return places, np.arange(n_hh, dtype=np.int64)


def nearest_in_district(rng: np.random.Generator, district: np.ndarray, ids: np.ndarray,
                         places: Places) -> np.ndarray:
    """For each district value, a random place among ``ids`` in that district (any if none)."""
    pd = places.district[ids]
    order = np.argsort(pd, kind="stable")
    sorted_ids, sorted_d = ids[order], pd[order]
    n_d = int(max(district.max(initial=0), sorted_d.max(initial=0))) + 1
    start = np.searchsorted(sorted_d, np.arange(n_d))
    count = np.searchsorted(sorted_d, np.arange(n_d), side="right") - start
    c, s = count[district], start[district]
    local = sorted_ids[np.minimum(s + np.floor(rng.random(district.size) * c).astype(np.int64),
                                  max(sorted_ids.size - 1, 0))]
    anywhere = ids[rng.integers(0, ids.size, district.size)]
    return np.where(c > 0, local, anywhere)


def assign_daily_places(cfg: WorldConfig, people: People, places: Places, seed: int) -> None:
    """Workplaces (foreigners mostly at language schools and bars), schools near home; illegal
    work by foreigners without a permit is ground truth (role ``illegal_worker``)."""
    from custodiet.world._population import ROLE

    rng = setup_rng(seed, "geography")
    n = people.n
    home_district = places.district[people.household]
    work = np.full(n, -1, np.int64)
    offices = places.ids("work")
    # Whole-population draws indexed by person: who else is employed changes nobody's office.
    office = offices[rng.integers(0, offices.size, n)]
    work[people.employed] = office[people.employed]
    foreign_spots = np.concatenate([places.ids("language_school"), places.ids("bar")])
    factor = people.group_factor(cfg.incidents.behaviour_multiplier)
    working_age = (people.age >= 18) & (people.age < 60)
    # Students go to school: an 18-year-old pupil is not an illegal worker.
    illegal = (people.foreign & ~people.work_permit & working_age & (people.role == 0)
               & ~people.student
               & (rng.random(n) < np.clip(cfg.incidents.illegal_work_share * factor, 0, 1)))
    people.role[illegal] = ROLE["illegal_worker"]
    at_spot = (people.foreign & people.employed
               & (rng.random(n) < cfg.behaviour.foreign_language_work_share)) | illegal
    spot = foreign_spots[rng.integers(0, foreign_spots.size, n)]
    work[at_spot] = spot[at_spot]
    school = nearest_in_district(rng, home_district, places.ids("school"), places)
    work = np.where(people.student, school, work)
    people.work_place = work
