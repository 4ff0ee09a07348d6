"""Benchmark of the world: person-days/s, events/s end to end (store included), bytes per
event, peak RSS, and the ratio to a floor measured in the same run (the same number of random
rows of the same columns appended to the same store).

    python bench/world.py                    # 100k and 1M persons × 7 days
    python bench/world.py --sizes 1000000 --days 30
    python bench/world.py --sizes 1000000 --repeat 3   # median of 3
    python bench/world.py --sizes 1000000 --cpu        # CPU seconds of World.step alone

Per-person common random numbers (every draw keyed by seed, day, decision and person), measured
on a shared 2-core machine under a load average of 10-12, before and after, interleaved:

    1M × 7, end to end, median of 3:   62,696 person-days/s before, 82,655 after
                                       (runs 51,710-70,559 before, 63,503-105,970 after)
    1M × 7, CPU of World.step, median of 3:   7.68 s before, 7.19 s after
    300k × 7, CPU of World.step, median of 3: 2.10 s before, 2.22 s after (+6%)

The load swamps the wall-clock figures; the CPU figures put the cost of CRN within noise
(at most about 6%), far under the 25% allowed.
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pyarrow as pa

from custodiet import schema
from custodiet.scenario import Scenario
from custodiet.store import RunWriter, open_run
from custodiet.study import simulate_world

_EVENT_ROWS = ("stays", "calls", "utility", "tickets", "phone_off", "incidents")


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def _random_table(table_schema: pa.Schema, rows: int, rng: np.random.Generator) -> pa.Table:
    cols = {}
    for field in table_schema:
        if pa.types.is_list(field.type):
            offsets = np.arange(0, 2 * rows + 1, 2, dtype=np.int32)
            cols[field.name] = pa.ListArray.from_arrays(
                pa.array(offsets), pa.array(rng.integers(0, 1 << 20, 2 * rows)))
        elif pa.types.is_string(field.type):
            cols[field.name] = pa.array(np.array(["kind_a", "kind_b"])[rng.integers(0, 2, rows)])
        elif pa.types.is_boolean(field.type):
            cols[field.name] = rng.random(rows) < 0.5
        elif pa.types.is_floating(field.type):
            cols[field.name] = rng.random(rows).astype(field.type.to_pandas_dtype())
        else:
            cols[field.name] = rng.integers(0, 1 << 30, rows).astype(field.type.to_pandas_dtype())
    return pa.table(cols, schema=table_schema)


def one(people: int, days: int, work: Path) -> dict[str, float]:
    """Measure one size in this process (run in a child so peak RSS is its own)."""
    scenario = Scenario.model_validate({"world": {"people": people, "days": days}, "seed": 1})
    out = work / f"world-{people}-{days}"
    started = time.perf_counter()
    simulate_world(scenario, out)
    seconds = time.perf_counter() - started
    peak = _peak_rss_mb()
    with open_run(out) as run:
        rows = run.manifest["rows"]
        timing = run.manifest["seconds"]
    events = sum(rows[name] for name in _EVENT_ROWS)
    size = (out / "run.duckdb").stat().st_size

    # Floor: the same rows, random, appended day by day to a fresh store (timed appends only).
    rng = np.random.default_rng(0)
    floor_out = work / f"floor-{people}-{days}"
    floor = 0.0
    with RunWriter(floor_out, schemas={**schema.STATIC_TABLES, **schema.EVENT_TABLES}) as w:
        for name in ("persons", "person_truth", "places", "ties"):
            table = _random_table(schema.STATIC_TABLES[name], rows[name], rng)
            t = time.perf_counter()
            w.append(name, table)
            floor += time.perf_counter() - t
        for _ in range(days):
            for name in _EVENT_ROWS:
                table = _random_table(schema.EVENT_TABLES[name], rows[name] // days, rng)
                t = time.perf_counter()
                w.append(name, table)
                floor += time.perf_counter() - t
        t = time.perf_counter()
        w.finish({})
        floor += time.perf_counter() - t
    shutil.rmtree(out, ignore_errors=True)
    shutil.rmtree(floor_out, ignore_errors=True)
    return {
        "people": people, "days": days, "seconds": seconds, "events": events,
        "person_days_per_s": people * days / seconds, "events_per_s": events / seconds,
        "bytes_per_event": size / max(events, 1), "peak_rss_mb": peak,
        "floor_seconds": floor, "ratio_to_floor": seconds / floor,
        "build_s": timing["build"], "simulate_s": timing["simulate"], "store_s": timing["store"],
    }


def step_cpu(people: int, days: int) -> float:
    """CPU seconds of ``World.step`` over the horizon (no store): steadier under load."""
    from custodiet.world import World

    world = World(Scenario.model_validate({"world": {"people": people, "days": days}}).world, 1)
    started = time.process_time()
    while not world.finished:
        world.step()
    return time.process_time() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--days", type=int, default=7)
    parser.add_argument("--repeat", type=int, default=1,
                        help="runs per size; the run of median speed is shown")
    parser.add_argument("--cpu", action="store_true",
                        help="CPU seconds of World.step alone (median of --repeat)")
    parser.add_argument("--one", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.cpu:
        for people in args.sizes:
            runs = sorted(step_cpu(people, args.days) for _ in range(args.repeat))
            cpu = runs[len(runs) // 2]
            print(f"{people:>10,} × {args.days}: World.step {cpu:.2f} CPU s, "
                  f"{people * args.days / cpu:,.0f} person-days per CPU second")
        return
    if args.one:
        with tempfile.TemporaryDirectory() as work:
            print(json.dumps(one(args.sizes[0], args.days, Path(work))))
        return
    print(f"{'people':>10} {'days':>4} {'seconds':>8} {'events':>12} {'person-days/s':>14} "
          f"{'events/s':>12} {'B/event':>8} {'peak MB':>8} {'floor s':>8} {'×floor':>7}")
    for people in args.sizes:
        runs = []
        for _ in range(args.repeat):
            child = subprocess.run([sys.executable, __file__, "--one", "--sizes", str(people),
                                    "--days", str(args.days)], capture_output=True, text=True,
                                   check=True)
            runs.append(json.loads(child.stdout.strip().splitlines()[-1]))
        runs.sort(key=lambda r: r["person_days_per_s"])
        r = runs[len(runs) // 2]
        if args.repeat > 1:
            print(f"{'':>10} person-days/s of the {args.repeat} runs: "
                  + ", ".join(f"{x['person_days_per_s']:,.0f}" for x in runs))
        print(f"{r['people']:>10,} {r['days']:>4} {r['seconds']:>8.2f} {r['events']:>12,} "
              f"{r['person_days_per_s']:>14,.0f} {r['events_per_s']:>12,.0f} "
              f"{r['bytes_per_event']:>8.1f} {r['peak_rss_mb']:>8.0f} {r['floor_seconds']:>8.2f} "
              f"{r['ratio_to_floor']:>7.2f}")
        print(f"{'':>10} build {r['build_s']:.2f}s  simulate {r['simulate_s']:.2f}s  "
              f"store {r['store_s']:.2f}s", flush=True)


if __name__ == "__main__":
    main()
