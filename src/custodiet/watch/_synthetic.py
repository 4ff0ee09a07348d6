"""Small synthetic inputs for the conformance checks: a dense observed log over a few days and a
population for scorers, drawn from a seed (no world is needed, so a check runs anywhere)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pyarrow as pa

from custodiet import schema
from custodiet.schema import MINUTES_PER_DAY as DAY
from custodiet.schema import OUT_OF_TOWN_NUMBER_BASE as OOT
from custodiet.watch._inputs import OBSERVED, RELATIONS

Rows = dict[str, list[dict[str, Any]]]
PERSONS = 12
DAYS = 8
GRID = 30  # coarse minutes, so that stays overlap and touch often


def _places(rng: np.random.Generator) -> list[dict[str, Any]]:
    """One or two places of every kind, close together (out-of-city ones without
    coordinates)."""
    rows = []
    for kind in schema.PLACE_KINDS:
        for _ in range(1 + (kind in ("home", "hotel", "park"))):
            away = kind in schema.OUT_OF_CITY_KINDS
            rows.append({"place_id": len(rows), "kind": kind,
                         "x": np.nan if away else float(rng.integers(0, 6) * 60),
                         "y": np.nan if away else float(rng.integers(0, 4) * 60),
                         "district": -1 if away else int(rng.integers(0, 2)), "compound": -1})
    return rows


def _stays(rng: np.random.Generator, n_places: int) -> list[dict[str, Any]]:
    rows = []
    slots = DAYS * DAY // GRID
    for person in range(PERSONS):
        cuts = np.sort(rng.choice(slots, size=2 * int(rng.integers(12, 30)), replace=False))
        for lo, hi in zip(cuts[::2], cuts[1::2], strict=True):
            end = int(hi) * GRID
            rows.append({"person": person, "place": int(rng.integers(0, n_places)),
                         "start": int(lo) * GRID, "end": end, "seen_day": (end - 1) // DAY})
    return rows


def _events(rng: np.random.Generator, n_places: int) -> Rows:
    """Calls, tickets, phone-off spells and meter readings."""
    slots = DAYS * DAY // GRID
    calls = []
    for _ in range(40 * DAYS):
        callee = int(rng.integers(0, PERSONS + 4))
        t = int(rng.integers(0, slots)) * GRID
        oot = callee >= PERSONS
        calls.append({"caller": int(rng.integers(0, PERSONS)),
                      "callee": OOT + callee if oot else callee, "t": t, "out_of_town": oot,
                      "seen_day": t // DAY})
    tickets = []
    for i in range(8 * DAYS):
        t = int(rng.integers(0, slots)) * GRID
        tickets.append({"ticket_id": i, "person": int(rng.integers(0, PERSONS)), "t": t,
                        "destination": int(rng.integers(0, n_places)), "depart": t + DAY,
                        "cash": bool(rng.random() < 0.5), "seen_day": t // DAY})
    phone_off = []
    for person in range(PERSONS):
        for _ in range(int(rng.integers(0, 4))):
            start = int(rng.integers(0, slots - 1)) * GRID
            end = start + int(rng.integers(1, 16)) * GRID
            phone_off.append({"person": person, "start": start, "end": end,
                              "seen_day": (end - 1) // DAY})
    utility = [{"household": h, "day": d, "water": float(rng.integers(0, 8) * 100),
                "power": float(rng.integers(1, 8)), "seen_day": d}
               for h in range(PERSONS // 2) for d in range(DAYS) if rng.random() < 0.9]
    return {"calls": calls, "tickets": tickets, "phone_off": phone_off, "utility": utility}


def synthetic_log(seed: int, lists: list[str] | tuple[str, ...] = ()) -> Rows:
    """A dense observed log of ``PERSONS`` persons over ``DAYS`` days, as rows of every relation;
    about half the persons are on each list named."""
    rng = np.random.default_rng(seed)
    places = _places(rng)
    homes = [{"household": h, "home_place": 2 * (h % 2), "district": h % 2, "residents": 2,
              "persons": [2 * h, 2 * h + 1]} for h in range(PERSONS // 2)]
    members = [{"list": name, "person": p} for name in lists for p in range(PERSONS)
               if rng.random() < 0.5]
    member_homes = sorted({(m["list"], p // 2) for m in members for p in [m["person"]]})
    scores = [{"scorer": name, "person": p, "level": int(rng.integers(0, 4)),
               "prev_level": int(rng.integers(0, 4))} for name in ("s", "tj")
              for p in range(PERSONS)]
    records = [{"person": p, "home_place": homes[p // 2]["home_place"],
                "work_place": int(rng.integers(-1, len(places))), "district": p // 2 % 2}
               for p in range(PERSONS)]
    rows = {"places": places, "stays": _stays(rng, len(places)), **_events(rng, len(places)),
            "records": records,
            "homes": homes, "members": members, "scores": scores,
            "member_homes": [{"list": a, "household": b} for a, b in member_homes],
            "spouses": [{"a": 2 * h, "b": 2 * h + 1} for h in range(PERSONS // 2)]}
    # Drawn last, so that the other relations are those of a seed before checkpoints existed.
    rows["checkpoints"] = _checkpoints(rng, places)
    return rows


def _checkpoints(rng: np.random.Generator, places: list[dict[str, Any]]
                 ) -> list[dict[str, Any]]:
    """ID cards read at road checkpoints on the roads to the places outside the city."""
    away = [p["place_id"] for p in places if p["kind"] in schema.OUT_OF_CITY_KINDS]
    rows = []
    for _ in range(3 * DAYS):
        t = int(rng.integers(0, DAYS * DAY // GRID)) * GRID
        rows.append({"person": int(rng.integers(0, PERSONS)), "t": t,
                     "place": int(rng.choice(away)), "seen_day": t // DAY})
    return rows


def arrow(rows: Rows) -> dict[str, pa.Table]:
    """Rows as Arrow tables with the relations' schemas."""
    return {name: pa.Table.from_pylist(r, schema=RELATIONS[name]) for name, r in rows.items()}


