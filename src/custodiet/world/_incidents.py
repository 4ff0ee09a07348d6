"""Latent wrongdoing and lawful dissent (ground truth): who acts today, and the incidents it
leaves in the ledger. Ordinary life around these acts lives in the behaviour modules
(:mod:`._outings`, :mod:`._nights`, :mod:`._travel`), which call in here."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from custodiet.world._day import NIGHT_WINDOW, City, pick_place
from custodiet.world._ledger import Ledger
from custodiet.world._population import ROLE

if TYPE_CHECKING:
    from custodiet.world._outings import Outings

Proposal = tuple[np.ndarray, np.ndarray, np.ndarray]


def illegal_work(city: City, works: np.ndarray, work_start: np.ndarray, ledger: Ledger,
                 t0: int) -> None:
    """Every working day of a foreigner without a permit is an incident."""
    people = city.people
    ill = np.flatnonzero(works & (people.role == ROLE["illegal_worker"]))
    ledger.incidents("illegal_work", ill[:, None], work_start[ill] + t0, people.work_place[ill])


def propose_protests(city: City, free: np.ndarray, appetite: np.ndarray,
                     rng: np.random.Generator) -> Proposal | None:
    """Protests (lawful): people with a grievance or a protest history, at a park."""
    people, inc = city.people, city.config.incidents
    n = people.n
    lam = inc.protest_rate_per_100k * n / 1e5
    n_protests = int(rng.poisson(lam))
    adult = people.age >= 18
    protest_history = people.history["protest_history"]
    eligible = free & adult & ((people.grievance >= 0) | protest_history)
    weight = eligible * (1.0 + 4.0 * protest_history) * appetite
    if not n_protests or weight.sum() <= 0:
        return None
    lo, hi = inc.protest_size
    sizes = rng.integers(lo, hi + 1, n_protests)
    members = rng.choice(n, size=int(sizes.sum()), p=weight / weight.sum())
    group = np.repeat(np.arange(n_protests), sizes)
    return members, group, pick_place(city.places, "park", n_protests, rng)


def propose_recruiting(city: City, free: np.ndarray, appetite: np.ndarray,
                       rng: np.random.Generator) -> Proposal | None:
    """Recruiters bring a new companion into a compound that is not theirs."""
    people, inc = city.people, city.config.incidents
    n = people.n
    rec = np.flatnonzero(free & (people.role == ROLE["recruiter"]) & (
        rng.random(n) < np.clip(inc.recruit_visit_rate * appetite, 0, 1)))
    if not rec.size:
        return None
    companion = rng.integers(0, n, rec.size)
    ids = np.arange(rec.size)
    return (np.concatenate([rec, companion]), np.concatenate([ids, ids]),
            pick_place(city.places, "compound", rec.size, rng))


def illicit_outings(city: City, available: np.ndarray, works: np.ndarray,
                    default_start: np.ndarray, appetite: np.ndarray, out: Outings,
                    ledger: Ledger, t0: int, rng: np.random.Generator) -> None:
    """Pickpockets working a station and burglars at a stranger's home, among people still
    ``available`` for an outing; their outings overwrite ``out``."""
    _pickpockets(city, available, works, default_start, appetite, out, ledger, t0, rng)
    _burglaries(city, available, appetite, out, ledger, t0, rng)


def _pickpockets(city: City, available: np.ndarray, works: np.ndarray,
                 default_start: np.ndarray, appetite: np.ndarray, out: Outings,
                 ledger: Ledger, t0: int, rng: np.random.Generator) -> None:
    people, inc = city.people, city.config.incidents
    n = people.n
    pick_m = available & (people.role == ROLE["pickpocket"]) & (
        rng.random(n) < np.clip(inc.pickpocket_day_share * appetite, 0, 1))
    k = int(pick_m.sum())
    out.place[pick_m] = pick_place(city.places, "station", k, rng)
    # A pickpocket with a day job (or school) works the station after it.
    out.start[pick_m] = np.where(works[pick_m], default_start[pick_m], rng.integers(600, 900, k))
    longest = NIGHT_WINDOW[0] - 1 - out.start[pick_m]  # back home before the night slot
    out.dur[pick_m] = np.minimum(np.clip(rng.exponential(
        inc.pickpocket_dwell_minutes, k), 60, 355), longest)
    thieves = np.flatnonzero(pick_m)
    thefts = rng.poisson(inc.thefts_per_visit, thieves.size)
    who = np.repeat(thieves, thefts)
    when = out.start[who] + np.floor(rng.random(who.size) * out.dur[who]).astype(np.int64)
    ledger.incidents("pickpocket", who[:, None], when + t0, out.place[who])


def _burglaries(city: City, available: np.ndarray, appetite: np.ndarray, out: Outings,
                ledger: Ledger, t0: int, rng: np.random.Generator) -> None:
    people, inc = city.people, city.config.incidents
    n = people.n
    burg = available & (people.role == ROLE["burglar"]) & (
        rng.random(n) < -np.expm1(-inc.burglary_rate * appetite))
    b = np.flatnonzero(burg)
    victim = rng.integers(0, people.n_households, b.size)
    victim = np.where(victim == city.home[b], (victim + 1) % people.n_households, victim)
    out.place[b] = victim
    out.dur[b] = rng.integers(15, 46, b.size)
    ledger.incidents("burglary", b[:, None], out.start[b] + t0 + 5, victim)


def drug_deals(city: City, free: np.ndarray, p_deal: np.ndarray, night: np.ndarray,
               night_start: np.ndarray, ledger: Ledger, t0: int,
               rng: np.random.Generator) -> None:
    """Drug users buy from a dealer and both spend the night at the dealer's hotel."""
    people = city.people
    n = people.n
    hotels = city.places.ids("hotel")
    dealers = np.flatnonzero(free & (people.role == ROLE["dealer"]))
    users = people.history["drug_use"] & free & (people.role != ROLE["dealer"])
    buyers = np.flatnonzero(users & (rng.random(n) < p_deal))
    if not (dealers.size and buyers.size):
        return
    dealer_hotel = hotels[rng.integers(0, hotels.size, dealers.size)]
    k = rng.integers(0, dealers.size, buyers.size)
    seller = dealers[k]
    night[buyers] = dealer_hotel[k]
    night[seller] = dealer_hotel[k]
    when = np.maximum(night_start[buyers], night_start[seller]) + t0
    ledger.incidents("drug_deal", np.stack([buyers, seller], axis=1), when, dealer_hotel[k])


def standing(city: City, ledger: Ledger) -> None:
    """Wrongdoing that is a standing state rather than an act: sham marriages and crowded
    rentals, recorded once on day 0."""
    ties, people = city.ties, city.people
    sham = ties.apart[ties.sham]
    ledger.incidents("sham_marriage", sham, np.zeros(sham.shape[0], np.int64),
                     np.full(sham.shape[0], -1, np.int64))
    crowded = np.flatnonzero(people.hh_crowded)
    members = np.flatnonzero(people.hh_crowded[people.household])
    ledger.incidents("crowded_rental", (members, people.hh_size[crowded]),
                     np.zeros(crowded.size, np.int64), crowded.astype(np.int64))

