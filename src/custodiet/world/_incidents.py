"""Latent wrongdoing (ground truth): who acts today, and the incidents it leaves in the
ledger. Ordinary life around these acts lives in the behaviour modules (:mod:`._work`,
:mod:`._outings`, :mod:`._nights`, :mod:`._travel`); the outing kinds here are links of the
outing priority chain (:data:`custodiet.world._behaviours.OUTINGS`).

Every act is a person's own decision from their own draws and appetite (chill, group,
deterrence); acts done with someone else (a deal, recruiting) need the other to be there."""

from __future__ import annotations

import numpy as np

from custodiet.world._context import Claim, Day
from custodiet.world._crn import exponential, integers, neighbour, pick, poisson
from custodiet.world._day import ERRAND_AFTER_WORK, NIGHT, NIGHT_WINDOW, WORK, pick_place
from custodiet.world._population import ROLE


def illegal_work(day: Day, works: np.ndarray) -> np.ndarray:
    """Every working day of a foreigner without a permit is an incident; a deterred one stays
    home some days. Returns who of ``works`` works today."""
    people = day.city.people
    illegal = works & (people.role == ROLE["illegal_worker"])
    deter = day.appetite.deterrence["illegal_work"]
    if not np.isscalar(deter):
        stays_home = illegal & (day.draws.uniform("illegal_work") >= deter)
        works, illegal = works & ~stays_home, illegal & ~stays_home
    ill = np.flatnonzero(illegal)
    day.ledger.incidents("illegal_work", ill[:, None], day.plan.start[ill, WORK] + day.t0,
                         people.work_place[ill])
    return works


def recruiting(day: Day, available: np.ndarray) -> Claim:
    """Recruiters take someone they know into a compound (pyramid schemes recruit through
    acquaintances; NYT-14's "different companions" are the recruiter's ties: assumption);
    recruiting is an incident when the companion came along."""
    city, draws = day.city, day.draws
    people, inc = city.people, city.config.incidents
    p = np.clip(inc.recruit_visit_rate * day.appetite.of("pyramid_recruit"), 0, 1)
    rec = np.flatnonzero(available & (people.role == ROLE["recruiter"])
                         & (draws.uniform("recruit") < p))
    ties = city.ties
    companion = neighbour(ties.indptr, ties.neighbours, rec, draws.at("recruit_pick", rec))
    place = pick_place(city.places, "compound", draws.at("recruit_place", rec))
    start = integers(draws.at("recruit_start", rec), *ERRAND_AFTER_WORK)

    def record(day: Day, came: np.ndarray) -> None:
        pairs = np.stack([rec[came], companion[came]], axis=1)
        day.ledger.incidents("pyramid_recruit", pairs, start[came] + day.t0 + 1, place[came])

    return Claim(who=rec, place=place, start=start,
                 dur=integers(draws.at("recruit_minutes", rec), 30, 121),
                 drawer=rec, drawn=companion, record=record)


def pickpockets(day: Day, available: np.ndarray) -> Claim:
    """Pickpockets working a station, a Poisson number of thefts each."""
    city, draws = day.city, day.draws
    people, inc = city.people, city.config.incidents
    p = np.clip(inc.pickpocket_day_share * day.appetite.of("pickpocket"), 0, 1)
    thieves = np.flatnonzero(available & (people.role == ROLE["pickpocket"])
                             & (draws.uniform("pickpocket") < p))
    place = pick_place(city.places, "station", draws.at("outing_place", thieves))
    # A pickpocket with a day job (or school) works the station after it.
    start = np.where(day.works[thieves], day.default_start[thieves],
                     integers(draws.at("pickpocket_start", thieves), 600, 900))
    longest = NIGHT_WINDOW[0] - 1 - start  # back home before the night slot
    dur = np.minimum(np.clip(exponential(draws.at("pickpocket_minutes", thieves),
                                         inc.pickpocket_dwell_minutes), 60, 355),
                     longest).astype(np.int64)
    thefts = poisson(draws.at("thefts", thieves), inc.thefts_per_visit)
    at = np.repeat(np.arange(thieves.size), thefts)
    nth = np.arange(at.size) - np.repeat(np.cumsum(thefts) - thefts, thefts)
    when = start[at] + np.floor(draws.at("theft_minute", thieves[at], nth)
                                * dur[at]).astype(np.int64)

    def record(day: Day, came: np.ndarray) -> None:
        day.ledger.incidents("pickpocket", thieves[at][:, None], when + day.t0, place[at])

    return Claim(who=thieves, place=place, start=start, dur=dur, record=record)


def burglaries(day: Day, available: np.ndarray) -> Claim:
    """Burglars at a stranger's home (never their own), a short stay."""
    city, draws = day.city, day.draws
    people, inc = city.people, city.config.incidents
    rate = inc.burglary_rate * day.appetite.of("burglary")
    b = np.flatnonzero(available & (people.role == ROLE["burglar"])
                       & (draws.uniform("burglary") < -np.expm1(-rate)))
    victim = integers(draws.at("burglary_victim", b), 0, people.n_households)
    victim = np.where(victim == city.home[b], (victim + 1) % people.n_households, victim)
    start = day.default_start[b]

    def record(day: Day, came: np.ndarray) -> None:
        day.ledger.incidents("burglary", b[:, None], start + day.t0 + 5, victim)

    return Claim(who=b, place=victim, start=start,
                 dur=integers(draws.at("burglary_minutes", b), 15, 46), record=record)


def drug_deals(day: Day, night: np.ndarray) -> None:
    """A drug user who buys tonight goes to a dealer (any dealer, drawn by the buyer) at the
    dealer's hotel of the night; the deal happens, and both spend the night there, if the
    dealer is free and not deterred tonight. Writes where they sleep into ``night``."""
    city, draws, free = day.city, day.draws, day.status.free
    people = city.people
    if city.dealers.size == 0:
        return
    p_deal = np.clip(city.config.incidents.drug_deal_rate * day.appetite.of("drug_deal"), 0, 1)
    users = people.history["drug_use"] & free & (people.role != ROLE["dealer"])
    buyers = np.flatnonzero(users & (draws.uniform("drug_deal") < p_deal))
    seller = pick(draws.at("dealer_pick", buyers), city.dealers)
    deter = day.appetite.deterrence["drug_deal"]
    works = draws.at("dealer_works", seller) < (deter if np.isscalar(deter) else deter[seller])
    deal = free[seller] & works
    buyers, seller = buyers[deal], seller[deal]
    hotel = pick_place(city.places, "hotel", draws.at("dealer_hotel", seller))
    night[buyers] = hotel
    night[seller] = hotel
    night_start = day.plan.start[:, NIGHT]
    when = np.maximum(night_start[buyers], night_start[seller]) + day.t0
    day.ledger.incidents("drug_deal", np.stack([buyers, seller], axis=1), when, hotel)


def standing(day: Day) -> None:
    """Wrongdoing that is a standing state rather than an act: sham marriages and crowded
    rentals, recorded once on day 0 (unless the strict null world makes them lawful)."""
    if day.d != 0:
        return
    city, ledger = day.city, day.ledger
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
