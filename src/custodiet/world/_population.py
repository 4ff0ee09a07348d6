"""Who lives in the city: households and persons as a struct of arrays, with true and recorded
histories, grievances and illicit roles (ground truth)."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from custodiet.scenario import WorldConfig
from custodiet.schema import GRIEVANCES, HISTORY_FLAGS, RECORD_LABELS, ROLES
from custodiet.world._rng import setup_rng

ROLE = {name: i for i, name in enumerate(ROLES)}
SES_LABELS = ("low", "middle", "high")
_AGE_BANDS = ((0, 15), (15, 60), (60, 90))


@dataclass
class People:
    """Struct of arrays over persons (index = person_id) and households (index = household_id)."""

    household: np.ndarray
    age: np.ndarray
    male: np.ndarray
    minority: np.ndarray
    migrant: np.ndarray
    foreign: np.ndarray
    work_permit: np.ndarray
    ses: np.ndarray
    student: np.ndarray
    employed: np.ndarray
    official: np.ndarray
    history: dict[str, np.ndarray]
    recorded: dict[str, np.ndarray]
    grievance: np.ndarray
    grievance_recorded: np.ndarray
    role: np.ndarray
    hh_start: np.ndarray
    hh_size: np.ndarray
    hh_crowded: np.ndarray
    work_place: np.ndarray = field(default_factory=lambda: np.empty(0, np.int64))
    hh_unregistered: np.ndarray = field(default_factory=lambda: np.empty(0, np.int64))
    """Occupants of each household beyond its registered residents (ground truth)."""
    hh_use: np.ndarray = field(default_factory=lambda: np.empty((0, 2)))
    """Each household's lasting water and power use factor (ground truth)."""
    labels: dict[str, np.ndarray] = field(default_factory=dict)
    """The key-person lists' labels the records carry (``schema.RECORD_LABELS``)."""
    temperament: np.ndarray = field(default_factory=lambda: np.empty(0, np.int8))
    """Index of each person's temperament label in ``temperament_labels`` (-1: none)."""

    @property
    def n(self) -> int:
        return int(self.household.size)

    @property
    def n_households(self) -> int:
        return int(self.hh_size.size)

    def group_factor(self, multipliers: dict[str, float]) -> np.ndarray:
        """Per-person product of the group multipliers that apply to them (1.0 when none)."""
        out = np.ones(self.n)
        groups = {"minority": self.minority, "migrant": self.migrant, "foreign": self.foreign,
                  "low_ses": self.ses == 0, "official": self.official}
        for name, factor in multipliers.items():
            out[groups[name]] *= factor
        return out


