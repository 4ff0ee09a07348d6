"""Innocents stopped where patrols stop people: on a hand-built city the people present in each
patrolled cell-day are the ones counted, at most ``n`` of them are stopped, the innocent are
those in no unlawful incident of a claimed kind that day, and the figure per true incident
found is the ratio of the totals with an interval around it. (A study with stops:
``tests/test_places_scenario.py``.)"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pytest

from custodiet.places import (
    CityCrime,
    PatrolConfig,
    PatrolRun,
    city_grid_of,
    pooled_stops,
    stops_in_city,
)
from custodiet.scenario import WorldConfig

DAY = 1440
#: A city of 32,000 at 8,000 per km²: 2 km a side, 4 × 4 cells of 500 m (one per district).
WORLD = WorldConfig.model_validate({"people": 32_000, "days": 3})
G = city_grid_of(WORLD, 500.0)
PLACES = pa.table({"place_id": [0, 1, 2], "x": [100.0, 1900.0, float("nan")],
                   "y": [100.0, 1900.0, float("nan")]})


def _run(history: int = 1) -> PatrolRun:
    cfg = PatrolConfig(G, np.zeros(G.n_cells), k=1, history_days=history, days=2)
    true = np.zeros((2, G.n_cells))
    true[0, 0], true[1, 15], true[1, 3] = 2, 1, 5  # the last in a cell not patrolled
    patrolled = np.zeros((2, G.n_cells), bool)
    patrolled[0, 0] = patrolled[1, 15] = True
    return PatrolRun(cfg, 7, true, np.zeros_like(true), np.zeros_like(true), patrolled)


def _stays(extra: list[tuple[int, int, int, int]] = ()) -> pa.Table:
    rows = [(0, 0, DAY + 60, DAY + 120), (1, 0, DAY + 300, DAY + 400),
            (2, 0, DAY + 500, DAY + 900), (2, 0, DAY + 950, DAY + 990),  # one person twice
            (3, 1, DAY + 60, DAY + 120),  # cell 15 on a day it is not patrolled
            (4, 1, 2 * DAY - 30, 2 * DAY + 30),  # over midnight into the patrolled day
            (5, 1, 2 * DAY + 10, 2 * DAY + 20),
            (8, 2, DAY + 10, DAY + 20), *extra]  # out of town: no cell
    person, place, start, end = zip(*rows, strict=True)
    return pa.table({"person": list(person), "place": list(place), "start": list(start),
                     "end": list(end)})


INCIDENTS = pa.table({
    "incident_id": [0, 1, 2, 3], "kind": ["burglary", "pickpocket", "protest", "drug_deal"],
    "t": [DAY + 350, 10, DAY + 600, 2 * DAY + 15], "place": [0, 1, 0, 1],
    "persons": [[1], [5], [2], [9, 4]], "lawful": [False, False, True, False]})
CRIME = CityCrime(WORLD, 7, np.zeros(0, np.int64), np.zeros(0, np.int64),
                  np.zeros(0, np.int64), np.zeros(0), np.zeros(0))


def test_everyone_present_is_stopped_and_the_guilty_are_told_apart() -> None:
    s = stops_in_city(_stays(), PLACES, INCIDENTS, CRIME, _run(), 10)
    # day 0, cell 0: persons 0, 1, 2 (1 burgled that day; 2's protest is lawful)
    # day 1, cell 15: persons 4 (in a drug deal that day) and 5 (a theft, but the day before)
    assert s.stopped.tolist() == [3, 2] and s.innocent.tolist() == [2, 1]
    assert s.found.tolist() == [2, 1]


def test_at_most_n_a_cell_day_drawn_by_the_seed_alone() -> None:
    one = stops_in_city(_stays(), PLACES, INCIDENTS, CRIME, _run(), 1)
    assert one.stopped.tolist() == [1, 1]
    more = _stays([(6, 1, 2 * DAY + 100, 2 * DAY + 200), (7, 0, 0, 30)])
    again = stops_in_city(more, PLACES, INCIDENTS, CRIME, _run(), 1)
    assert again.innocent[0] == one.innocent[0], "day 0's draw moved with another day's people"
    picks = {stops_in_city(_stays(), PLACES, INCIDENTS,
                           CityCrime(WORLD, seed, *([np.zeros(0, np.int64)] * 3),
                                     np.zeros(0), np.zeros(0)), _run(), 1).innocent[0]
             for seed in range(40)}
    assert picks == {0.0, 1.0}, "over seeds, the guilty and the innocent are both drawn"


def test_the_pooled_figure_is_the_ratio_of_the_totals() -> None:
    a = stops_in_city(_stays(), PLACES, INCIDENTS, CRIME, _run(), 10)
    b = stops_in_city(_stays(), PLACES, INCIDENTS, CRIME, _run(), 2)
    out = pooled_stops([a, b], replicates=500)
    assert out["stopped"] == 9 and out["innocent"] == a.innocent.sum() + b.innocent.sum()
    assert out["estimate"] == pytest.approx(out["innocent"] / 6)
    assert out["low"] <= out["estimate"] <= out["high"]
    assert "innocent people stopped for each true incident" in out["sentence"]


def test_no_incident_found_gives_no_figure() -> None:
    run = _run()
    empty = PatrolRun(run.config, 7, np.zeros_like(run.true), run.reported, run.discovered,
                      run.patrolled)
    out = pooled_stops([stops_in_city(_stays(), PLACES, INCIDENTS, CRIME, empty, 10)])
    assert "estimate" not in out and "no figure per incident found" in out["sentence"]
