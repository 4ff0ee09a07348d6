"""Trips out of the city: ordinary trips and petition trips are decided 1-3 days ahead and
ticketed on the day; the traveller leaves from a station and comes back the same way."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

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
           idle: np.ndarray, p_petition: np.ndarray, rng: np.random.Generator) -> None:
    """Decide today's new trips among ``idle`` persons and record their tickets."""
    cfg = city.config
    n = city.people.n
    petition = idle & (rng.random(n) < p_petition)
    ordinary = idle & ~petition & (rng.random(n) < cfg.behaviour.trip_rate)
    who = np.flatnonzero(petition | ordinary)
    if who.size == 0:
        return
    k = who.size
    is_pet = petition[who]
    lead = rng.integers(1, 4, k)
    depart = (d + lead) * DAY + rng.integers(*DEPART_WINDOW, k)
    bought = t0 + rng.integers(420, 1320, k)
    to_capital = is_pet | (rng.random(k) < cfg.behaviour.trip_capital_share)
    where = np.where(to_capital, dest.capital,
                     dest.out_of_town[rng.integers(0, dest.out_of_town.size, k)])
    evasive = is_pet & (rng.random(k) < cfg.incidents.anti_reconnaissance)
    cash = evasive | (rng.random(k) < cfg.behaviour.cash_ticket_share)
    length = rng.geometric(1.0 / cfg.behaviour.trip_days_mean, k)
    trips.state[who] = PENDING
    trips.depart[who] = depart
    trips.return_day[who] = d + lead + length
    trips.arrive[who] = rng.integers(*AFTER_WORK_WINDOW, k)
    trips.dest[who] = where
    trips.petition[who] = is_pet
    trips.evasive[who] = evasive
    ledger.tickets(who, bought, where, depart, cash)
    # Decoy tickets: an evasive petitioner also buys one or two to other destinations.
    n_decoy = np.where(evasive, rng.integers(1, 3, k), 0)
    dp = np.repeat(np.arange(k), n_decoy)
    if dp.size:
        decoy_dest = dest.out_of_town[rng.integers(0, dest.out_of_town.size, dp.size)]
        ledger.tickets(who[dp], bought[dp], decoy_dest, depart[dp], np.ones(dp.size, bool))


def depart(city: City, trips: Trips, ledger: Ledger, t0: int, dep: np.ndarray,
           plan: Schedule, rng: np.random.Generator) -> None:
    """Departures: home, a wait at a station, then the destination; petition trips are
    recorded as incidents as they leave."""
    stations = city.places.ids("station")
    minute = trips.depart[dep] - t0
    dwell = np.clip(rng.exponential(city.config.behaviour.station_dwell_minutes, dep.size),
                    10, 120)
    plan.only(dep, WAKE, city.home[dep])
    plan.place[dep, ERRAND] = stations[rng.integers(0, stations.size, dep.size)]
    plan.start[dep, ERRAND] = minute - dwell.astype(np.int64)
    plan.place[dep, BACK] = trips.dest[dep]
    plan.start[dep, BACK] = minute
    trips.state[dep] = AWAY
    pet = dep[trips.petition[dep]]
    ledger.incidents("petition_trip", pet[:, None], trips.depart[pet], trips.dest[pet])


def come_back(city: City, trips: Trips, ret: np.ndarray, plan: Schedule,
              rng: np.random.Generator) -> None:
    """Returns: the morning away, arrival at a station in the evening, then home."""
    stations = city.places.ids("station")
    dwell = rng.integers(10, 31, ret.size)
    plan.only(ret, WAKE, trips.dest[ret])
    plan.place[ret, AFTER_WORK] = stations[rng.integers(0, stations.size, ret.size)]
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
