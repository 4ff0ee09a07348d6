"""Evasion that evades (NYT-12): road trips (a car, a driver, a changed vehicle) leave no
ticket and no station stay; ID checkpoints read some of them; a share of petition trips is
then recorded nowhere. Shares are binomial over trips; tolerances 4 standard errors.

With a = anti_reconnaissance, e = evasive_road_share, r = road_trip_share and c the
checkpoint share of capital routes, a petition trip is unrecorded (no ticket, no checkpoint)
with probability a e (1 − c) + (1 − a) r (1 − c).
"""

from __future__ import annotations

import duckdb
import numpy as np
import pyarrow as pa
import pytest

from custodiet.audit.sim._unseen import unseen_trips
from custodiet.scenario import WorldConfig
from custodiet.schema import ALERTS
from custodiet.world import World
from custodiet.world._geography import KIND
from tests.test_world_occupancy import _zeroed

Z = 4.0


def _run(config: WorldConfig, seed: int = 4) -> tuple[World, dict[str, pa.Table]]:
    world = World(config, seed=seed)
    days = [world.step() for _ in range(config.days)]
    keep = ("trips", "tickets", "checkpoints", "stays", "incidents")
    return world, {k: pa.concat_tables([d[k] for d in days]) for k in keep}


@pytest.fixture(scope="module")
def city() -> tuple[World, dict[str, pa.Table]]:
    return _run(WorldConfig.model_validate({
        "people": 80_000, "days": 14, "incidents": {"petition_rate": 0.05}}))


def _share(observed: np.ndarray, p: float) -> None:
    m = observed.size
    assert m > 100
    assert abs(observed.mean() - p) <= Z * np.sqrt(p * (1 - p) / m), (observed.mean(), p, m)


def test_road_shares(city) -> None:
    world, t = city
    trips = t["trips"].to_pandas()
    cfg = world.config
    _share((trips.loc[~trips.evasive, "mode"] == "road").to_numpy(),
           cfg.behaviour.road_trip_share)
    _share((trips.loc[trips.evasive, "mode"] == "road").to_numpy(),
           cfg.incidents.evasive_road_share)
    road = trips[trips["mode"] == "road"]
    capital = int(world.places.ids("capital")[0])
    _share(road.loc[road.destination == capital, "checkpoint"].to_numpy(),
           cfg.geography.checkpoint_capital_share)
    assert not trips.loc[trips["mode"] == "ticket", "checkpoint"].any()


def test_road_trips_leave_no_ticket_and_no_station_stay(city) -> None:
    world, t = city
    con = duckdb.connect()
    for name, table in t.items():
        con.register(name, table)
    con.register("kinds", pa.table({"place": np.arange(world.places.n),
                                    "station": world.places.kind == KIND["station"]}))
    ticket_of = """(SELECT count(*) FROM tickets k WHERE k.person = tr.person
                    AND k.depart = tr.depart AND k.destination = tr.destination)"""
    bad = con.execute(f"""SELECT count(*) FILTER (WHERE mode = 'road' AND {ticket_of} > 0),
        count(*) FILTER (WHERE mode = 'ticket' AND {ticket_of} <> 1) FROM trips tr""").fetchone()
    assert bad == (0, 0)
    at_station = con.execute("""SELECT count(*) FROM trips tr JOIN stays s
        ON s.person = tr.person AND s."end" = tr.depart JOIN kinds k ON k.place = s.place
        WHERE tr.mode = 'road' AND k.station""").fetchone()[0]
    assert at_station == 0
    checked = con.execute("""SELECT count(*) FROM checkpoints c JOIN trips tr
        ON tr.person = c.person AND tr.destination = c.place AND tr.checkpoint
        AND c.t BETWEEN tr.depart + 30 AND tr.depart + 150""").fetchone()[0]
    assert checked == t["checkpoints"].num_rows == int(t["trips"]["checkpoint"].to_numpy().sum())


def test_a_share_of_petition_trips_is_recorded_nowhere(city) -> None:
    world, t = city
    cfg = world.config
    a, e = cfg.incidents.anti_reconnaissance, cfg.incidents.evasive_road_share
    r, c = cfg.behaviour.road_trip_share, cfg.geography.checkpoint_capital_share
    p = a * e * (1 - c) + (1 - a) * r * (1 - c)
    con = duckdb.connect()
    for name, table in t.items():
        con.register(name, table)
    con.register("alerts", ALERTS.empty_table())
    counts = unseen_trips(con, rules={})
    m = counts["petition_trips"]
    assert m > 300 and counts["unseen"] == counts["unrecorded"]  # no rules: nobody alerted
    assert abs(counts["unrecorded"] / m - p) <= Z * np.sqrt(p * (1 - p) / m)
    # a record the watch's sensors do not observe records nothing
    assert unseen_trips(con, rules={}, checkpoints=False)["unrecorded"] == counts["no_ticket"]
    blind = unseen_trips(con, rules={}, tickets=False, checkpoints=False)
    assert blind["unrecorded"] == blind["unseen"] == m > counts["unrecorded"]


def test_null_world_leaves_no_petition_trip_to_hide() -> None:
    config = _zeroed(WorldConfig.model_validate({"people": 20_000, "days": 7}), "petition_trip")
    _, t = _run(config)
    assert not t["trips"]["petition"].to_numpy().any()
