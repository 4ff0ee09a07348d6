"""Benchmark of the rule templates: events/s per template over a simulated week, and the ratio
to a floor measured in the same run (DuckDB reading the template's input columns over the same
daily windows). Every stay is observed (phone location on, less the minutes phones are off):
the heaviest load. Day 0 is 13 February 2026, so the week holds the Spring Festival holiday.

    python bench/watch.py                          # 1M persons × 7 days, a 1% list
    python bench/watch.py --people 100000 --list-share 0.05
    python bench/watch.py --people 200000 --days 14 --refit 1 3 7   # the learned scorer

Target: every template at most 3× its floor at a 1% list. A template that also evaluates its
rules in numpy is timed that way too, on the same rows (``native_seconds``, and the SQL's
seconds over the numpy's), and its alert count must equal the SQL's.
"""

from __future__ import annotations

import argparse
import json
import time
from collections import deque
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from custodiet.engine import Session, quote_ident
from custodiet.scenario import scenario_from_mapping
from custodiet.watch import (
    HeldTables,
    buffer_days,
    compile_rule,
    native_of,
    observable,
    rule_inputs,
    run_native,
)
from custodiet.watch._inputs import MEMBERS, OBSERVED, SCORES, SPOUSES, register
from custodiet.watch._sensors import Coverage
from custodiet.watch._watch import _homes, member_homes, records
from custodiet.world import World

RULES: list[dict[str, Any]] = [
    {"template": "gathering", "k": 2, "place_kind": "hotel"},
    {"template": "near", "place_kind": "school", "radius_m": 200},
    {"template": "dwell", "place_kind": "station", "min_minutes": 120},
    {"template": "frequency", "event": "calls", "out_of_town": True, "new_only": True, "n": 3},
    {"template": "frequency", "event": "calls", "counterpart": "same", "out_of_town": True,
     "new_only": True, "n": 3, "window_minutes": 7 * 1440},
    {"template": "anomaly", "meter": "water", "baseline": "district"},
    {"template": "anomaly", "meter": "power", "baseline": "own", "baseline_days": 7},
    {"template": "absence", "min_minutes": 240},
    {"template": "apart", "window_days": 7},
    {"template": "movement", "mode": "districts", "n": 3},
    {"template": "movement", "mode": "places", "n": 5, "window_minutes": 2 * 1440},
    {"template": "movement", "mode": "leaves_home"},
    {"template": "dwell", "place_kind": "station", "min_minutes": 120, "hours": [22, 6],
     "weekdays": [5, 6]},
    {"template": "apart", "window_days": 7, "holiday_only": True},
    {"template": "movement", "mode": "districts", "n": 3, "hours": [8, 20],
     "weekdays": [0, 1, 2, 3, 4]},
    {"template": "travel", "destination": "capital"},
    {"template": "checkpoint", "destination": "capital"},
    {"template": "checkpoint", "destination": "any"},
    {"template": "score", "scorer": "s"},
]
START_DATE = "2026-02-13"
"""Day 0 of the simulated week: the Spring Festival holiday (15-23 February) covers days 2-6,
so ``apart`` with ``holiday_only`` has nights to judge."""


def _floor_sql(rule: Any) -> list[str]:
    """One scan per input relation reading every input column (results are fetched, so the
    engine cannot skip them)."""
    return [f"SELECT {', '.join(f'max(hash({quote_ident(c)}))' for c in cols)} "
            f"FROM {quote_ident(table)}" for table, cols in rule_inputs(rule).items()]


def _label(spec: dict[str, Any]) -> str:
    """The rule's settings besides its template, for the printout."""
    return ",".join(f"{k}={v}" for k, v in spec.items() if k != "template")


def _observed(scenario: Any) -> tuple[dict[str, pa.Table], list[dict[str, pa.Table]], float]:
    """The scenario's world simulated, and each day as its sensors observe it (no lists, so no
    camera at a listed home), with the seconds that took."""
    started = time.perf_counter()
    world = World(scenario.world, scenario.seed)
    static = world.static_tables()
    coverage = Coverage(scenario.sensors, static["places"], static["persons"],
                        np.zeros(0, np.int64), scenario.seed)
    days = []
    while not world.finished:
        days.append(coverage.observe(observable(world.step()), world.day - 1))
    return static, days, time.perf_counter() - started


def prepare(args: argparse.Namespace) -> tuple[Any, list[dict[str, pa.Table]],
                                               dict[str, pa.Table], list[pa.Table], float]:
    """A simulated week as the watch observes it, the static relations, daily scores."""
    scenario = scenario_from_mapping({
        "seed": args.seed,
        "world": {"people": args.people, "days": args.days, "start_date": args.start_date},
        "sensors": {"phone_location": True},
        "lists": [{"name": "bench"}],
        "scorers": [{"kind": "checklist", "name": "s"}],
    })
    static, days, simulate_s = _observed(scenario)
    rng = np.random.default_rng(args.seed)
    listed = np.flatnonzero(rng.random(args.people) < args.list_share)
    members = pa.table({"list": pa.array(["bench"] * listed.size), "person": listed},
                       schema=MEMBERS)
    ties = static["ties"]
    spouses = ties.filter(pc.equal(ties.column("kind"), "spouse")).select(["a", "b"])
    base = {"places": static["places"], "homes": _homes(static["persons"]),
            "records": records(static["persons"]),
            "member_homes": member_homes(
                members, static["persons"].column("household_id").to_numpy()),
            "spouses": spouses.cast(SPOUSES), "members": members}
    scores = []
    prev = np.zeros(args.people, np.int32)
    for _ in days:
        level = rng.integers(0, 4, args.people).astype(np.int32)
        scores.append(pa.table({"scorer": pa.array(["s"] * args.people), "person":
                                np.arange(args.people, dtype=np.int64), "level": level,
                                "prev_level": prev}, schema=SCORES))
        prev = level
    return scenario, days, base, scores, simulate_s


