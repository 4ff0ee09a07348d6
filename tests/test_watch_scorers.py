"""Scorers: the checklist's worked example, and a learned model that picks up a real signal."""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from custodiet.scenario._watch import Checklist, Learned
from custodiet.schema import (
    ALERTS,
    HISTORY_FLAGS,
    PERSONS,
    PLACES,
    RECORD_LABELS,
    TICKETS,
    TIES,
)
from custodiet.watch._inputs import OBSERVED
from custodiet.watch._scorers import ChecklistScorer, Features, LearnedScorer


def _persons(n: int, petition: np.ndarray, grievance: list[str]) -> pa.Table:
    cols = {
        "person_id": np.arange(n), "household_id": np.arange(n), "home_place": np.arange(n),
        "district": np.zeros(n, np.int32), "age": np.full(n, 40, np.int16),
        "sex": ["F"] * n, "ethnicity": ["majority"] * n, "migrant": np.zeros(n, bool),
        "foreign": np.zeros(n, bool), "work_permit": np.zeros(n, bool), "ses": ["middle"] * n,
        "work_place": np.zeros(n, np.int64), "student": np.zeros(n, bool),
        "official": np.zeros(n, bool),
        **{f"{h}_recorded": (petition if h == "petition_history" else np.zeros(n, bool))
           for h in HISTORY_FLAGS},
        "grievance_recorded": grievance,
        **{f"{label}_recorded": np.zeros(n, bool) for label in RECORD_LABELS},
        "temperament": [""] * n,
    }
    return pa.table(cols, schema=PERSONS)


def _places() -> pa.Table:
    return pa.table({"place_id": [0], "kind": ["capital"], "x": [np.nan], "y": [np.nan],
                     "district": [-1], "compound": [-1]}, schema=PLACES)


def test_checklist_worked_example() -> None:
    petition = np.array([True, True, False])
    persons = _persons(3, petition, ["tragedy", "", ""])
    features = Features(persons, TIES.empty_table(), _places())
    scorer = ChecklistScorer(Checklist(kind="checklist", name="c",
                                       weights={"petition_history": 3, "tragedy": 2},
                                       levels=[2, 4]), features)
    assert scorer.levels(0, {}).tolist() == [2, 1, 0]


def petition_days(scorer: LearnedScorer, petition: np.ndarray, rng: np.random.Generator,
                  days: int, *, features: Features | None = None) -> list[np.ndarray]:
    """The scorer's levels over ``days`` days on which petitioners buy tickets to the capital
    at 20% a day and others at 1% (drawn from ``rng``); ``features``, when given, also see each
    day's observations (the trips counted so far)."""
    n, out = len(petition), []
    for day in range(days):
        buys = np.flatnonzero(rng.random(n) < np.where(petition, 0.2, 0.01))
        tickets = pa.table({"ticket_id": np.arange(buys.size), "person": buys,
                            "t": np.full(buys.size, day * 1440), "destination": np.zeros(
                                buys.size, np.int64), "depart": np.full(buys.size, 1),
                            "cash": np.zeros(buys.size, bool)}, schema=TICKETS)
        observed = {"tickets": tickets, "phone_off": OBSERVED["phone_off"].empty_table()}
        out.append(scorer.levels(day, observed))
        if features is not None:
            features.update(observed, ALERTS.empty_table())
    return out


def test_learned_scorer_ranks_the_people_who_travel_higher() -> None:
    n = 5000
    rng = np.random.default_rng(0)
    petition = rng.random(n) < 0.2
    features = Features(_persons(n, petition, [""] * n), TIES.empty_table(), _places())
    scorer = LearnedScorer(Learned(kind="learned", name="m", features=["petition_history"],
                                   levels=[0.02, 0.1]), features, seed=1)
    levels = petition_days(scorer, petition, rng, 4)[-1]
    # Fitted on ~3 × 5000 rows: the rates' standard errors (≤ 0.008 for 0.2, ≤ 0.001 for 0.01)
    # are far from the level thresholds 0.1 and 0.02.
    assert set(levels[petition].tolist()) == {2} and set(levels[~petition].tolist()) == {0}


def _learned_days(refit_days: int, days: int = 7) -> tuple[list[np.ndarray], LearnedScorer]:
    """A learned scorer's levels over ``days`` days of the petitioners' tickets above."""
    n = 3000
    rng = np.random.default_rng(2)
    petition = rng.random(n) < 0.2
    features = Features(_persons(n, petition, [""] * n), TIES.empty_table(), _places())
    scorer = LearnedScorer(Learned(kind="learned", name="m", features=["petition_history"],
                                   levels=[0.02, 0.1], refit_days=refit_days), features, seed=1)
    return petition_days(scorer, petition, rng, days), scorer


def test_learned_scorer_refits_every_k_days() -> None:
    daily, every_day = _learned_days(1)
    sparse, every_third = _learned_days(3)
    # Day 0 has no labelled rows; fits on days 1..6 daily, on days 1 and 4 every third day.
    assert (every_day.fits, every_third.fits) == (6, 2)
    # A refit day sees the same training rows either way, so gives the same levels.
    for day in (0, 1, 4):
        assert np.array_equal(daily[day], sparse[day]), day
    # Between refits the last fit scores today's (here unchanged) features.
    assert all(np.array_equal(sparse[d], sparse[1]) for d in (2, 3))
    assert all(np.array_equal(sparse[d], sparse[4]) for d in (5, 6))


def test_a_checklist_can_weigh_an_officer_filled_temperament_label() -> None:
    """``temperament_short_tempered`` is 1 exactly for the profiles carrying that label; a label
    of the world nobody carries is a column of zeros."""
    n = 4
    persons = _persons(n, np.zeros(n, bool), [""] * n).set_column(
        PERSONS.get_field_index("temperament"), "temperament",
        pa.array(["short tempered", "paranoid", "", "short tempered"]))
    features = Features(persons, TIES.empty_table(), _places())
    scorer = ChecklistScorer(Checklist(kind="checklist", name="c",
                                       weights={"temperament_short_tempered": 3,
                                                "temperament_meticulous": 5},
                                       levels=[2]), features)
    assert scorer.levels(0, {}).tolist() == [1, 0, 0, 1]


def test_a_temperament_feature_must_name_a_label_of_the_world() -> None:
    import pytest

    from custodiet.errors import UserError
    from custodiet.scenario import scenario_from_mapping

    scorer = {"kind": "checklist", "name": "c", "weights": {"temperament_paranoyd": 1.0}}
    with pytest.raises(UserError) as err:
        scenario_from_mapping({"scorers": [scorer]}, source="s.toml")
    assert "scorers[0].weights" in str(err.value) and "temperament_paranoid" in str(err.value)
    scorer["weights"] = {"temperament_paranoid": 1.0}
    assert scenario_from_mapping({"scorers": [scorer]}).scorers[0].weights
