"""Invariants of the simulated city, checked in SQL over a whole run (no sampling)."""

from __future__ import annotations

from custodiet.schema import MINUTES_PER_DAY
from custodiet.store import Run


def _count(run: Run, sql: str) -> int:
    return int(run.con.execute(sql).fetchone()[0])


def test_each_persons_stays_tile_the_horizon_without_overlap_or_gap(busy_run: Run) -> None:
    horizon = busy_run.manifest["days"] * MINUTES_PER_DAY
    bad = _count(busy_run, f"""
        WITH s AS (
          SELECT person, start, "end",
                 lag("end") OVER (PARTITION BY person ORDER BY start) AS prev_end,
                 row_number() OVER (PARTITION BY person ORDER BY start) AS i,
                 row_number() OVER (PARTITION BY person ORDER BY start DESC) AS j
          FROM stays)
        SELECT count(*) FROM s
        WHERE "end" <= start
           OR (i = 1 AND start <> 0)
           OR (i > 1 AND start <> prev_end)
           OR (j = 1 AND "end" <> {horizon})""")
    assert bad == 0
    people = _count(busy_run, "SELECT count(DISTINCT person) FROM stays")
    assert people == busy_run.manifest["people"]


def test_consecutive_stays_are_at_different_places(busy_run: Run) -> None:
    assert _count(busy_run, """
        SELECT count(*) FROM (
          SELECT place, lag(place) OVER (PARTITION BY person ORDER BY start) AS prev FROM stays)
        WHERE place = prev""") == 0


def test_everyone_is_home_at_night_unless_in_a_hotel_travelling_or_held(busy_run: Run) -> None:
    # At 03:00 of every day, each person is at a home (their own, or a spouse's), a hotel,
    # outside the city, or in police custody.
    days = busy_run.manifest["days"]
    counts = dict(busy_run.con.execute(f"""
        WITH nights AS (SELECT range * {MINUTES_PER_DAY} + 180 AS t FROM range({days}))
        SELECT p.kind, count(*) FROM nights n
        JOIN stays s ON s.start <= n.t AND n.t < s."end"
        JOIN places p ON p.place_id = s.place
        GROUP BY p.kind""").fetchall())
    assert sum(counts.values()) == busy_run.manifest["people"] * days
    assert set(counts) <= {"home", "hotel", "capital", "out_of_town", "police"}
    own_or_spouse = _count(busy_run, f"""
        WITH nights AS (SELECT range * {MINUTES_PER_DAY} + 180 AS t FROM range({days}))
        SELECT count(*) FROM nights n
        JOIN stays s ON s.start <= n.t AND n.t < s."end"
        JOIN places pl ON pl.place_id = s.place AND pl.kind = 'home'
        JOIN persons p ON p.person_id = s.person
        WHERE s.place <> p.home_place
          AND NOT EXISTS (SELECT 1 FROM ties t JOIN persons q
                          ON q.person_id = CASE WHEN t.a = s.person THEN t.b ELSE t.a END
                          WHERE t.kind = 'spouse' AND s.person IN (t.a, t.b)
                            AND q.home_place = s.place)""")
    assert own_or_spouse == 0


def test_every_trip_out_of_the_city_is_logged_and_ticketed_unless_by_road(busy_run: Run) -> None:
    trips = _count(busy_run, """
        SELECT count(*) FROM stays s JOIN places p ON p.place_id = s.place
        WHERE p.kind IN ('capital', 'out_of_town')""")
    assert trips > 0
    unlogged = _count(busy_run, """
        SELECT count(*) FROM stays s JOIN places p ON p.place_id = s.place
        WHERE p.kind IN ('capital', 'out_of_town')
          AND NOT EXISTS (SELECT 1 FROM trips tr WHERE tr.person = s.person
                          AND tr.destination = s.place AND tr.depart = s.start)""")
    assert unlogged == 0
    ticket = """(SELECT count(*) FROM tickets k WHERE k.person = tr.person
                 AND k.destination = tr.destination AND k.depart = tr.depart
                 AND k.t < tr.depart)"""
    assert _count(busy_run, f"SELECT count(*) FROM trips tr WHERE tr.ticketed <> ({ticket} > 0)"
                  ) == 0
    assert _count(busy_run, "SELECT count(*) FROM trips WHERE ticketed = (mode = 'road')") == 0
    assert _count(busy_run, "SELECT count(*) FROM trips WHERE mode = 'road'") > 0


def test_every_trip_leaves_from_a_station_or_by_road_from_home(busy_run: Run) -> None:
    assert _count(busy_run, """
        WITH s AS (SELECT person, place, start,
                          lag(place) OVER (PARTITION BY person ORDER BY start) AS prev FROM stays)
        SELECT count(*) FROM s JOIN places p ON p.place_id = s.place
        JOIN places q ON q.place_id = s.prev
        JOIN trips tr ON tr.person = s.person AND tr.depart = s.start
        WHERE p.kind IN ('capital', 'out_of_town')
          AND q.kind <> CASE WHEN tr.mode = 'road' THEN 'home' ELSE 'station' END""") == 0


def test_phone_off_spells_are_positive_and_never_overlap(busy_run: Run) -> None:
    assert _count(busy_run, """
        SELECT count(*) FROM (
          SELECT start, "end", lag("end") OVER (PARTITION BY person ORDER BY start) AS prev_end
          FROM phone_off)
        WHERE "end" <= start OR start < prev_end""") == 0


def test_no_call_is_made_while_the_callers_phone_is_off(busy_run: Run) -> None:
    assert _count(busy_run, """
        SELECT count(*) FROM calls c JOIN phone_off o
        ON o.person = c.caller AND c.t >= o.start AND c.t < o."end" """) == 0


def test_utility_has_one_reading_per_household_per_day(busy_run: Run) -> None:
    households = _count(busy_run, "SELECT count(DISTINCT household_id) FROM persons")
    days = busy_run.manifest["days"]
    assert _count(busy_run, "SELECT count(*) FROM utility") == households * days
    assert _count(busy_run, "SELECT count(*) FROM (SELECT DISTINCT household, day FROM utility)") \
        == households * days
    assert _count(busy_run, "SELECT count(*) FROM utility WHERE water < 0 OR power < 0") == 0
    # A meter reads zero only when nobody is home all day: then both meters do.
    assert _count(busy_run, "SELECT count(*) FROM utility WHERE (water = 0) <> (power = 0)") == 0


def test_ties_are_normalised_and_unique(busy_run: Run) -> None:
    assert _count(busy_run, "SELECT count(*) FROM ties WHERE a >= b") == 0
    assert _count(busy_run, "SELECT count(*) - count(DISTINCT (a, b, kind)) FROM ties") == 0
