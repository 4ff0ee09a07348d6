"""Trips out of the city: ordinary trips and petition trips are decided 1-3 days ahead and
ticketed on the day; the traveller leaves from a station and comes back the same way. Two
behaviours: :func:`new_trips` (early in the day) and :func:`move` (departures, returns, days
away and in custody replace the ordinary day)."""

from __future__ import annotations

import numpy as np

from custodiet.world._calendar import days_until
from custodiet.world._context import Day
from custodiet.world._crn import exponential, geometric, integers, pick
from custodiet.world._day import (
    AFTER_WORK,
    AFTER_WORK_WINDOW,
    BACK,
    DAY,
    DEPART_WINDOW,
    ERRAND,
    NIGHT,
    WAKE,
    pick_place,
)
from custodiet.world._state import AWAY, NONE, PENDING


def new_trips(day: Day) -> None:
    """The behaviour: new trips (ordinary and petition, alone or with a grievance group, and
    home for the Spring Festival) among people free, home and not blocked."""
    state, t0 = day.state, day.t0
    idle = (day.status.free & (state.trips.state == NONE)
            & (state.custody.blocked_until <= t0))
    inc = day.city.config.incidents
    grievance = day.city.people.grievance >= 0
    p_petition = inc.petition_rate * day.appetite.of("petition_trip") * grievance
    p_petition = np.where(day.together.petitioners, 1.0, p_petition)
    decide(day, idle, p_petition)
    festival_trips(day, idle)


def decide(day: Day, idle: np.ndarray, p_petition: np.ndarray) -> None:
    """Decide today's new trips among ``idle`` persons and record their tickets."""
    city, trips, dest, ledger = day.city, day.state.trips, day.state.destinations, day.ledger
    d, t0, draws = day.d, day.t0, day.draws
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
    road = by_road(day, who, evasive)
    trips.state[who] = PENDING
    trips.depart[who] = depart
    trips.return_day[who] = d + lead + length
    trips.arrive[who] = integers(draws.at("trip_arrive", who), *AFTER_WORK_WINDOW)
    trips.dest[who] = where
    trips.petition[who] = is_pet
    trips.evasive[who] = evasive
    trips.road[who] = road
    ticketed = ~road
    ledger.tickets(who[ticketed], bought[ticketed], where[ticketed], depart[ticketed],
                   cash[ticketed])
    # Decoy tickets: an evasive petitioner also buys one or two to other destinations.
    n_decoy = np.where(evasive, integers(draws.at("trip_decoys", who), 1, 3), 0)
    dp = np.repeat(np.arange(who.size), n_decoy)
    if dp.size:
        nth = np.arange(dp.size) - np.repeat(np.cumsum(n_decoy) - n_decoy, n_decoy)
        decoy_dest = pick(draws.at("trip_decoy_dest", who[dp], nth), dest.out_of_town)
        ledger.tickets(who[dp], bought[dp], decoy_dest, depart[dp], np.ones(dp.size, bool))


def festival_trips(day: Day, idle: np.ndarray) -> None:
    """Migrants going home for the Spring Festival (NYT-13's holiday): decided three days
    before it (or on day 0 of a run that starts closer), leaving one to three days before and
    coming back one or two days after it. Draws are one per person, keyed by the day."""
    city, trips, dest, ledger = day.city, day.state.trips, day.state.destinations, day.ledger
    d, t0, draws = day.d, day.t0, day.draws
    cfg = city.config
    first, last = cfg.spring_festival
    to_first = days_until(cfg.start_date, d, first)
    if not (to_first == 3 or (d == 0 and 1 <= to_first < 3)):
        return
    who = np.flatnonzero(idle & (trips.state == NONE) & city.people.migrant
                         & (draws.uniform("festival_go") < cfg.behaviour.festival_home_share))
    if who.size == 0:
        return
    u_minute = draws.at("festival_minute", who)
    depart_day = d + 1 + integers(draws.at("festival_lead", who), 0, max(to_first - 1, 1))
    depart = depart_day * DAY + integers(u_minute, *DEPART_WINDOW)
    where = pick(draws.at("festival_dest", who), dest.out_of_town)
    road = by_road(day, who, np.zeros(who.size, bool))
    trips.state[who] = PENDING
    trips.depart[who] = depart
    trips.return_day[who] = (d + to_first + (last - first).days + 1
                             + integers(draws.at("festival_back", who), 0, 2))
    trips.arrive[who] = integers(u_minute, *AFTER_WORK_WINDOW)
    trips.dest[who] = where
    trips.petition[who] = False
    trips.evasive[who] = False
    trips.road[who] = road
    cash = draws.at("festival_cash", who) < cfg.behaviour.cash_ticket_share
    t = ~road
    ledger.tickets(who[t], t0 + integers(u_minute[t], 420, 1320), where[t], depart[t], cash[t])


