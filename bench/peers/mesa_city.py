"""A Mesa 3 peer of custodiet's city, for the speed comparison in ``bench/scale.py``.

A seeded ``mesa.Model`` whose ``Person`` agents live the same kind of day as custodiet's
residents (home at night; work or school on weekdays; a park, bar or friend's home some
evenings; about three calls a day along their ties or to out-of-town numbers) and log the same
kinds of events: ``stays`` (person, place, start, end; a stay still open at midnight carries
into the next day) and ``calls`` (caller, callee, t, out_of_town), written to Parquet one row
group per day.

It is written the way a careful Mesa user would write it: agents created in one
``create_agents`` call, the city's structure drawn once with numpy, per-agent decisions drawn
from the model's seeded ``random.Random`` (scalar draws from Python's generator are several
times cheaper than scalar numpy calls), rows appended to per-day column lists and written with
a ``pyarrow.parquet.ParquetWriter`` (no per-row I/O, no DataFrame per agent).

    python bench/peers/mesa_city.py --people 100000 --days 7 --out /tmp/mesa
"""

from __future__ import annotations

import argparse
import json
import math
import time
from pathlib import Path

import mesa
import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

DAY = 1440
OUT_OF_TOWN = 1 << 40
# The same rates as custodiet's defaults (WorldConfig.behaviour and .population).
EMPLOYMENT = 0.65
CALLS_PER_DAY = 3.0
OUT_OF_TOWN_SHARE = 0.05
PARK, BAR, FRIEND = 0.08, 0.04, 0.05
FRIENDS_MEAN = 5.0
PEOPLE_PER_WORKPLACE = 20
PEOPLE_PER_PARK = 2000
PEOPLE_PER_BAR = 1000

STAYS = pa.schema([("person", pa.int64()), ("place", pa.int64()), ("start", pa.int64()),
                   ("end", pa.int64())])
CALLS = pa.schema([("caller", pa.int64()), ("callee", pa.int64()), ("t", pa.int64()),
                   ("out_of_town", pa.bool_())])


class Person(mesa.Agent):
    """A resident: a home, maybe a workplace, ties to call and visit, and the stay now open."""

    def __init__(self, model: CityModel, pid: int, home: int, work: int):
        super().__init__(model)
        self.pid = pid  # dense 0-based id, as in custodiet (Mesa's unique_id starts at 1)
        self.home = home
        self.work = work
        self.ties: list[int] = []
        self.open_place = home
        self.open_start = 0

    def _go(self, place: int, t: int) -> None:
        """Move to ``place`` at minute ``t``: close the open stay unless it is the same place."""
        if place == self.open_place:
            return
        log = self.model.log
        log.s_person.append(self.pid)
        log.s_place.append(self.open_place)
        log.s_start.append(self.open_start)
        log.s_end.append(t)
        self.open_place, self.open_start = place, t

    def step(self) -> None:
        model, rnd = self.model, self.random
        t0 = model.day * DAY
        evening = 1000 + rnd.randrange(80)
        if self.work >= 0 and model.weekday:
            self._go(self.work, t0 + 450 + rnd.randrange(90))
            self._go(self.home, t0 + evening)
        u = rnd.random()
        if u < PARK + BAR + FRIEND:
            if u < PARK:
                place = model.parks[rnd.randrange(len(model.parks))]
            elif u < PARK + BAR:
                place = model.bars[rnd.randrange(len(model.bars))]
            else:
                place = (model.homes[self.ties[rnd.randrange(len(self.ties))]]
                         if self.ties else self.home)
            self._go(place, t0 + evening + 85 + rnd.randrange(55))
            self._go(self.home, t0 + 1260 + rnd.randrange(120))
        self._call(t0, rnd)

    def _call(self, t0: int, rnd) -> None:  # type: ignore[no-untyped-def]
        log = self.model.log
        # Poisson(3) by inversion of the cumulative probabilities (few uniform draws).
        k, p, u = 0, math.exp(-CALLS_PER_DAY), rnd.random()
        cdf = p
        while u > cdf:
            k += 1
            p *= CALLS_PER_DAY / k
            cdf += p
        for _ in range(k):
            out = rnd.random() < OUT_OF_TOWN_SHARE or not self.ties
            callee = (OUT_OF_TOWN + self.pid * 4 + rnd.randrange(3) if out
                      else self.ties[rnd.randrange(len(self.ties))])
            log.c_caller.append(self.pid)
            log.c_callee.append(callee)
            log.c_t.append(t0 + 420 + rnd.randrange(900))
            log.c_out.append(out)


