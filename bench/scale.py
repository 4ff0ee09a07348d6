"""Scale benchmark: a city of 1M, 3M and 14M people (a Tianjin) for a week, end to end through
the store, against the write floor measured on the city's own rows in the same run, and 1M × 7
against a Mesa 3 peer (``bench/peers/mesa_city.py``) side by side.

For each size: wall seconds, person-days/s, events/s, peak RSS of the process, and the ratio
to the floor: the time to append the very rows the world wrote (read back from its store, one
day's rows at a time) to a fresh store with nothing else to do. Each measurement runs in its
own child process (its own peak RSS), and the floor on its rows in another (reading whole
static tables back takes address space of its own), optionally under an address-space cap.
``CUSTODIET_BENCH_TMP`` chooses where the stores go (a 14M × 7 store is 4 GB). The machine's load
average is printed with every row: on a shared machine, compare rows measured under equal load.

    python bench/scale.py                              # 1M, 3M, 14M × 7 and the Mesa peer
    python bench/scale.py --sizes 1000000 --mesa-people 200000
    python bench/scale.py --sizes 14000000 --month     # 14M × 30 as well
    python bench/scale.py --max-memory-gb 16 --json runs/scale.jsonl
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
EVENT_TABLES = ("stays", "calls", "utility", "tickets", "phone_off", "incidents", "interventions")
TIANJIN = 13_866_009  # residents, 2020 census (Tianjin Municipal Bureau of Statistics)


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def _cpu_s() -> float:
    """CPU seconds of this process so far (every thread): what the work costs in core-seconds,
    which a loaded machine inflates much less than wall time."""
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def _floor(run_dir: Path, days: int, work: Path) -> float:
    """Seconds to append the run's own rows to a fresh store (one day's rows per append)."""
    import pyarrow as pa

    from custodiet import schema
    from custodiet.store import RunWriter, open_run

    seconds = 0.0
    out = work / "floor"
    with open_run(run_dir) as run, RunWriter(out, schemas={**schema.STATIC_TABLES,
                                                           **schema.EVENT_TABLES}) as w:
        for name in run.tables():
            rows = run.manifest["rows"].get(name, 0)
            if rows == 0:
                continue
            per = rows if name not in EVENT_TABLES else max(1, rows // days)
            reader = run.con.execute(f'SELECT * FROM "{name}"').fetch_record_batch(per)
            buffered: list[pa.RecordBatch] = []
            count = 0
            for batch in [*reader, None]:
                if batch is not None:
                    buffered.append(batch)
                    count += batch.num_rows
                if buffered and (count >= per or batch is None):
                    table = pa.Table.from_batches(buffered)
                    buffered, count = [], 0
                    t = time.perf_counter()
                    w.append(name, table)
                    w.flush()
                    seconds += time.perf_counter() - t
        t = time.perf_counter()
        w.finish({})
        seconds += time.perf_counter() - t
    shutil.rmtree(out, ignore_errors=True)
    return seconds


def measure_custodiet(people: int, days: int, work: Path) -> dict[str, Any]:
    """One city through ``simulate_world`` into a store, then the floor on its rows."""
    from custodiet.scenario import Scenario
    from custodiet.store import open_run
    from custodiet.study import simulate_world

    scenario = Scenario.model_validate({"world": {"people": people, "days": days}, "seed": 1})
    out = work / f"world-{people}-{days}"
    started, cpu = time.perf_counter(), _cpu_s()
    simulate_world(scenario, out)
    seconds = time.perf_counter() - started
    cpu = _cpu_s() - cpu
    peak = _peak_rss_mb()
    with open_run(out) as run:
        rows = dict(run.manifest["rows"])
        timing = run.manifest["seconds"]
        store = run.manifest.get("store_seconds", {})
    events = sum(rows.get(name, 0) for name in EVENT_TABLES)
    size = (out / "run.duckdb").stat().st_size
    return {"model": "custodiet", "people": people, "days": days, "seconds": seconds,
            "events": events, "person_days_per_s": people * days / seconds,
            "events_per_s": events / seconds, "bytes_per_event": size / max(events, 1),
            "store_bytes": size, "peak_rss_mb": peak, "run_dir": str(out),
            "cpu_s": cpu, "person_days_per_cpu_s": people * days / cpu,
            "build_s": timing.get("build"), "simulate_s": timing.get("simulate"),
            "store_inserting_s": store.get("inserting"), "store_waited_s": store.get("waited")}


def measure_mesa(people: int, days: int, work: Path) -> dict[str, Any]:
    """The Mesa 3 peer at this size."""
    sys.path.insert(0, str(HERE / "peers"))
    import mesa_city

    cpu = _cpu_s()
    result = mesa_city.run(people, days, work / "mesa")
    cpu = _cpu_s() - cpu
    result.update(cpu_s=cpu, person_days_per_cpu_s=people * days / cpu)
    shutil.rmtree(work / "mesa", ignore_errors=True)
    return {"model": "mesa", **result, "peak_rss_mb": _peak_rss_mb()}


def _limit(max_gb: float | None):  # type: ignore[no-untyped-def]
    if not max_gb:
        return None
    cap = int(max_gb * 1024**3)
    return lambda: resource.setrlimit(resource.RLIMIT_AS, (cap, cap))


def _run_child(args: list[str], max_gb: float | None) -> tuple[dict[str, Any] | None, str]:
    """One fresh process of this script: its JSON line, or None and why it failed."""
    proc = subprocess.run([sys.executable, __file__, *args], capture_output=True, text=True,
                          preexec_fn=_limit(max_gb), check=False)
    if proc.returncode == 0:
        return json.loads(proc.stdout.strip().splitlines()[-1]), ""
    lines = [ln for ln in proc.stderr.strip().splitlines() if "Error" in ln] or \
        proc.stderr.strip().splitlines() or ["(no output)"]
    return None, f"exit {proc.returncode}: {lines[-1][:300]}"


def child(model: str, people: int, days: int, max_gb: float | None, work: Path
          ) -> dict[str, Any]:
    """Run one measurement in a fresh process (its own peak RSS), then the floor on the
    city's rows in another (its own address space); a failure is reported."""
    load = os.getloadavg()[0]
    got, why = _run_child(["--child", model, "--sizes", str(people), "--days", str(days),
                           "--work", str(work)], max_gb)
    row: dict[str, Any] = got or {"model": model, "people": people, "days": days,
                                  "failed": why}
    run_dir = row.pop("run_dir", None)
    if run_dir is not None:
        floor, why = _run_child(["--floor", run_dir, "--days", str(days), "--work", str(work)],
                                max_gb)
        if floor is not None:
            row.update(floor_s=floor["floor_s"], ratio_to_floor=row["seconds"] / floor["floor_s"])
        else:
            row["floor_failed"] = why
        shutil.rmtree(run_dir, ignore_errors=True)
    row["load_before"], row["load_after"] = round(load, 2), round(os.getloadavg()[0], 2)
    return row


