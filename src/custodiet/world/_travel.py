"""Trips out of the city: ordinary trips and petition trips are decided 1-3 days ahead and
ticketed on the day; the traveller leaves from a station and comes back the same way."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from custodiet.world._calendar import days_until
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
from custodiet.world._rng import day_rng

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
    road: np.ndarray
    """By car or with a driver: no ticket, no station."""

    @classmethod
    def none(cls, n: int) -> Trips:
        return cls(state=np.zeros(n, np.int8), depart=np.zeros(n, np.int64),
                   return_day=np.zeros(n, np.int64), arrive=np.zeros(n, np.int64),
                   dest=np.full(n, -1, np.int64), petition=np.zeros(n, bool),
                   evasive=np.zeros(n, bool), road=np.zeros(n, bool))


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
    road = by_road(city, d, who, evasive)
    trips.state[who] = PENDING
    trips.depart[who] = depart
    trips.return_day[who] = d + lead + length
    trips.arrive[who] = rng.integers(*AFTER_WORK_WINDOW, k)
    trips.dest[who] = where
    trips.petition[who] = is_pet
    trips.evasive[who] = evasive
    trips.road[who] = road
    ticketed = ~road
    ledger.tickets(who[ticketed], bought[ticketed], where[ticketed], depart[ticketed],
                   cash[ticketed])
    # Decoy tickets: an evasive petitioner also buys one or two to other destinations.
    n_decoy = np.where(evasive, rng.integers(1, 3, k), 0)
    dp = np.repeat(np.arange(k), n_decoy)
    if dp.size:
        decoy_dest = dest.out_of_town[rng.integers(0, dest.out_of_town.size, dp.size)]
        ledger.tickets(who[dp], bought[dp], decoy_dest, depart[dp], np.ones(dp.size, bool))


def festival_trips(city: City, trips: Trips, dest: Destinations, ledger: Ledger, d: int,
                   t0: int, idle: np.ndarray) -> None:
    """Migrants going home for the Spring Festival (NYT-13's holiday): decided three days
    before it (or on day 0 of a run that starts closer), leaving one to three days before and
    coming back one or two days after it. Draws are one per person, keyed by the day."""
    cfg = city.config
    first, last = cfg.spring_festival
    to_first = days_until(cfg.start_date, d, first)
    if not (to_first == 3 or (d == 0 and 1 <= to_first < 3)):
        return
    n = city.people.n
    u_go, u_lead, u_back, u_dest, u_minute, u_cash = day_rng(city.seed, d, "festival").random(
        (6, n))
    who = np.flatnonzero(idle & (trips.state == NONE) & city.people.migrant
                         & (u_go < cfg.behaviour.festival_home_share))
    k = who.size
    if k == 0:
        return
    depart_day = d + 1 + np.floor(u_lead[who] * max(to_first - 1, 1)).astype(np.int64)
    depart = depart_day * DAY + DEPART_WINDOW[0] + (
        u_minute[who] * (DEPART_WINDOW[1] - DEPART_WINDOW[0])).astype(np.int64)
    where = dest.out_of_town[np.minimum((u_dest[who] * dest.out_of_town.size).astype(np.int64),
                                        dest.out_of_town.size - 1)]
    road = by_road(city, d, who, np.zeros(k, bool))
    trips.state[who] = PENDING
    trips.depart[who] = depart
    trips.return_day[who] = d + to_first + (last - first).days + 1 + (u_back[who] * 2).astype(
        np.int64)
    trips.arrive[who] = AFTER_WORK_WINDOW[0] + (u_minute[who] * 60).astype(np.int64)
    trips.dest[who] = where
    trips.petition[who] = False
    trips.evasive[who] = False
    trips.road[who] = road
    cash = u_cash[who] < cfg.behaviour.cash_ticket_share
    t = ~road
    ledger.tickets(who[t], (t0 + 420 + u_minute[who] * 900).astype(np.int64)[t], where[t],
                   depart[t], cash[t])


def by_road(city: City, d: int, who: np.ndarray, evasive: np.ndarray) -> np.ndarray:
    """Which of today's new trips go by road (one draw per person, keyed by the day)."""
    cfg = city.config
    u = day_rng(city.seed, d, "road").random(city.people.n)[who]
    share = np.where(evasive, cfg.incidents.evasive_road_share, cfg.behaviour.road_trip_share)
    return u < share


def depart(city: City, trips: Trips, ledger: Ledger, t0: int, dep: np.ndarray,
           plan: Schedule, rng: np.random.Generator) -> None:
    """Departures: home, a wait at a station (by road: none), then the destination; a road
    trip may pass an ID checkpoint; every trip is logged (ground truth) and petition trips are
    recorded as incidents as they leave."""
    stations = city.places.ids("station")
    minute = trips.depart[dep] - t0
    dwell = np.clip(rng.exponential(city.config.behaviour.station_dwell_minutes, dep.size),
                    10, 120)
    station = stations[rng.integers(0, stations.size, dep.size)]
    plan.only(dep, WAKE, city.home[dep])
    rail = ~trips.road[dep]
    plan.place[dep[rail], ERRAND] = station[rail]
    plan.start[dep[rail], ERRAND] = (minute - dwell.astype(np.int64))[rail]
    plan.place[dep, BACK] = trips.dest[dep]
    plan.start[dep, BACK] = minute
    trips.state[dep] = AWAY
    checked = _checkpoints(city, trips, ledger, t0 // DAY, dep)
    ledger.trips(dep, trips.depart[dep], trips.return_day[dep], trips.dest[dep],
                 trips.road[dep], trips.petition[dep], trips.evasive[dep], checked)
    pet = dep[trips.petition[dep]]
    ledger.incidents("petition_trip", pet[:, None], trips.depart[pet], trips.dest[pet])


def _checkpoints(city: City, trips: Trips, ledger: Ledger, d: int,
                 dep: np.ndarray) -> np.ndarray:
    """Road departures that pass an ID checkpoint on the way (one draw per person and day)."""
    geo = city.config.geography
    rng = day_rng(city.seed, d, "checkpoint")
    u_pass, u_minute = rng.random(city.people.n)[dep], rng.random(city.people.n)[dep]
    to_capital = trips.dest[dep] == city.places.ids("capital")[0]
    share = np.where(to_capital, geo.checkpoint_capital_share, geo.checkpoint_other_share)
    checked = trips.road[dep] & (u_pass < share)
    who = dep[checked]
    ledger.checkpoints(who, trips.depart[who] + 30 + (u_minute[checked] * 120).astype(np.int64),
                       trips.dest[who])
    return checked


def come_back(city: City, trips: Trips, ret: np.ndarray, plan: Schedule,
              rng: np.random.Generator) -> None:
    """Returns: the morning away, arrival at a station in the evening (by road: straight
    home), then home."""
    stations = city.places.ids("station")
    dwell = rng.integers(10, 31, ret.size)
    station = stations[rng.integers(0, stations.size, ret.size)]
    road = trips.road[ret]
    plan.only(ret, WAKE, trips.dest[ret])
    plan.place[ret, AFTER_WORK] = np.where(road, city.home[ret], station)
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