class DayLog:
    """One day's rows as column lists, written to Parquet as one row group per table."""

    def __init__(self, out: Path):
        out.mkdir(parents=True, exist_ok=True)
        self.stays = pq.ParquetWriter(out / "stays.parquet", STAYS)
        self.calls = pq.ParquetWriter(out / "calls.parquet", CALLS)
        self.rows = {"stays": 0, "calls": 0}
        self._reset()

    def _reset(self) -> None:
        self.s_person: list[int] = []
        self.s_place: list[int] = []
        self.s_start: list[int] = []
        self.s_end: list[int] = []
        self.c_caller: list[int] = []
        self.c_callee: list[int] = []
        self.c_t: list[int] = []
        self.c_out: list[bool] = []

    def flush(self) -> None:
        stays = pa.table([self.s_person, self.s_place, self.s_start, self.s_end], schema=STAYS)
        calls = pa.table([self.c_caller, self.c_callee, self.c_t, self.c_out], schema=CALLS)
        self.stays.write_table(stays)
        self.calls.write_table(calls)
        self.rows["stays"] += stays.num_rows
        self.rows["calls"] += calls.num_rows
        self._reset()

    def close(self) -> None:
        self.stays.close()
        self.calls.close()


class CityModel(mesa.Model):
    """Households, workplaces, parks and bars; ties of household, friends and coworkers."""

    def __init__(self, people: int, days: int, out: Path, seed: int = 1):
        super().__init__(seed=seed)
        rng = np.random.default_rng(seed)
        self.days, self.day = days, 0
        self.weekday = True
        size = rng.choice([1, 2, 3, 4, 5], p=[0.25, 0.3, 0.25, 0.15, 0.05], size=people)
        household = np.repeat(np.arange(people), size)[:people]
        self.homes = household.tolist()  # a person's home place is their household id
        n_hh = int(household[-1]) + 1
        n_work = max(1, people // PEOPLE_PER_WORKPLACE)
        work = np.where(rng.random(people) < EMPLOYMENT, n_hh + rng.integers(0, n_work, people),
                        -1)
        first = n_hh + n_work
        self.parks = list(range(first, first + max(1, people // PEOPLE_PER_PARK)))
        first += len(self.parks)
        self.bars = list(range(first, first + max(1, people // PEOPLE_PER_BAR)))
        Person.create_agents(self, people, list(range(people)), household.tolist(),
                             work.tolist())
        self.persons = sorted(self.agents, key=lambda p: p.pid)
        self._draw_ties(rng, household, work)
        self.log = DayLog(out)

    def _draw_ties(self, rng: np.random.Generator, household: np.ndarray,
                   work: np.ndarray) -> None:
        n = household.size
        same = np.flatnonzero(household[1:] == household[:-1])  # household chains
        a = [same, rng.integers(0, n, int(n * FRIENDS_MEAN / 2))]
        b = [same + 1, rng.integers(0, n, int(n * FRIENDS_MEAN / 2))]
        workers = np.flatnonzero(work >= 0)
        workers = workers[np.argsort(work[workers], kind="stable")]
        ring = np.flatnonzero(work[workers[1:]] == work[workers[:-1]])
        a.append(workers[ring])
        b.append(workers[ring + 1])
        a_, b_ = np.concatenate(a), np.concatenate(b)
        for x, y in zip(a_.tolist(), b_.tolist(), strict=True):
            if x != y:
                self.persons[x].ties.append(y)
                self.persons[y].ties.append(x)

    def step(self) -> None:
        self.weekday = self.day % 7 < 5
        self.agents.do("step")
        if self.day == self.days - 1:  # close every open stay at the horizon
            for p in self.persons:
                p._go(-1, self.days * DAY)
        self.log.flush()
        self.day += 1


def run(people: int, days: int, out: Path, seed: int = 1) -> dict[str, float]:
    """Build and run the peer; timings and row counts."""
    t = time.perf_counter()
    model = CityModel(people, days, out, seed)
    build = time.perf_counter() - t
    for _ in range(days):
        model.step()
    model.log.close()
    seconds = time.perf_counter() - t
    events = sum(model.log.rows.values())
    return {"people": people, "days": days, "seconds": seconds, "build_s": build,
            "events": events, **{f"rows_{k}": v for k, v in model.log.rows.items()},
            "person_days_per_s": people * days / seconds, "events_per_s": events / seconds}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--days", type=int, default=7)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    print(json.dumps(run(args.people, args.days, args.out, args.seed)))


if __name__ == "__main__":
    main()
