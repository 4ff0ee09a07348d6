"""The synthetic city day by day: ordinary lives, latent wrongdoing, and the police's effects.

A :class:`World` is built once from a :class:`WorldConfig` and a seed, then stepped one day at a
time. Each step returns that day's event tables (Arrow, following :mod:`custodiet.schema`).
Between steps the watch may call :meth:`World.intervene`; its effects start with the next step.
Every draw comes from a stream keyed by (seed, day, module), so two worlds with the same seed
draw the same numbers until an intervention makes them differ.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from custodiet import schema
from custodiet.scenario import WorldConfig
from custodiet.world._geography import Places, assign_daily_places, build_places
from custodiet.world._ledger import Ledger
from custodiet.world._meters import meter_readings
from custodiet.world._population import ROLE, People, build_people
from custodiet.world._rng import day_rng, intervention_rng
from custodiet.world._stays import close_stays
from custodiet.world._tables import static_tables
from custodiet.world._ties import Ties, build_ties

DAY = schema.MINUTES_PER_DAY
INTERVENTION_ACTIONS = ("visit", "block_travel", "detain")

# Slot columns of a day's schedule; starts are strictly increasing over the used ones.
WAKE, WORK, AFTER_WORK, ERRAND, BACK, NIGHT = range(6)
N_SLOTS = 6
# Time windows (minutes after midnight) of the slots: assumption, a typical urban day.
_WAKE = (360, 450)
_WORK = (450, 540)
_AFTER_WORK = (1000, 1080)
_ERRAND_AFTER_WORK = (1085, 1140)
_ERRAND_FREE = (600, 1080)
_NIGHT = (1260, 1380)
_DEPART = (600, 1140)

_TRIP_NONE, _TRIP_PENDING, _TRIP_AWAY = 0, 1, 2


class World:
    """A synthetic city: build it, then call :meth:`step` once per day."""

    def __init__(self, config: WorldConfig, seed: int):
        self.config = config
        self.seed = int(seed)
        self.people: People = build_people(config, self.seed)
        self.places: Places
        self.places, _ = build_places(config, self.people, self.seed)
        assign_daily_places(config, self.people, self.places, self.seed)
        self.ties: Ties = build_ties(config, self.people, self.places, self.seed)
        self.day = 0
        self.horizon = config.days * DAY
        n = self.people.n
        self.home = self.people.household.copy()  # home place id == household id
        self._open_place = self.home.copy()
        self._open_start = np.zeros(n, np.int64)
        self._phone_start = np.full(n, -1, np.int64)
        self._phone_end = np.full(n, -1, np.int64)
        self._trip_state = np.zeros(n, np.int8)
        self._trip_depart = np.zeros(n, np.int64)
        self._trip_return_day = np.zeros(n, np.int64)
        self._trip_arrive = np.zeros(n, np.int64)
        self._trip_dest = np.full(n, -1, np.int64)
        self._trip_petition = np.zeros(n, bool)
        self._trip_evasive = np.zeros(n, bool)
        self._detained_until = np.zeros(n, np.int64)
        self._detain_place = np.full(n, -1, np.int64)
        self._blocked_until = np.zeros(n, np.int64)
        self._intent = np.ones(n)
        self._factor = self.people.group_factor(config.incidents.behaviour_multiplier)
        self._ledger = Ledger()
        self._calls_today = 0
        self._log: list[tuple[np.ndarray, int, str, np.ndarray]] = []
        self._out_of_town = self.places.ids("out_of_town")
        self._capital = int(self.places.ids("capital")[0])

    # ------------------------------------------------------------------ public interface
    def static_tables(self) -> dict[str, pa.Table]:
        """``persons``, ``person_truth``, ``places`` and ``ties`` as Arrow tables."""
        return static_tables(self.people, self.places, self.ties)

    @property
    def finished(self) -> bool:
        """Whether every day of the horizon has been simulated."""
        return self.day >= self.config.days

    def step(self) -> dict[str, pa.Table]:
        """Simulate the next day and return its event tables (see :mod:`custodiet.schema`).

        A stay or phone-off spell is reported on the day it ends; on the last day everything
        still open is closed at the horizon.
        """
        if self.finished:
            raise RuntimeError("the world has simulated every day of its horizon")
        d = self.day
        t0 = d * DAY
        last = d == self.config.days - 1
        status = self._status(d, t0)
        self._decide_trips(d, t0, status)
        place, start = self._schedule(d, t0, status)
        self._phones_start(d, t0, status)
        closed = close_stays(self._open_place, self._open_start, place, start)
        self._open_place, self._open_start = closed.open_place, closed.open_start
        person, where, begin, end = closed.person, closed.place, closed.start, closed.end
        if last:
            person = np.concatenate([person, np.arange(self.people.n, dtype=np.int64)])
            where = np.concatenate([where, self._open_place])
            begin = np.concatenate([begin, self._open_start])
            end = np.concatenate([end, np.full(self.people.n, self.horizon, np.int64)])
        tables = {
            "stays": pa.table({"person": person, "place": where, "start": begin, "end": end},
                              schema=schema.STAYS),
            "calls": self._calls(d, t0),
            "phone_off": self._phones_done(t0, last),
            "utility": meter_readings(d, self.people.hh_size, self.config.behaviour,
                                      day_rng(self.seed, d, "utility")),
            "tickets": self._ledger.take_tickets(),
            "incidents": self._ledger.take_incidents(),
            "interventions": self._interventions_table(),
        }
        self.day += 1
        return tables

    def intervene(self, persons: np.ndarray, action: str, t: int, *, until: int | None = None,
                  chill: float = 0.0) -> None:
        """Apply a police action to ``persons``; it takes effect from the next :meth:`step`.

        ``visit``: with probability ``chill`` a person's pending petition trip is dropped, and
        their appetite for every incident is multiplied by ``1 - chill`` from then on.
        ``block_travel``: pending trips are cancelled and no ticket is sold until ``until``
        (default: the horizon). ``detain``: held at a police station until ``until`` (default: a
        day), pending trips cancelled, a person away in the capital brought back.
        """
        if action not in INTERVENTION_ACTIONS:
            raise ValueError(f"unknown action {action!r}; expected one of {INTERVENTION_ACTIONS}")
        if not 0.0 <= chill <= 1.0:
            raise ValueError("chill must be in [0, 1]")
        persons = np.unique(np.asarray(persons, dtype=np.int64))
        if persons.size == 0:
            return
        rng = intervention_rng(self.seed, self.day, len(self._log))
        pending = self._trip_state[persons] == _TRIP_PENDING
        if action == "visit":
            chilled = rng.random(persons.size) < chill
            cancel = pending & self._trip_petition[persons] & chilled
            self._intent[persons[chilled]] *= 1.0 - chill
        elif action == "block_travel":
            cancel = pending
            stop = self.horizon if until is None else int(until)
            self._blocked_until[persons] = np.maximum(self._blocked_until[persons], stop)
        else:
            cancel = pending
            stop = int(t) + DAY if until is None else int(until)
            self._detained_until[persons] = np.maximum(self._detained_until[persons], stop)
            police = self.places.ids("police")
            self._detain_place[persons] = police[rng.integers(0, police.size, persons.size)]
            away = persons[self._trip_state[persons] == _TRIP_AWAY]
            self._trip_state[away] = _TRIP_NONE
        prevented = np.where(cancel & self._trip_petition[persons], "petition_trip", "")
        self._trip_state[persons[cancel]] = _TRIP_NONE
        self._log.append((persons, int(t), action, prevented))

    # ------------------------------------------------------------------ one day
    def _status(self, d: int, t0: int) -> dict[str, np.ndarray]:
        detained = self._detained_until > t0
        state = self._trip_state
        departing = (state == _TRIP_PENDING) & (self._trip_depart // DAY == d) & ~detained
        returning = (state == _TRIP_AWAY) & (self._trip_return_day == d)
        away = (state == _TRIP_AWAY) & (self._trip_return_day > d)
        free = ~(detained | departing | returning | away)
        weekday = (self.config.start_weekday + d) % 7
        return {"detained": detained, "departing": departing, "returning": returning,
                "away": away, "free": free, "weekend": np.bool_(weekday >= 5)}

    def _decide_trips(self, d: int, t0: int, status: dict[str, np.ndarray]) -> None:
        """Ordinary trips and petition trips are decided 1-3 days ahead and ticketed today."""
        cfg, people = self.config, self.people
        rng = day_rng(self.seed, d, "trips")
        n = people.n
        idle = status["free"] & (self._trip_state == _TRIP_NONE) & (self._blocked_until <= t0)
        grievance = people.grievance >= 0
        p_petition = cfg.incidents.petition_rate * self._intent * self._factor * grievance
        petition = idle & (rng.random(n) < p_petition)
        ordinary = idle & ~petition & (rng.random(n) < cfg.behaviour.trip_rate)
        who = np.flatnonzero(petition | ordinary)
        if who.size == 0:
            return
        k = who.size
        is_pet = petition[who]
        lead = rng.integers(1, 4, k)
        depart = (d + lead) * DAY + rng.integers(*_DEPART, k)
        bought = t0 + rng.integers(420, 1320, k)
        to_capital = is_pet | (rng.random(k) < cfg.behaviour.trip_capital_share)
        dest = np.where(to_capital, self._capital,
                        self._out_of_town[rng.integers(0, self._out_of_town.size, k)])
        evasive = is_pet & (rng.random(k) < cfg.incidents.anti_reconnaissance)
        cash = evasive | (rng.random(k) < cfg.behaviour.cash_ticket_share)
        length = rng.geometric(1.0 / cfg.behaviour.trip_days_mean, k)
        self._trip_state[who] = _TRIP_PENDING
        self._trip_depart[who] = depart
        self._trip_return_day[who] = d + lead + length
        self._trip_arrive[who] = rng.integers(*_AFTER_WORK, k)
        self._trip_dest[who] = dest
        self._trip_petition[who] = is_pet
        self._trip_evasive[who] = evasive
        self._ledger.tickets(who, bought, dest, depart, cash)
        # Decoy tickets: an evasive petitioner also buys one or two to other destinations.
        n_decoy = np.where(evasive, rng.integers(1, 3, k), 0)
        dp = np.repeat(np.arange(k), n_decoy)
        if dp.size:
            decoy_dest = self._out_of_town[rng.integers(0, self._out_of_town.size, dp.size)]
            self._ledger.tickets(who[dp], bought[dp], decoy_dest, depart[dp],
                                 np.ones(dp.size, bool))

    def _schedule(self, d: int, t0: int,
                  status: dict[str, np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
        """Every person's slots for the day: (places, absolute starts), -1 for unused slots."""
        people, places = self.people, self.places
        rng = day_rng(self.seed, d, "schedule")
        n = people.n
        free = status["free"]
        place = np.full((n, N_SLOTS), -1, np.int64)
        start = np.zeros((n, N_SLOTS), np.int64)
        start[:, WAKE] = rng.integers(*_WAKE, n)
        start[:, WORK] = rng.integers(*_WORK, n)
        start[:, AFTER_WORK] = rng.integers(*_AFTER_WORK, n)
        start[:, NIGHT] = rng.integers(*_NIGHT, n)
        place[:, WAKE] = self.home
        place[:, NIGHT] = self.home

        illegal = people.role == ROLE["illegal_worker"]
        works = (free & ~status["weekend"] & (people.work_place >= 0)
                 & (people.employed | people.student | illegal))
        place[works, WORK] = people.work_place[works]
        place[works, AFTER_WORK] = self.home[works]
        start[:, ERRAND] = np.where(works, rng.integers(*_ERRAND_AFTER_WORK, n),
                                    rng.integers(*_ERRAND_FREE, n))
        ill = np.flatnonzero(works & illegal)
        self._ledger.incidents("illegal_work", ill[:, None], start[ill, WORK] + t0,
                            people.work_place[ill])

        err_place, err_start, err_dur = self._errands(d, t0, free, works, start[:, ERRAND])
        has = err_place >= 0
        place[has, ERRAND] = err_place[has]
        start[has, ERRAND] = err_start[has]
        back = np.minimum(err_start + err_dur, start[:, NIGHT] - 1)
        place[has, BACK] = self.home[has]
        start[has, BACK] = back[has]

        place[:, NIGHT] = self._nights(d, t0, free, start[:, NIGHT])

        # Travel, detention: these override the ordinary day.
        dep = np.flatnonzero(status["departing"])
        if dep.size:
            self._depart(d, t0, dep, place, start)
        ret = np.flatnonzero(status["returning"])
        if ret.size:
            dwell = rng.integers(10, 31, ret.size)
            place[ret] = -1
            place[ret, WAKE] = self._trip_dest[ret]
            place[ret, AFTER_WORK] = places.ids("station")[
                rng.integers(0, places.ids("station").size, ret.size)]
            start[ret, AFTER_WORK] = self._trip_arrive[ret]
            place[ret, ERRAND] = self.home[ret]
            start[ret, ERRAND] = self._trip_arrive[ret] + dwell
            place[ret, NIGHT] = self.home[ret]
            self._trip_state[ret] = _TRIP_NONE
        away = np.flatnonzero(status["away"])
        place[away] = -1
        place[away, WAKE] = self._trip_dest[away]
        held = np.flatnonzero(status["detained"])
        place[held] = -1
        place[held, WAKE] = self._detain_place[held]
        return place, start + t0

    def _depart(self, d: int, t0: int, dep: np.ndarray, place: np.ndarray,
                start: np.ndarray) -> None:
        cfg, places = self.config, self.places
        rng = day_rng(self.seed, d, "trips")
        stations = places.ids("station")
        minute = self._trip_depart[dep] - t0
        dwell = np.clip(rng.exponential(cfg.behaviour.station_dwell_minutes, dep.size), 10, 120)
        place[dep] = -1
        place[dep, WAKE] = self.home[dep]
        place[dep, ERRAND] = stations[rng.integers(0, stations.size, dep.size)]
        start[dep, ERRAND] = minute - dwell.astype(np.int64)
        place[dep, BACK] = self._trip_dest[dep]
        start[dep, BACK] = minute
        self._trip_state[dep] = _TRIP_AWAY
        pet = dep[self._trip_petition[dep]]
        self._ledger.incidents("petition_trip", pet[:, None], self._trip_depart[pet],
                            self._trip_dest[pet])

    def _errands(self, d: int, t0: int, free: np.ndarray, works: np.ndarray,
                 default_start: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """At most one outing per person: leisure, visits, and the illicit ones (ground truth)."""
        cfg, people, places = self.config, self.people, self.places
        beh, inc = cfg.behaviour, cfg.incidents
        rng = day_rng(self.seed, d, "errands")
        n = people.n
        adult = people.age >= 18
        rates = np.stack([
            np.full(n, beh.park_visit_rate), np.where(adult, beh.bar_visit_rate, 0.0),
            np.full(n, beh.friend_visit_rate), np.full(n, beh.language_school_visit_rate),
            np.full(n, beh.station_visit_rate),
        ], axis=1)
        total = rates.sum(axis=1)
        goes = free & (rng.random(n) < -np.expm1(-total))
        cum = np.cumsum(rates, axis=1) / np.maximum(total, 1e-12)[:, None]
        choice = (rng.random(n)[:, None] > cum).sum(axis=1)
        err_place = np.full(n, -1, np.int64)
        err_start = default_start.copy()
        err_dur = np.zeros(n, np.int64)

        def pick(kind: str, mask: np.ndarray) -> np.ndarray:
            ids = places.ids(kind)
            return ids[rng.integers(0, ids.size, int(mask.sum()))]

        for code, kind, lo, hi in ((0, "park", 30, 120), (1, "bar", 60, 180),
                                   (3, "language_school", 60, 120)):
            m = goes & (choice == code)
            err_place[m] = pick(kind, m)
            err_dur[m] = rng.integers(lo, hi, int(m.sum()))
        m = goes & (choice == 4)
        err_place[m] = pick("station", m)
        err_dur[m] = np.clip(rng.exponential(beh.station_dwell_minutes, int(m.sum())), 5, 240)
        visitors = np.flatnonzero(goes & (choice == 2))
        friend = self.ties.random_neighbour(rng, visitors, friends_only=True)
        has_friend = friend >= 0
        visitors, friend = visitors[has_friend], friend[has_friend]
        err_place[visitors] = places.compound[self.home[friend]]
        err_dur[visitors] = rng.integers(60, 180, visitors.size)

        # Outings together come first; a person who joined one does nothing else outside.
        appetite = self._intent * self._factor
        joined = self._joint_outings(d, t0, free, visitors, friend, err_place, err_start,
                                     err_dur, appetite, rng)

        # Illicit outings of people with a role.
        pick_m = free & ~joined & (people.role == ROLE["pickpocket"]) & (
            rng.random(n) < np.clip(inc.pickpocket_day_share * appetite, 0, 1))
        err_place[pick_m] = pick("station", pick_m)
        # A pickpocket with a day job (or school) works the station after it.
        err_start[pick_m] = np.where(works[pick_m], default_start[pick_m],
                                     rng.integers(600, 900, int(pick_m.sum())))
        longest = _NIGHT[0] - 1 - err_start[pick_m]  # back home before the night slot
        err_dur[pick_m] = np.minimum(np.clip(rng.exponential(
            inc.pickpocket_dwell_minutes, int(pick_m.sum())), 60, 355), longest)
        thieves = np.flatnonzero(pick_m)
        thefts = rng.poisson(inc.thefts_per_visit, thieves.size)
        who = np.repeat(thieves, thefts)
        when = err_start[who] + np.floor(rng.random(who.size) * err_dur[who]).astype(np.int64)
        self._ledger.incidents("pickpocket", who[:, None], when + t0, err_place[who])

        burg = free & ~joined & (people.role == ROLE["burglar"]) & (
            rng.random(n) < -np.expm1(-inc.burglary_rate * appetite))
        b = np.flatnonzero(burg)
        victim = rng.integers(0, people.n_households, b.size)
        victim = np.where(victim == self.home[b], (victim + 1) % people.n_households, victim)
        err_place[b] = victim
        err_dur[b] = rng.integers(15, 46, b.size)
        self._ledger.incidents("burglary", b[:, None], err_start[b] + t0 + 5, victim)

        return err_place, err_start, err_dur

    def _joint_outings(self, d: int, t0: int, free: np.ndarray, visitors: np.ndarray,
                       friend: np.ndarray, err_place: np.ndarray, err_start: np.ndarray,
                       err_dur: np.ndarray, appetite: np.ndarray,
                       rng: np.random.Generator) -> np.ndarray:
        """Outings of several people at one place and time: protests, pyramid-scheme recruiting
        with a companion, and friends visiting together. A person joins at most one. Returns
        who joined one."""
        cfg, people, places = self.config, self.people, self.places
        inc, beh = cfg.incidents, cfg.behaviour
        n = people.n
        groups_member: list[np.ndarray] = []
        groups_id: list[np.ndarray] = []
        g_place: list[np.ndarray] = []
        g_kind: list[np.ndarray] = []
        next_id = 0

        # Protests (lawful): people with a grievance or a protest history, at a park.
        lam = inc.protest_rate_per_100k * n / 1e5
        n_protests = int(rng.poisson(lam))
        adult = people.age >= 18
        protest_history = people.history["protest_history"]
        eligible = free & adult & ((people.grievance >= 0) | protest_history)
        weight = eligible * (1.0 + 4.0 * protest_history) * appetite
        if n_protests and weight.sum() > 0:
            lo, hi = inc.protest_size
            sizes = rng.integers(lo, hi + 1, n_protests)
            members = rng.choice(n, size=int(sizes.sum()), p=weight / weight.sum())
            ids = np.repeat(np.arange(n_protests), sizes) + next_id
            parks = places.ids("park")
            groups_member.append(members)
            groups_id.append(ids)
            g_place.append(parks[rng.integers(0, parks.size, n_protests)])
            g_kind.append(np.zeros(n_protests, np.int8))
            next_id += n_protests

        # Recruiters bring a new companion into a compound that is not theirs.
        rec = np.flatnonzero(free & (people.role == ROLE["recruiter"]) & (
            rng.random(n) < np.clip(inc.recruit_visit_rate * appetite, 0, 1)))
        if rec.size:
            companion = rng.integers(0, n, rec.size)
            compounds = places.ids("compound")
            ids = np.arange(rec.size) + next_id
            groups_member.append(np.concatenate([rec, companion]))
            groups_id.append(np.concatenate([ids, ids]))
            g_place.append(compounds[rng.integers(0, compounds.size, rec.size)])
            g_kind.append(np.ones(rec.size, np.int8))
            next_id += rec.size

        # Friends visiting a compound together (the look-alike of recruiting).
        together = rng.random(visitors.size) < beh.companion_visit_share
        if together.any():
            host = friend[together]
            guest = visitors[together]
            mate = self.ties.random_neighbour(rng, guest, friends_only=True)
            ok = (mate >= 0) & (mate != host)
            guest, mate, host = guest[ok], mate[ok], host[ok]
            ids = np.arange(guest.size) + next_id
            groups_member.append(np.concatenate([guest, mate]))
            groups_id.append(np.concatenate([ids, ids]))
            g_place.append(places.compound[self.home[host]])
            g_kind.append(np.full(guest.size, 2, np.int8))
            next_id += guest.size
        joined = np.zeros(n, bool)
        if next_id == 0:
            return joined

        member = np.concatenate(groups_member)
        gid = np.concatenate(groups_id)
        place_of = np.concatenate(g_place)
        kind_of = np.concatenate(g_kind)
        # A person joins only the first group that drew them, and only if free today.
        order = np.argsort(gid, kind="stable")  # keeps a recruiter before the companion
        member, gid = member[order], gid[order]
        _, first = np.unique(member, return_index=True)
        keep = np.zeros(member.size, bool)
        keep[first] = True
        keep &= free[member]
        member, gid = member[keep], gid[keep]
        size = np.bincount(gid, minlength=next_id)
        valid = size >= 2
        in_valid = valid[gid]
        member, gid = member[in_valid], gid[in_valid]
        g_start = rng.integers(*_ERRAND_AFTER_WORK, next_id)
        g_dur = np.where(kind_of == 0, rng.integers(60, 121, next_id),
                         rng.integers(30, 121, next_id))
        err_place[member] = place_of[gid]
        err_start[member] = g_start[gid]
        err_dur[member] = g_dur[gid]
        joined[member] = True

        for code, kind in ((0, "protest"), (1, "pyramid_recruit")):
            sel = np.flatnonzero(valid & (kind_of == code))
            if sel.size == 0:
                continue
            in_sel = np.isin(gid, sel)
            m, g = member[in_sel], gid[in_sel]
            o = np.argsort(g, kind="stable")
            m, g = m[o], g[o]
            groups, counts = np.unique(g, return_counts=True)
            self._ledger.incidents(kind, (m, counts), g_start[groups] + t0 + 1,
                                place_of[groups])
        return joined

    def _nights(self, d: int, t0: int, free: np.ndarray, night_start: np.ndarray) -> np.ndarray:
        """Where each person sleeps: home, a hotel (guests, couples, drug deals), or a spouse's
        home for couples who live apart."""
        cfg, people, places = self.config, self.people, self.places
        rng = day_rng(self.seed, d, "incidents")
        n = people.n
        night = self.home.copy()
        hotels = places.ids("hotel")
        guest = free & (rng.random(n) < cfg.behaviour.hotel_night_rate)
        night[guest] = hotels[rng.integers(0, hotels.size, int(guest.sum()))]

        apart, sham = self.ties.apart, self.ties.sham
        if apart.size:
            rate = np.where(sham, cfg.behaviour.sham_night_together_rate,
                            cfg.behaviour.apart_night_together_rate)
            meet = free[apart[:, 0]] & free[apart[:, 1]] & (rng.random(sham.size) < rate)
            night[apart[meet, 1]] = self.home[apart[meet, 0]]

        dealers = np.flatnonzero(free & (people.role == ROLE["dealer"]))
        users = people.history["drug_use"] & free & (people.role != ROLE["dealer"])
        p_deal = np.clip(cfg.incidents.drug_deal_rate * self._intent * self._factor, 0, 1)
        buyers = np.flatnonzero(users & (rng.random(n) < p_deal))
        if dealers.size and buyers.size:
            dealer_hotel = hotels[rng.integers(0, hotels.size, dealers.size)]
            k = rng.integers(0, dealers.size, buyers.size)
            seller = dealers[k]
            night[buyers] = dealer_hotel[k]
            night[seller] = dealer_hotel[k]
            when = np.maximum(night_start[buyers], night_start[seller]) + t0
            pairs = np.stack([buyers, seller], axis=1)
            self._ledger.incidents("drug_deal", pairs, when, dealer_hotel[k])
        if d == 0:
            self._standing_incidents()
        return night

    def _standing_incidents(self) -> None:
        """Wrongdoing that is a standing state rather than an act: sham marriages and crowded
        rentals, recorded once on day 0."""
        ties, people = self.ties, self.people
        sham = ties.apart[ties.sham]
        self._ledger.incidents("sham_marriage", sham, np.zeros(sham.shape[0], np.int64),
                            np.full(sham.shape[0], -1, np.int64))
        crowded = np.flatnonzero(people.hh_crowded)
        members = np.flatnonzero(people.hh_crowded[people.household])
        self._ledger.incidents("crowded_rental", (members, people.hh_size[crowded]),
                            np.zeros(crowded.size, np.int64), crowded.astype(np.int64))

    def _phones_start(self, d: int, t0: int, status: dict[str, np.ndarray]) -> None:
        """Phone-off spells: ordinary ones (batteries, flights), and evasive petitioners' phones
        off for the whole trip (NYT-12)."""
        cfg = self.config
        rng = day_rng(self.seed, d, "phones")
        n = self.people.n
        off = self._phone_start >= 0
        dep = np.flatnonzero(status["departing"] & self._trip_evasive)
        if dep.size:
            s = self._trip_depart[dep] - 30
            e = (self._trip_return_day[dep] * DAY + self._trip_arrive[dep])
            was = off[dep]
            self._phone_start[dep] = np.where(was, np.minimum(self._phone_start[dep], s), s)
            self._phone_end[dep] = np.where(was, np.maximum(self._phone_end[dep], e), e)
            off[dep] = True
        new = ~off & (rng.random(n) < cfg.behaviour.phone_off_rate)
        k = int(new.sum())
        s = t0 + rng.integers(0, DAY, k)
        self._phone_start[new] = s
        self._phone_end[new] = s + np.maximum(
            1, rng.exponential(cfg.behaviour.phone_off_minutes, k)).astype(np.int64)

    def _phones_done(self, t0: int, last: bool) -> pa.Table:
        """The spells that ended today (all of them on the last day): a spell is reported on
        the day the phone comes back on."""
        active = self._phone_start >= 0
        cut = self.horizon if last else t0 + DAY
        done = np.flatnonzero(active & ((self._phone_end <= cut) | last))
        table = pa.table({"person": done, "start": self._phone_start[done],
                          "end": np.minimum(self._phone_end[done], self.horizon)},
                         schema=schema.PHONE_OFF)
        self._phone_start[done] = -1
        self._phone_end[done] = -1
        return table

    def _calls(self, d: int, t0: int) -> pa.Table:
        """Calls along ties and to out-of-town numbers (habitual or new); drug users call new
        out-of-town numbers often (NYT-6's footprint). No calls while the phone is off."""
        cfg = self.config
        beh = cfg.behaviour
        rng = day_rng(self.seed, d, "calls")
        n = self.people.n
        everyone = np.arange(n, dtype=np.int64)
        per = rng.poisson(beh.calls_per_day, n)
        drug = self.people.history["drug_use"]
        extra = np.where(drug, rng.poisson(cfg.incidents.drug_call_rate * self._intent), 0)
        caller = np.concatenate([np.repeat(everyone, per), np.repeat(everyone, extra)])
        is_extra = np.zeros(caller.size, bool)
        is_extra[int(per.sum()):] = True
        m = caller.size
        t = t0 + rng.integers(420, 1320, m)
        out = is_extra | (rng.random(m) < beh.out_of_town_call_share)
        new_number = is_extra | (rng.random(m) < beh.new_number_share)
        habitual = schema.OUT_OF_TOWN_NUMBER_BASE + caller * 4 + rng.integers(0, 3, m)
        fresh = schema.OUT_OF_TOWN_NUMBER_BASE + (1 << 38) + rng.integers(0, 1 << 37, m)
        local = self.ties.random_neighbour(rng, caller)
        local = np.where(local >= 0, local, rng.integers(0, n, m))
        callee = np.where(out, np.where(new_number, fresh, habitual), local)
        on = ~((self._phone_start[caller] >= 0) & (t >= self._phone_start[caller])
               & (t < self._phone_end[caller]))
        return pa.table({"caller": caller[on], "callee": callee[on], "t": t[on],
                         "out_of_town": out[on]}, schema=schema.CALLS)

    # ------------------------------------------------------------------ tables
    def _interventions_table(self) -> pa.Table:
        if not self._log:
            return schema.INTERVENTIONS.empty_table()
        table = pa.table({
            "person": np.concatenate([p for p, _, _, _ in self._log]),
            "t": np.concatenate([np.full(p.size, t, np.int64) for p, t, _, _ in self._log]),
            "action": np.concatenate([np.full(p.size, a, object) for p, _, a, _ in self._log]),
            "prevented": np.concatenate([pr for _, _, _, pr in self._log]),
        }, schema=schema.INTERVENTIONS)
        self._log = []
        return table

