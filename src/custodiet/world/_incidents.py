"""Latent wrongdoing and lawful dissent (ground truth): who acts today, and the incidents it
leaves in the ledger. Ordinary life around these acts lives in the behaviour modules
(:mod:`._outings`, :mod:`._nights`, :mod:`._travel`), which call in here.

Every act is a person's own decision from their own draws and appetite (chill, group,
deterrence); acts done with someone else (a deal, recruiting) need the other to be there."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from custodiet.world._crn import Draws, exponential, integers, neighbour, pick, poisson
from custodiet.world._day import ERRAND_AFTER_WORK, NIGHT_WINDOW, Appetite, City, pick_place
from custodiet.world._ledger import Ledger
from custodiet.world._population import ROLE

if TYPE_CHECKING:
    from custodiet.world._outings import Outings


def illegal_work(city: City, works: np.ndarray, work_start: np.ndarray, appetite: Appetite,
                 ledger: Ledger, t0: int, draws: Draws) -> np.ndarray:
    """Every working day of a foreigner without a permit is an incident; a deterred one stays
    home some days. Returns who works today."""
    people = city.people
    illegal = works & (people.role == ROLE["illegal_worker"])
    deter = appetite.deterrence["illegal_work"]
    if not np.isscalar(deter):
        stays_home = illegal & (draws.uniform("illegal_work") >= deter)
        works, illegal = works & ~stays_home, illegal & ~stays_home
    ill = np.flatnonzero(illegal)
    ledger.incidents("illegal_work", ill[:, None], work_start[ill] + t0, people.work_place[ill])
    return works


@dataclass
class Protests:
    """Today's protesters, each with their protest's place, start and length."""

    member: np.ndarray
    group: np.ndarray
    place: np.ndarray
    start: np.ndarray
    dur: np.ndarray

    def record(self, ledger: Ledger, t0: int) -> None:
        """A protest of two or more is an incident (lawful)."""
        order = np.argsort(self.group, kind="stable")
        member, group = self.member[order], self.group[order]
        _, first, counts = np.unique(group, return_index=True, return_counts=True)
        keep = np.repeat(counts >= 2, counts)
        first, counts = first[counts >= 2], counts[counts >= 2]
        ledger.incidents("protest", (member[keep], counts), self.start[order][first] + t0 + 1,
                         self.place[order][first])


def protests(city: City, free: np.ndarray, appetite: Appetite, draws: Draws) -> Protests:
    """Protests (lawful) at parks: the day's protests, their places and times are the city's
    draws; each person with a grievance or a protest history joins one on their own, with a
    chance set so that a protest's expected size is drawn from ``protest_size``."""
    people, inc = city.people, city.config.incidents
    n = people.n
    city_draws = draws.generator("protests")
    n_protests = int(city_draws.poisson(inc.protest_rate_per_100k * n / 1e5))
    lo, hi = inc.protest_size
    sizes = city_draws.integers(lo, hi + 1, n_protests)
    place = pick_place(city.places, "park", city_draws.random(n_protests))
    start = city_draws.integers(*ERRAND_AFTER_WORK, n_protests)
    dur = city_draws.integers(60, 121, n_protests)
    if n_protests == 0:
        empty = np.zeros(0, np.int64)
        return Protests(empty, empty, empty, empty, empty)
    total = float(sizes.sum())
    p = (np.minimum(total * city.protest_weight, 1.0) * appetite.intent
         * appetite.deterrence["protest"])
    member = np.flatnonzero(free & (draws.uniform("protest") < p))
    cum = np.cumsum(sizes) / total
    group = np.minimum(np.searchsorted(cum, draws.at("protest_pick", member), side="right"),
                       n_protests - 1)
    return Protests(member, group, place[group], start[group], dur[group])


@dataclass
class Recruiting:
    """Today's recruiters, the tie each asks along (-1: none) and their outing."""

    recruiter: np.ndarray
    companion: np.ndarray
    place: np.ndarray
    start: np.ndarray
    dur: np.ndarray

    def record(self, ledger: Ledger, t0: int, came: np.ndarray) -> None:
        """Recruiting is an incident when the companion came along."""
        pairs = np.stack([self.recruiter[came], self.companion[came]], axis=1)
        ledger.incidents("pyramid_recruit", pairs, self.start[came] + t0 + 1, self.place[came])


def recruiting(city: City, available: np.ndarray, appetite: Appetite,
               draws: Draws) -> Recruiting:
    """Recruiters take someone they know into a compound (pyramid schemes recruit through
    acquaintances; NYT-14's "different companions" are the recruiter's ties: assumption)."""
    people, inc = city.people, city.config.incidents
    p = np.clip(inc.recruit_visit_rate * appetite.of("pyramid_recruit"), 0, 1)
    rec = np.flatnonzero(available & (people.role == ROLE["recruiter"])
                         & (draws.uniform("recruit") < p))
    ties = city.ties
    companion = neighbour(ties.indptr, ties.neighbours, rec, draws.at("recruit_pick", rec))
    return Recruiting(
        recruiter=rec, companion=companion,
        place=pick_place(city.places, "compound", draws.at("recruit_place", rec)),
        start=integers(draws.at("recruit_start", rec), *ERRAND_AFTER_WORK),
        dur=integers(draws.at("recruit_minutes", rec), 30, 121))


