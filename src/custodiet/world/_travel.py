"""Trips out of the city: ordinary trips and petition trips are decided 1-3 days ahead and
ticketed on the day; the traveller leaves from a station and comes back the same way."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from custodiet.world._crn import Draws, exponential, geometric, integers, pick
from custodiet.world._day import (
    AFTER_WORK,
    AFTER_WORK_WINDOW,
    BACK,
    DAY,
    DEPART_WINDOW,
    ERRAND,
    NIGHT,
    WAKE,
    City,
    Schedule,
    Status,
    pick_place,
)
from custodiet.world._ledger import Ledger

NONE, PENDING, AWAY = 0, 1, 2


@dataclass
class Trips:
    """Each person's trip: its state (none, pending, away) and, once decided, its plan."""

    state: np.ndarray
    depart: np.ndarray
    return_day: np.ndarray
    arrive: np.ndarray
    dest: np.ndarray
    petition: np.ndarray
    evasive: np.ndarray

    @classmethod
    def none(cls, n: int) -> Trips:
        return cls(state=np.zeros(n, np.int8), depart=np.zeros(n, np.int64),
                   return_day=np.zeros(n, np.int64), arrive=np.zeros(n, np.int64),
                   dest=np.full(n, -1, np.int64), petition=np.zeros(n, bool),
                   evasive=np.zeros(n, bool))


@dataclass(frozen=True)
class Destinations:
    """Where trips go: the capital (petitions) and other destinations outside the city."""

    capital: int
    out_of_town: np.ndarray


def decide(city: City, trips: Trips, dest: Destinations, ledger: Ledger, d: int, t0: int,
           idle: np.ndarray, p_petition: np.ndarray, draws: Draws) -> None:
    """Decide today's new trips among ``idle`` persons and record their tickets."""
    cfg = city.config
    beh = cfg.behaviour
    petition = idle & (draws.uniform("petition") < p_petition)
    ordinary = idle & ~petition & (draws.uniform("trip") < beh.trip_rate)
    who = np.flatnonzero(petition | ordinary)
    if who.size == 0:
        return
    is_pet = petition[who]
    lead = integers(draws.at("trip_lead", who), 1, 4)
    depart = (d + lead) * DAY + integers(draws.at("trip_minute", who), *DEPART_WINDOW)
    bought = t0 + integers(draws.at("trip_bought", who), 420, 1320)
    to_capital = is_pet | (draws.at("trip_capital", who) < beh.trip_capital_share)
    where = np.where(to_capital, dest.capital, pick(draws.at("trip_dest", who), dest.out_of_town))
    evasive = is_pet & (draws.at("trip_evasive", who) < cfg.incidents.anti_reconnaissance)
    cash = evasive | (draws.at("trip_cash", who) < beh.cash_ticket_share)
    length = geometric(draws.at("trip_days", who), 1.0 / beh.trip_days_mean)
    trips.state[who] = PENDING
    trips.depart[who] = depart
    trips.return_day[who] = d + lead + length
    trips.arrive[who] = integers(draws.at("trip_arrive", who), *AFTER_WORK_WINDOW)
    trips.dest[who] = where
    trips.petition[who] = is_pet
    trips.evasive[who] = evasive
    ledger.tickets(who, bought, where, depart, cash)
    # Decoy tickets: an evasive petitioner also buys one or two to other destinations.
    n_decoy = np.where(evasive, integers(draws.at("trip_decoys", who), 1, 3), 0)
    dp = np.repeat(np.arange(who.size), n_decoy)
    if dp.size:
        nth = np.arange(dp.size) - np.repeat(np.cumsum(n_decoy) - n_decoy, n_decoy)
        decoy_dest = pick(draws.at("trip_decoy_dest", who[dp], nth), dest.out_of_town)
        ledger.tickets(who[dp], bought[dp], decoy_dest, depart[dp], np.ones(dp.size, bool))


def depart(city: City, trips: Trips, ledger: Ledger, t0: int, dep: np.ndarray,
           plan: Schedule, draws: Draws) -> None:
    """Departures: home, a wait at a station, then the destination; petition trips are
    recorded as incidents as they leave."""
    minute = trips.depart[dep] - t0
    dwell = np.clip(exponential(draws.at("depart_dwell", dep),
                                city.config.behaviour.station_dwell_minutes), 10, 120)
    plan.only(dep, WAKE, city.home[dep])
    plan.place[dep, ERRAND] = pick_place(city.places, "station", draws.at("depart_station", dep))
    plan.start[dep, ERRAND] = minute - dwell.astype(np.int64)
    plan.place[dep, BACK] = trips.dest[dep]
    plan.start[dep, BACK] = minute
    trips.state[dep] = AWAY
    pet = dep[trips.petition[dep]]
    ledger.incidents("petition_trip", pet[:, None], trips.depart[pet], trips.dest[pet])


def come_back(city: City, trips: Trips, ret: np.ndarray, plan: Schedule, draws: Draws) -> None:
    """Returns: the morning away, arrival at a station in the evening, then home."""
    dwell = integers(draws.at("return_dwell", ret), 10, 31)
    plan.only(ret, WAKE, trips.dest[ret])
    plan.place[ret, AFTER_WORK] = pick_place(city.places, "station",
                                             draws.at("return_station", ret))
    plan.start[ret, AFTER_WORK] = trips.arrive[ret]
    plan.place[ret, ERRAND] = city.home[ret]
    plan.start[ret, ERRAND] = trips.arrive[ret] + dwell
    plan.place[ret, NIGHT] = city.home[ret]
    trips.state[ret] = NONE


def status(trips: Trips, detained_until: np.ndarray, d: int, t0: int,
           weekday: int) -> Status:
    """Who is held, leaving, coming back, away, or free today."""
    detained = detained_until > t0
    state = trips.state
    departing = (state == PENDING) & (trips.depart // DAY == d) & ~detained
    returning = (state == AWAY) & (trips.return_day == d)
    away = (state == AWAY) & (trips.return_day > d)
    free = ~(detained | departing | returning | away)
    return Status(detained=detained, departing=departing, returning=returning, away=away,
                  free=free, weekend=np.bool_(weekday >= 5))
