"""Property tests: for random small cities and seeds, the stay log tiles time for everyone and
a world stepped with interventions keeps every invariant."""

from __future__ import annotations

import datetime as dt
import itertools

import numpy as np
import pyarrow as pa
from hypothesis import given, settings
from hypothesis import strategies as st

from custodiet.scenario import WorldConfig
from custodiet.schema import MINUTES_PER_DAY
from custodiet.world import World
from custodiet.world._stays import close_stays


def _check_tiling(stays: pa.Table, people: int, horizon: int) -> None:
    person = stays["person"].to_numpy()
    start = stays["start"].to_numpy()
    end = stays["end"].to_numpy()
    place = stays["place"].to_numpy()
    order = np.lexsort((start, person))
    person, start, end, place = person[order], start[order], end[order], place[order]
    assert np.all(end > start)
    same = person[1:] == person[:-1]
    assert np.all(start[1:][same] == end[:-1][same]), "gap or overlap"
    assert np.all(place[1:][same] != place[:-1][same]), "unmerged repeat"
    first = np.concatenate([[True], ~same])
    last = np.concatenate([~same, [True]])
    assert np.all(start[first] == 0) and np.all(end[last] == horizon)
    assert np.array_equal(np.unique(person), np.arange(people))


@settings(max_examples=12, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), people=st.integers(50, 1500), days=st.integers(1, 4),
       weekday=st.integers(0, 6), hotel=st.floats(0, 0.2), trips=st.floats(0, 0.2),
       intervene=st.booleans())
def test_stays_tile_time_for_random_cities(seed: int, people: int, days: int, weekday: int,
                                           hotel: float, trips: float, intervene: bool) -> None:
    cfg = WorldConfig.model_validate({
        "people": people, "days": days,
        "start_date": dt.date(2026, 3, 2) + dt.timedelta(days=weekday),
        "behaviour": {"hotel_night_rate": hotel, "trip_rate": trips},
        "incidents": {"petition_rate": 0.2, "pickpocket_share": 0.01, "recruiter_share": 0.01},
    })
    world = World(cfg, seed)
    stays = []
    rng = np.random.default_rng(seed)
    while not world.finished:
        stays.append(world.step()["stays"])
        if intervene and not world.finished:
            who = rng.choice(people, size=min(people, 20), replace=False)
            action = ("visit", "block_travel", "detain")[world.day % 3]
            world.intervene(who, action, world.day * MINUTES_PER_DAY, chill=0.5,
                            until=(world.day + 1) * MINUTES_PER_DAY + 60)
    _check_tiling(pa.concat_tables(stays), people, days * MINUTES_PER_DAY)


@settings(max_examples=50, deadline=None)
@given(data=st.data())
def test_close_stays_matches_a_plain_reference(data: st.DataObject) -> None:
    n = data.draw(st.integers(1, 6))
    k = data.draw(st.integers(1, 5))
    places = np.array(data.draw(st.lists(st.lists(st.integers(-1, 3), min_size=k, max_size=k),
                                         min_size=n, max_size=n)), dtype=np.int64)
    gaps = np.array(data.draw(st.lists(st.lists(st.integers(1, 50), min_size=k, max_size=k),
                                       min_size=n, max_size=n)), dtype=np.int64)
    starts = 100 + np.cumsum(gaps, axis=1)
    open_place = np.array(data.draw(st.lists(st.integers(0, 3), min_size=n, max_size=n)))
    open_start = np.array(data.draw(st.lists(st.integers(0, 99), min_size=n, max_size=n)))
    got = close_stays(open_place, open_start, places, starts)

    expected_rows, expected_open = [], []
    for p in range(n):
        seq = [(int(open_place[p]), int(open_start[p]))]
        for j in range(k):
            if places[p, j] >= 0 and places[p, j] != seq[-1][0]:
                seq.append((int(places[p, j]), int(starts[p, j])))
        for (pl, s), (_, e) in itertools.pairwise(seq):
            expected_rows.append((p, pl, s, e))
        expected_open.append(seq[-1])
    rows = list(zip(got.person.tolist(), got.place.tolist(), got.start.tolist(),
                    got.end.tolist(), strict=True))
    assert rows == expected_rows
    assert list(zip(got.open_place.tolist(), got.open_start.tolist(), strict=True)) \
        == expected_open