def illicit_outings(city: City, available: np.ndarray, works: np.ndarray,
                    default_start: np.ndarray, appetite: Appetite, out: Outings,
                    ledger: Ledger, t0: int, draws: Draws) -> np.ndarray:
    """Pickpockets working a station and burglars at a stranger's home, among people still
    ``available`` for an outing; their outings overwrite ``out``. Returns who went."""
    thieves = _pickpockets(city, available, works, default_start, appetite, out, ledger, t0,
                           draws)
    burglars = _burglaries(city, available, appetite, out, ledger, t0, draws)
    went = np.zeros(available.size, bool)
    went[thieves] = True
    went[burglars] = True
    return went


def _pickpockets(city: City, available: np.ndarray, works: np.ndarray,
                 default_start: np.ndarray, appetite: Appetite, out: Outings,
                 ledger: Ledger, t0: int, draws: Draws) -> np.ndarray:
    people, inc = city.people, city.config.incidents
    p = np.clip(inc.pickpocket_day_share * appetite.of("pickpocket"), 0, 1)
    thieves = np.flatnonzero(available & (people.role == ROLE["pickpocket"])
                             & (draws.uniform("pickpocket") < p))
    out.place[thieves] = pick_place(city.places, "station", draws.at("outing_place", thieves))
    # A pickpocket with a day job (or school) works the station after it.
    out.start[thieves] = np.where(works[thieves], default_start[thieves],
                                  integers(draws.at("pickpocket_start", thieves), 600, 900))
    longest = NIGHT_WINDOW[0] - 1 - out.start[thieves]  # back home before the night slot
    out.dur[thieves] = np.minimum(np.clip(exponential(
        draws.at("pickpocket_minutes", thieves), inc.pickpocket_dwell_minutes), 60, 355),
        longest)
    thefts = poisson(draws.at("thefts", thieves), inc.thefts_per_visit)
    who = np.repeat(thieves, thefts)
    nth = np.arange(who.size) - np.repeat(np.cumsum(thefts) - thefts, thefts)
    when = out.start[who] + np.floor(draws.at("theft_minute", who, nth)
                                     * out.dur[who]).astype(np.int64)
    ledger.incidents("pickpocket", who[:, None], when + t0, out.place[who])
    return thieves


def _burglaries(city: City, available: np.ndarray, appetite: Appetite, out: Outings,
                ledger: Ledger, t0: int, draws: Draws) -> np.ndarray:
    people, inc = city.people, city.config.incidents
    rate = inc.burglary_rate * appetite.of("burglary")
    b = np.flatnonzero(available & (people.role == ROLE["burglar"])
                       & (draws.uniform("burglary") < -np.expm1(-rate)))
    victim = integers(draws.at("burglary_victim", b), 0, people.n_households)
    victim = np.where(victim == city.home[b], (victim + 1) % people.n_households, victim)
    out.place[b] = victim
    out.dur[b] = integers(draws.at("burglary_minutes", b), 15, 46)
    ledger.incidents("burglary", b[:, None], out.start[b] + t0 + 5, victim)
    return b


def drug_deals(city: City, free: np.ndarray, appetite: Appetite, night: np.ndarray,
               night_start: np.ndarray, ledger: Ledger, t0: int, draws: Draws) -> None:
    """A drug user who buys tonight goes to a dealer (any dealer, drawn by the buyer) at the
    dealer's hotel of the night; the deal happens, and both spend the night there, if the
    dealer is free and not deterred tonight."""
    people = city.people
    if city.dealers.size == 0:
        return
    p_deal = np.clip(city.config.incidents.drug_deal_rate * appetite.of("drug_deal"), 0, 1)
    users = people.history["drug_use"] & free & (people.role != ROLE["dealer"])
    buyers = np.flatnonzero(users & (draws.uniform("drug_deal") < p_deal))
    seller = pick(draws.at("dealer_pick", buyers), city.dealers)
    deter = appetite.deterrence["drug_deal"]
    works = draws.at("dealer_works", seller) < (deter if np.isscalar(deter) else deter[seller])
    deal = free[seller] & works
    buyers, seller = buyers[deal], seller[deal]
    hotel = pick_place(city.places, "hotel", draws.at("dealer_hotel", seller))
    night[buyers] = hotel
    night[seller] = hotel
    when = np.maximum(night_start[buyers], night_start[seller]) + t0
    ledger.incidents("drug_deal", np.stack([buyers, seller], axis=1), when, hotel)


def standing(city: City, ledger: Ledger) -> None:
    """Wrongdoing that is a standing state rather than an act: sham marriages and crowded
    rentals, recorded once on day 0 (unless the strict null world makes them lawful)."""
    ties, people, inc = city.ties, city.people, city.config.incidents
    if inc.sham_marriages:
        sham = ties.apart[ties.sham]
        ledger.incidents("sham_marriage", sham, np.zeros(sham.shape[0], np.int64),
                         np.full(sham.shape[0], -1, np.int64))
    if inc.crowded_rentals_unlawful:
        crowded = np.flatnonzero(people.hh_crowded)
        members = np.flatnonzero(people.hh_crowded[people.household])
        ledger.incidents("crowded_rental", (members, people.hh_size[crowded]),
                         np.zeros(crowded.size, np.int64), crowded.astype(np.int64))