def _household_sizes(cfg: WorldConfig, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Household sizes adding up to ``cfg.people``, and which households are crowded rentals."""
    n = cfg.people
    hh = cfg.households
    crowded_people = int(n * cfg.population.migrant_share * hh.migrant_crowded_share)
    n_crowded_hh = crowded_people // hh.crowded_size
    crowded = np.full(n_crowded_hh, hh.crowded_size, dtype=np.int64)
    rest = n - int(crowded.sum())
    shares = np.asarray(hh.size_shares)
    mean = float(np.dot(shares, np.arange(1, shares.size + 1)))
    draws = rng.choice(np.arange(1, shares.size + 1), size=int(rest / mean * 1.2) + 16, p=shares)
    total = np.cumsum(draws)
    k = int(np.searchsorted(total, rest))
    sizes = draws[: k + 1].copy()
    sizes[-1] -= int(total[k] - rest)
    sizes = sizes[sizes > 0]
    all_sizes = np.concatenate([sizes, crowded]).astype(np.int64)
    is_crowded = np.zeros(all_sizes.size, dtype=bool)
    is_crowded[sizes.size:] = True
    return all_sizes, is_crowded


def build_people(cfg: WorldConfig, seed: int) -> People:
    """Draw every person's attributes, true and recorded histories, grievances and roles."""
    pop = cfg.population
    rng = setup_rng(seed, "households")
    hh_size, hh_crowded = _household_sizes(cfg, rng)
    n_hh, n = hh_size.size, cfg.people
    hh_start = np.concatenate([[0], np.cumsum(hh_size)[:-1]])
    household = np.repeat(np.arange(n_hh, dtype=np.int64), hh_size)
    rank = np.arange(n) - hh_start[household]

    # Household-level group membership: crowded rentals are migrant; elsewhere the share is set
    # so that the city-wide migrant share matches the parameter.
    n_crowded_people = int(hh_size[hh_crowded].sum())
    p_migrant = np.clip((n * pop.migrant_share - n_crowded_people) / max(n - n_crowded_people, 1),
                        0, 1)
    hh_migrant = np.where(hh_crowded, True, rng.random(n_hh) < p_migrant)
    hh_minority = rng.random(n_hh) < pop.minority_share
    hh_foreign = ~hh_crowded & (rng.random(n_hh) < pop.foreign_share)
    p_low = np.where(hh_migrant, pop.migrant_low_ses_share, pop.ses_shares[0])
    u = rng.random(n_hh)
    rest_mid = pop.ses_shares[1] / max(pop.ses_shares[1] + pop.ses_shares[2], 1e-12)
    hh_ses = np.where(u < p_low, 0, np.where(rng.random(n_hh) < rest_mid, 1, 2)).astype(np.int8)

    rng = setup_rng(seed, "persons")
    band = rng.choice(3, size=n, p=pop.age_band_shares)
    lo = np.array([b[0] for b in _AGE_BANDS])[band]
    hi = np.array([b[1] for b in _AGE_BANDS])[band]
    age = lo + np.floor(rng.random(n) * (hi - lo)).astype(np.int64)
    # The first member of a household is an adult; crowded rentals hold working-age adults.
    head = rank == 0
    age = np.where(head & (age < 18), 18 + np.floor(rng.random(n) * 60).astype(np.int64), age)
    crowded_p = hh_crowded[household]
    age = np.where(crowded_p, 18 + np.floor(rng.random(n) * 32).astype(np.int64), age)
    male = rng.random(n) < pop.male_share
    migrant, minority = hh_migrant[household], hh_minority[household]
    foreign = hh_foreign[household]
    working_age = (age >= 18) & (age < 60)
    work_permit = foreign & working_age & (rng.random(n) < pop.work_permit_share)
    ses = hh_ses[household]
    student = (age >= 6) & (age < 19) & (rng.random(n) < pop.school_enrolment)
    employed = working_age & (rng.random(n) < np.where(crowded_p, 0.95, pop.employment_rate))
    # Foreigners work only with a permit, except those who work illegally (ground truth, below).
    employed &= ~foreign | work_permit
    official = employed & ~foreign & (
        rng.random(n) < pop.official_share / max(employed.mean(), 1e-12))

    people = People(
        household=household, age=age.astype(np.int16), male=male, minority=minority,
        migrant=migrant, foreign=foreign, work_permit=work_permit, ses=ses, student=student,
        employed=employed, official=official, history={}, recorded={},
        grievance=np.full(n, -1, np.int8), grievance_recorded=np.zeros(n, bool),
        role=np.zeros(n, np.int8), hh_start=hh_start, hh_size=hh_size, hh_crowded=hh_crowded,
    )
    _draw_occupancy(people, cfg, seed)
    _draw_histories(people, cfg, seed)
    _draw_roles(people, cfg, seed)
    _draw_false_records_and_labels(people, cfg, seed)
    _draw_profiles(people, cfg, seed)
    return people


def _draw_false_records_and_labels(people: People, cfg: WorldConfig, seed: int) -> None:
    """Records that are wrong (a history recorded for someone without it, at a rate per group)
    and the lists' labels, which follow related records; whole-population draws."""
    hist = cfg.history
    rng = setup_rng(seed, "records")
    n = people.n
    adult = people.age >= 15
    false_factor = people.group_factor(hist.false_record_multiplier)
    for name in HISTORY_FLAGS:
        u = rng.random(n)
        rate = np.clip(hist.false_record_rate.get(name, 0.0) * false_factor, 0.0, 1.0)
        eligible = np.ones(n, bool) if name in ("mental_illness", "hiv") else adult
        people.recorded[name] = people.recorded[name] | (
            eligible & ~people.history[name] & (u < rate))
    related = {
        "fugitive": people.recorded["criminal_record"],
        "terrorism_suspect": np.zeros(n, bool),
        "political_agitator": people.recorded["protest_history"],
        "stability_threat": people.grievance_recorded | people.recorded["petition_history"],
    }
    record_factor = people.group_factor(hist.recording_multiplier)
    for label in RECORD_LABELS:
        u = rng.random(n)
        w = (1.0 + 9.0 * related[label]) * record_factor * (people.age >= 18)
        p = np.clip(hist.label_share.get(label, 0.0) * n * w / max(w.sum(), 1e-12), 0.0, 1.0)
        people.labels[label] = u < p


def _draw_profiles(people: People, cfg: WorldConfig, seed: int) -> None:
    """Officer-filled temperament labels (NYT-11) for people with a record, drawn with no
    relation to behaviour unless ``temperament_link`` adds one."""
    hist = cfg.history
    rng = setup_rng(seed, "profiles")
    n = people.n
    u_fill, u_label, u_link = rng.random(n), rng.random(n), rng.random(n)
    k = len(hist.temperament_labels)
    has_record = people.grievance_recorded.copy()
    for name in HISTORY_FLAGS:
        has_record |= people.recorded[name]
    for label in RECORD_LABELS:
        has_record |= people.labels[label]
    filled = has_record & (u_fill < hist.temperament_fill_rate)
    label = np.minimum((u_label * k).astype(np.int8), k - 1)
    wrongdoer = (people.role > 0) | (people.grievance >= 0)
    label = np.where(wrongdoer & (u_link < hist.temperament_link), k - 1, label)
    people.temperament = np.where(filled, label, -1).astype(np.int8)


def _draw_occupancy(people: People, cfg: WorldConfig, seed: int) -> None:
    """Unregistered occupants of crowded rentals and each household's lasting use factors
    (one draw per household, indexed by household id)."""
    rng = setup_rng(seed, "occupancy")
    h = people.n_households
    extra = rng.poisson(cfg.households.unregistered_occupants_mean, h)
    people.hh_unregistered = np.where(people.hh_crowded, extra, 0).astype(np.int64)
    people.hh_use = rng.lognormal(0.0, cfg.behaviour.household_use_sd, (h, 2))


def _draw_histories(people: People, cfg: WorldConfig, seed: int) -> None:
    """True histories from prevalences; recorded ones from recording rates (with group bias)."""
    hist = cfg.history
    rng = setup_rng(seed, "histories")
    n = people.n
    adult = people.age >= 15
    record_factor = people.group_factor(hist.recording_multiplier)
    for name in HISTORY_FLAGS:
        prevalence = getattr(hist, name)
        # Histories other than mental illness and HIV are adult histories.
        eligible = np.ones(n, bool) if name in ("mental_illness", "hiv") else adult
        true = eligible & (rng.random(n) < prevalence / max(eligible.mean(), 1e-12))
        rate = np.clip(hist.recording_rate.get(name, 1.0) * record_factor, 0.0, 1.0)
        people.history[name] = true
        people.recorded[name] = true & (rng.random(n) < rate)
    has = adult & (rng.random(n) < hist.grievance_share / max(adult.mean(), 1e-12))
    kind = rng.choice(len(GRIEVANCES), size=n, p=hist.grievance_kinds).astype(np.int8)
    people.grievance = np.where(has, kind, -1).astype(np.int8)
    people.grievance_recorded = has & (rng.random(n) < hist.grievance_recording_rate)
    # A petition history is what a grievance leaves once pursued: grievances raise its odds.
    people.history["petition_history"] |= has & (rng.random(n) < 0.2)
    people.recorded["petition_history"] |= (
        people.history["petition_history"] & ~people.recorded["petition_history"]
        & people.grievance_recorded
    )


def _draw_roles(people: People, cfg: WorldConfig, seed: int) -> None:
    """Illicit roles (ground truth): dealers among drug users, burglars and pickpockets mostly
    among people with a criminal past, recruiters anywhere; officials as likely as anyone
    (NYT-16); group multipliers apply."""
    inc = cfg.incidents
    rng = setup_rng(seed, "roles")
    n = people.n
    adult = people.age >= 18
    factor = people.group_factor(inc.behaviour_multiplier)
    drug = people.history["drug_use"]
    crim = people.history["criminal_record"]
    role = np.zeros(n, np.int8)

    def pick(share: float, weight: np.ndarray) -> np.ndarray:
        w = weight * factor * adult * (role == 0)
        p = np.clip(share * n * w / max(w.sum(), 1e-12), 0.0, 1.0)
        return rng.random(n) < p

    role[pick(inc.dealer_share, drug.astype(float))] = ROLE["dealer"]
    role[pick(inc.pickpocket_share, 1.0 + 9.0 * crim)] = ROLE["pickpocket"]
    role[pick(inc.burglar_share, 1.0 + 9.0 * crim)] = ROLE["burglar"]
    role[pick(inc.recruiter_share, np.ones(n))] = ROLE["recruiter"]
    people.role = role
    # People who live off an illicit role keep no regular job in this model, except officials,
    # who keep their post and steal on the side.
    people.employed &= ~np.isin(role, [ROLE["pickpocket"], ROLE["burglar"]]) | people.official