def estimate_text(people: int) -> str:
    """The package's memory estimate for a city of this size (no watch), as it prints it."""
    from custodiet._memory import estimate

    return estimate(people, watch=False).describe()


def _print_row(r: dict[str, Any]) -> None:
    load = f"load {r['load_before']:.1f}→{r['load_after']:.1f}"
    head = f"{r['model']:>9} {r['people']:>11,} {r['days']:>4}"
    if "failed" in r:
        print(f"{head}  FAILED ({r['failed']})  {load}", flush=True)
        return
    if "floor_failed" in r:
        print(f"{'':>9} floor FAILED ({r['floor_failed']})", flush=True)
    floor = (f"{r['floor_s']:>8.1f} {r['ratio_to_floor']:>6.2f}" if "floor_s" in r
             else f"{'':>8} {'':>6}")
    print(f"{head} {r['seconds']:>8.1f} {r['cpu_s']:>7.1f} {r['person_days_per_s']:>12,.0f} "
          f"{r['events_per_s']:>11,.0f} {r['peak_rss_mb']:>8,.0f} {floor}  {load}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+",
                        default=[1_000_000, 3_000_000, 14_000_000])
    parser.add_argument("--days", type=int, default=7)
    parser.add_argument("--month", action="store_true", help="also run the largest size × 30")
    parser.add_argument("--mesa-people", type=int, default=1_000_000,
                        help="size of the Mesa peer run (0: none); below 1M its rate is "
                        "extrapolated to 1M per person-day")
    parser.add_argument("--max-memory-gb", type=float, default=None,
                        help="address-space cap of each measured process")
    parser.add_argument("--json", type=Path, help="append every row as a JSON line here")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--floor", help=argparse.SUPPRESS)
    parser.add_argument("--work", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.floor:
        print(json.dumps({"floor_s": _floor(Path(args.floor), args.days, args.work)}))
        return
    if args.child:
        fn = measure_custodiet if args.child == "custodiet" else measure_mesa
        print(json.dumps(fn(args.sizes[0], args.days, args.work)))
        return
    with tempfile.TemporaryDirectory(dir=os.environ.get("CUSTODIET_BENCH_TMP")) as work:
        _measure_all(args, Path(work))


def _measure_all(args: argparse.Namespace, work: Path) -> None:
    jobs = [("custodiet", p, args.days) for p in args.sizes]
    if args.month:
        jobs.append(("custodiet", max(args.sizes), 30))
    if args.mesa_people:
        jobs.append(("mesa", args.mesa_people, 7))
    print(f"{os.cpu_count()} cores; load average now {os.getloadavg()[0]:.1f}")
    print(f"{'model':>9} {'people':>11} {'days':>4} {'seconds':>8} {'cpu s':>7} "
          f"{'person-days/s':>12} "
          f"{'events/s':>11} {'peak MB':>8} {'floor s':>8} {'×floor':>6}")
    rows = []
    for model, people, days in jobs:
        if model == "custodiet":
            print(f"{'':>9} {estimate_text(people)}", flush=True)
        row = child(model, people, days, args.max_memory_gb, work)
        rows.append(row)
        _print_row(row)
        if args.json:
            with args.json.open("a") as fh:
                fh.write(json.dumps(row) + "\n")
    _side_by_side(rows)


def _side_by_side(rows: list[dict[str, Any]]) -> None:
    """custodiet 1M × 7 against the Mesa peer, per person-day (extrapolated when smaller)."""
    ours = next((r for r in rows if r["model"] == "custodiet" and r["people"] == 1_000_000
                 and r["days"] == 7 and "failed" not in r), None)
    peer = next((r for r in rows if r["model"] == "mesa" and "failed" not in r), None)
    if ours is None or peer is None:
        return
    peer_s = 7_000_000 / peer["person_days_per_s"]
    how = "measured" if peer["people"] == 1_000_000 else (
        f"extrapolated from {peer['people']:,} × {peer['days']} per person-day")
    peer_cpu = 7_000_000 / peer["person_days_per_cpu_s"]
    print(f"\n1M × 7: custodiet {ours['seconds']:.1f} s wall, {ours['cpu_s']:.1f} CPU s "
          f"({ours['events']:,} events, every kind); Mesa 3 peer {peer_s:.1f} s wall, "
          f"{peer_cpu:.1f} CPU s ({how}; stays and calls only) → custodiet is "
          f"{peer_s / ours['seconds']:.1f}× faster in wall time, "
          f"{peer_cpu / ours['cpu_s']:.1f}× in CPU time")


if __name__ == "__main__":
    main()