def received_since(rows: Rows, first_day: int) -> Rows:
    """The log with only the event rows received on or after ``first_day`` (what a watch that
    keeps ``day - first_day + 1`` days holds)."""
    return {name: [r for r in table if r["seen_day"] >= first_day] if name in OBSERVED else table
            for name, table in rows.items()}


def received_on(rows: Rows, day: int) -> Rows:
    """The log with only the event rows received on ``day``."""
    return {name: [r for r in table if r["seen_day"] == day] if name in OBSERVED else table
            for name, table in rows.items()}


def synthetic_population(seed: int, n: int = 200) -> dict[str, pa.Table]:
    """``persons``, ``ties`` and ``places`` of a small population with recorded histories."""
    rng = np.random.default_rng(seed)
    cols: dict[str, Any] = {}
    for field in schema.PERSONS:
        if field.name == "person_id":
            cols[field.name] = np.arange(n)
        elif field.name == "household_id":
            cols[field.name] = np.arange(n) // 2
        elif field.name == "age":
            cols[field.name] = rng.integers(0, 90, n)
        elif field.name == "grievance_recorded":
            cols[field.name] = rng.choice(["", *schema.GRIEVANCES], n)
        elif field.name == "ses":
            cols[field.name] = rng.choice(["low", "middle", "high"], n)
        elif pa.types.is_boolean(field.type):
            cols[field.name] = rng.random(n) < 0.2
        elif pa.types.is_string(field.type):
            cols[field.name] = rng.choice(["a", "b"], n)
        else:
            cols[field.name] = rng.integers(0, 3, n)
    persons = pa.table({k: pa.array(v).cast(schema.PERSONS.field(k).type)
                        for k, v in cols.items()}, schema=schema.PERSONS)
    a = rng.integers(0, n, 3 * n)
    b = rng.integers(0, n, 3 * n)
    keep = a != b
    ties = pa.table({"a": a[keep], "b": b[keep],
                     "kind": rng.choice(list(schema.TIE_KINDS), int(keep.sum()))},
                    schema=schema.TIES)
    places = pa.Table.from_pylist(_places(rng), schema=schema.PLACES)
    return {"persons": persons, "ties": ties, "places": places}


def synthetic_days(seed: int, population: dict[str, pa.Table], days: int = DAYS
                   ) -> list[dict[str, pa.Table]]:
    """Observed days for scorers: capital tickets and phone-off spells of random persons."""
    rng = np.random.default_rng(seed)
    n = population["persons"].num_rows
    kind = population["places"].column("kind").to_numpy(zero_copy_only=False).astype(str)
    capital = np.flatnonzero(kind == "capital")
    out = []
    for day in range(days):
        k = int(rng.integers(1, max(2, n // 10)))
        who = rng.integers(0, n, k)
        t = day * DAY + rng.integers(0, DAY, k)
        tickets = pa.table({"ticket_id": np.arange(k) + day * n, "person": who, "t": t,
                            "destination": rng.choice(capital, k), "depart": t + DAY,
                            "cash": rng.random(k) < 0.5,
                            "seen_day": np.full(k, day, np.int32)}, schema=OBSERVED["tickets"])
        off = rng.integers(0, n, k)
        phone_off = pa.table({"person": off, "start": t, "end": t + 60,
                              "seen_day": np.full(k, day, np.int32)},
                             schema=OBSERVED["phone_off"])
        out.append({**{m: s.empty_table() for m, s in OBSERVED.items()},
                    "tickets": tickets, "phone_off": phone_off})
    return out