def bench_refit(args: argparse.Namespace) -> None:
    """The learned scorer refit every k days: seconds spent scoring, fits, and how its levels
    differ from a daily refit (share of person-days at another level, level counts)."""
    from custodiet.watch._scorers import Features, LearnedScorer

    scenario = scenario_from_mapping({
        "seed": args.seed, "world": {"people": args.people, "days": args.days},
        "scorers": [{"kind": "learned", "name": "m"}]})
    static, days, _ = _observed(scenario)
    no_alerts = pa.table({"persons": pa.array([], pa.list_(pa.int64())),
                          "suppressed_by_redlist": pa.array([], pa.bool_())})
    daily: list[np.ndarray] = []
    for k in sorted(set(args.refit)):
        spec = scenario.scorers[0].model_copy(update={"refit_days": k})
        features = Features(static["persons"], static["ties"], static["places"])
        scorer = LearnedScorer(spec, features, scenario.seed)
        levels, seconds = [], 0.0
        for day, observed in enumerate(days):
            t = time.perf_counter()
            levels.append(scorer.levels(day, observed))
            seconds += time.perf_counter() - t
            features.update(observed, no_alerts)
        daily = daily or levels
        changed = float(np.mean([np.mean(a != b) for a, b in zip(levels, daily, strict=True)]))
        print(json.dumps({
            "refit_days": k, "fits": scorer.fits, "seconds": round(seconds, 2),
            "person_days_at_another_level_than_daily": round(changed, 6),
            "last_day_level_counts": np.bincount(levels[-1], minlength=4).tolist(),
            "all_days_level_counts": np.bincount(np.concatenate(levels), minlength=4).tolist(),
        }), flush=True)


def _time(rule: Any, session: Session, days: list[dict[str, pa.Table]],
          base: dict[str, pa.Table], scores: list[pa.Table], holidays: tuple[int, ...]
          ) -> dict[str, Any]:
    """The rule evaluated day by day on the watch's rolling window, and the floor (reading its
    input columns) over the same windows: events read, alerts, seconds of each."""
    compiled = compile_rule(rule, holidays=holidays)
    native = native_of(rule)
    native_s = 0.0
    floor = _floor_sql(rule)
    buffer: deque[dict[str, pa.Table]] = deque(maxlen=buffer_days([rule]))
    rule_s = floor_s = 0.0
    events = alerts = 0
    for day, observed in enumerate(days):
        buffer.append(observed)
        window = {n: pa.concat_tables([b[n] for b in buffer]) for n in OBSERVED}
        register(session, {**window, **base, "scores": scores[day]})
        for table in rule_inputs(rule):
            events += observed[table].num_rows if table in observed else scores[day].num_rows
        t = time.perf_counter()
        for query in floor:
            session.rows(query)
        floor_s += time.perf_counter() - t
        t = time.perf_counter()
        count = session.scalar(f"SELECT count(*) FROM ({compiled.sql})", day=day,
                               **compiled.params)
        rule_s += time.perf_counter() - t
        alerts += count
        if native is not None:  # the same rule evaluated in numpy, on the same rows
            t = time.perf_counter()
            got = run_native(native, rule, HeldTables(
                day, {**window, **base, "scores": scores[day]}, observed,
                holidays=holidays)).num_rows
            native_s += time.perf_counter() - t
            assert got == count, f"{rule.template}: numpy {got} alerts, SQL {count}"
    return {"template": rule.template, "events": events, "alerts": alerts,
            "seconds": round(rule_s, 3), "events_per_s": round(events / max(rule_s, 1e-9)),
            "floor_seconds": round(floor_s, 3),
            "ratio_to_floor": round(rule_s / max(floor_s, 1e-9), 2),
            "native_seconds": round(native_s, 3) if native else None,
            "sql_over_native": round(rule_s / max(native_s, 1e-9), 1) if native else None}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--people", type=int, default=1_000_000)
    ap.add_argument("--days", type=int, default=7)
    ap.add_argument("--list-share", type=float, default=0.01)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--start-date", default=START_DATE, help="calendar date of day 0")
    ap.add_argument("--only", nargs="*", default=None, help="templates to run")
    ap.add_argument("--refit", nargs="*", type=int, default=None,
                    help="time the learned scorer refit every k days instead (1 first)")
    args = ap.parse_args()
    if args.refit:
        bench_refit(args)
        return
    scenario, days, base, scores, simulate_s = prepare(args)
    session = Session()
    results = []
    for spec in RULES:
        if args.only and spec["template"] not in args.only:
            continue
        rule = scenario_from_mapping({
            "lists": [{"name": "bench"}], "scorers": [{"kind": "checklist", "name": "s"}],
            "rules": [{"name": "r", "detects": ["protest"], "lists": ["bench"], **spec}],
        }).rules[0]
        result = _time(rule, session, days, base, scores, scenario.world.holiday_days)
        results.append({"rule": _label(spec), **result})
        print(json.dumps(results[-1]), flush=True)
    print(json.dumps({"people": args.people, "days": args.days, "list_share": args.list_share,
                      "simulate_seconds": round(simulate_s, 1),
                      "within_3x": all(r["ratio_to_floor"] <= 3 for r in results)}))


if __name__ == "__main__":
    main()