def by_road(day: Day, who: np.ndarray, evasive: np.ndarray) -> np.ndarray:
    """Which of today's new trips go by road (one draw per person and day)."""
    cfg = day.city.config
    u = day.draws.at("trip_road", who)
    share = np.where(evasive, cfg.incidents.evasive_road_share, cfg.behaviour.road_trip_share)
    return u < share


def move(day: Day) -> None:
    """The behaviour: departures, returns, days away and days in custody replace the
    ordinary day."""
    status, trips = day.status, day.state.trips
    dep = np.flatnonzero(status.departing)
    if dep.size:
        depart(day, dep)
    ret = np.flatnonzero(status.returning)
    if ret.size:
        come_back(day, ret)
    away = np.flatnonzero(status.away)
    day.plan.only(away, WAKE, trips.dest[away])
    held = np.flatnonzero(status.detained)
    day.plan.only(held, WAKE, day.state.custody.detain_place[held])


def depart(day: Day, dep: np.ndarray) -> None:
    """Departures: home, a wait at a station (by road: none), then the destination; a road
    trip may pass an ID checkpoint; every trip is logged (ground truth) and petition trips are
    recorded as incidents as they leave."""
    city, trips, ledger, plan, draws = day.city, day.state.trips, day.ledger, day.plan, day.draws
    minute = trips.depart[dep] - day.t0
    dwell = np.clip(exponential(draws.at("depart_dwell", dep),
                                city.config.behaviour.station_dwell_minutes), 10, 120)
    station = pick_place(city.places, "station", draws.at("depart_station", dep))
    plan.only(dep, WAKE, city.home[dep])
    rail = ~trips.road[dep]
    plan.place[dep[rail], ERRAND] = station[rail]
    plan.start[dep[rail], ERRAND] = (minute - dwell.astype(np.int64))[rail]
    plan.place[dep, BACK] = trips.dest[dep]
    plan.start[dep, BACK] = minute
    trips.state[dep] = AWAY
    checked = _checkpoints(day, dep)
    ledger.trips(dep, trips.depart[dep], trips.return_day[dep], trips.dest[dep],
                 trips.road[dep], trips.petition[dep], trips.evasive[dep], checked)
    pet = dep[trips.petition[dep]]
    ledger.incidents("petition_trip", pet[:, None], trips.depart[pet], trips.dest[pet])


def _checkpoints(day: Day, dep: np.ndarray) -> np.ndarray:
    """Road departures that pass an ID checkpoint on the way (one draw per person and day)."""
    city, trips, draws = day.city, day.state.trips, day.draws
    geo = city.config.geography
    u_pass, u_minute = draws.at("checkpoint", dep), draws.at("checkpoint_minute", dep)
    to_capital = trips.dest[dep] == city.places.ids("capital")[0]
    share = np.where(to_capital, geo.checkpoint_capital_share, geo.checkpoint_other_share)
    checked = trips.road[dep] & (u_pass < share)
    who = dep[checked]
    day.ledger.checkpoints(who, trips.depart[who] + 30 + (u_minute[checked] * 120).astype(np.int64),
                       trips.dest[who])
    return checked


def come_back(day: Day, ret: np.ndarray) -> None:
    """Returns: the morning away, arrival at a station in the evening (by road: straight
    home), then home."""
    city, trips, plan, draws = day.city, day.state.trips, day.plan, day.draws
    dwell = integers(draws.at("return_dwell", ret), 10, 31)
    station = pick_place(city.places, "station", draws.at("return_station", ret))
    plan.only(ret, WAKE, trips.dest[ret])
    plan.place[ret, AFTER_WORK] = np.where(trips.road[ret], city.home[ret], station)
    plan.start[ret, AFTER_WORK] = trips.arrive[ret]
    plan.place[ret, ERRAND] = city.home[ret]
    plan.start[ret, ERRAND] = trips.arrive[ret] + dwell
    plan.place[ret, NIGHT] = city.home[ret]
    trips.state[ret] = NONE
