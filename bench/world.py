"""Benchmark of the world: person-days/s, events/s end to end (store included), bytes per
event, peak RSS, and the ratio to a floor measured in the same run (the same number of random
rows of the same columns appended to the same store).

    python bench/world.py                    # 100k and 1M persons × 7 days
    python bench/world.py --sizes 1000000 --days 30
    python bench/world.py --sizes 1000000 --repeat 3   # median of 3
    python bench/world.py --sizes 1000000 --cpu        # CPU seconds of World.step alone
    python bench/world.py --peers --people 1000000 --rounds 3   # against Covasim and Mesa
    python bench/world.py --peers --custodiet before ../main/src --custodiet after src

``--peers`` times whole processes, interleaved round by round: ``custodiet world`` (each
``--custodiet`` label and src folder), Covasim's ``cv.Sim(pop_size=N, n_days=D)`` (``peers/
covasim_city.py``) and the Mesa 3 peer (``peers/mesa_city.py``), the two peers each from a
virtual environment of its own (``--venvs``, created with pip on first use), after an untimed
small run of each (numba compiles and caches kernels once). CPU seconds (user + system) and
peak RSS are the kernel's accounting of each child, with the load average beside each run.

Per-person common random numbers (every draw keyed by seed, day, decision and person), measured
on a shared 2-core machine under a load average of 10-12, before and after, interleaved:

    1M × 7, end to end, median of 3:   62,696 person-days/s before, 82,655 after
                                       (runs 51,710-70,559 before, 63,503-105,970 after)
    1M × 7, CPU of World.step, median of 3:   7.68 s before, 7.19 s after
    300k × 7, CPU of World.step, median of 3: 2.10 s before, 2.22 s after (+6%)

The load swamps the wall-clock figures; the CPU figures put the cost of CRN within noise
(at most about 6%), far under the 25% allowed.

The world's sequential kernels compiled with numba (stays, tie adjacency, a tie per person,
the day's calls), against the code before them and the two peers, ``--peers --people 1000000
--days 7 --rounds 3`` on the shared 2-core machine, load average 4.9-6.0, whole processes (CPU
s, user + system; median of 3, the runs beside it):

    custodiet world, before:  18.69 CPU s  (17.74-18.70)
    custodiet world, after:   15.51 CPU s  (15.03-15.99)
    Covasim 4.0.1 cv.Sim:      8.89 CPU s  (8.82-8.95)    0.57x custodiet's, per person-day
    Mesa 3 peer:              66.36 CPU s  (65.96-67.41)  4.28x custodiet's

A second run, before and after only (``--no-covasim --mesa-people 0``), at load 4.4-5.7:
19.61 CPU s (19.59-20.81) before, 17.42 (15.97-17.99) after; peak RSS 1,367-1,421 MB before,
1,442-1,475 MB after. Under this load the CPU seconds of one command vary by about 15% from
run to run: compare only runs interleaved in one call.

Of the 15.5 s (one run of the command, CPU by thread): the world itself 5.2 (build 1.7,
static tables 0.2, the days 3.3; before: 2.2, 0.1, 5.1), the store's thread and DuckDB's
inserts 6.6, imports and the argument parser 1.9, the run's map 1.2, closing the store 0.3.
Covasim keeps no event log; custodiet stores 32.8M event rows (30.0M of them stays and
calls), the Mesa peer writes 30.8M stays and calls to Parquet.

numba costs every process that builds a world a fixed 0.45 CPU s (its import and first
kernel, after the command's own imports) and about 130 MB of resident memory: a 20k × 3 city,
two rounds at load 2.1-2.4, took 3.41-3.56 CPU s and 330 MB before, 4.01-4.03 s and 463 MB
after. At the 1M × 7 saving (3.2 CPU s for 7M person-days) the kernels repay it from about
1M person-days (150k × 7), an estimate, not a measurement.
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


# ------------------------------------------------------------------ the peers, interleaved
PEERS = Path(__file__).resolve().parent / "peers"
#: What each peer's own virtual environment gets (pip requirements): Covasim pins its own
#: dependencies and Mesa is not one of custodiet's, so neither goes into custodiet's.
PEER_REQUIREMENTS = {"covasim": ["covasim"], "mesa": ["mesa>=3.1,<4", "numpy", "pyarrow"]}


def peer_python(peer: str, venvs: Path) -> Path:
    """The Python of ``peer``'s virtual environment under ``venvs``, created on first use."""
    env = venvs / peer
    python = env / "bin" / "python"
    if not python.exists():
        print(f"creating {env} (pip install {' '.join(PEER_REQUIREMENTS[peer])})", flush=True)
        subprocess.run([sys.executable, "-m", "venv", str(env)], check=True)
        subprocess.run([str(python), "-m", "pip", "install", "--quiet",
                        *PEER_REQUIREMENTS[peer]], check=True)
    return python


def timed_child(argv: list[str], env: dict[str, str] | None = None) -> dict[str, Any]:
    """Run ``argv`` in a child process: its wall seconds, CPU seconds (user + system) and peak
    RSS from the kernel's accounting of that child alone, and the last line it printed."""
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        started = time.perf_counter()
        child = subprocess.Popen(argv, stdout=out, stderr=err, text=True, env=env)
        _, status, usage = os.wait4(child.pid, 0)
        wall = time.perf_counter() - started
        child.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        lines = out.read().strip().splitlines()
        if child.returncode != 0:
            raise RuntimeError(f"{argv[:3]} failed ({child.returncode}):\n{err.read()[-2000:]}")
    return {"wall_s": wall, "cpu_s": usage.ru_utime + usage.ru_stime,
            "peak_mb": usage.ru_maxrss / 1024.0, "last": lines[-1] if lines else ""}


def peer_jobs(args: argparse.Namespace, work: Path, people: int, mesa_people: int
              ) -> list[tuple[str, list[str], dict]]:
    """(label, argv, environment) of every run of one round, in the order they alternate."""
    jobs = []
    for label, src in args.custodiet:
        env = dict(os.environ)
        if src:
            env["PYTHONPATH"] = str(Path(src).resolve())
        out = work / f"custodiet-{label}"
        jobs.append((f"custodiet {label}".strip(), [
            sys.executable, "-c", "import sys; from custodiet.cli import main; sys.exit(main())",
            "world", "--people", str(people), "--days", str(args.days), "--seed", "1",
            "--out", str(out), "--quiet"], env))
    if args.covasim:
        jobs.append(("covasim", [str(peer_python("covasim", args.venvs)),
                                 str(PEERS / "covasim_city.py"), "--people", str(people),
                                 "--days", str(args.days)], dict(os.environ, PYTHONPATH="")))
    if mesa_people:
        jobs.append(("mesa", [str(peer_python("mesa", args.venvs)), str(PEERS / "mesa_city.py"),
                              "--people", str(mesa_people), "--days", str(args.days),
                              "--out", str(work / "mesa")], dict(os.environ, PYTHONPATH="")))
    return jobs


def peers(args: argparse.Namespace) -> None:
    """custodiet ``world`` against Covasim and the Mesa peer, interleaved round by round, each
    run a process of its own timed whole (imports included): CPU seconds and their ratios."""
    people_days = {"mesa": args.mesa_people * args.days}
    cpu: dict[str, list[float]] = {}
    with tempfile.TemporaryDirectory(dir=os.environ.get("CUSTODIET_BENCH_TMP")) as tmp:
        work = Path(tmp)
        # the peers' environments are created before any timing
        jobs = peer_jobs(args, work, args.people, args.mesa_people)
        if args.warm_up:  # numba compiles (and caches) Covasim's and custodiet's kernels once
            for _, argv, env in peer_jobs(args, work, 10_000, min(args.mesa_people, 10_000)):
                timed_child(argv, env)
                for path in work.glob("*"):
                    shutil.rmtree(path, ignore_errors=True)
        print(f"{'round':>5} {'model':<18} {'people':>10} {'wall s':>8} {'CPU s':>8} "
              f"{'peak MB':>8} {'load (1, 5, 15 min)':>20}", flush=True)
        for r in range(1, args.rounds + 1):
            for label, argv, env in jobs:
                load = os.getloadavg()
                got = timed_child(argv, env)
                seconds = got["cpu_s"]
                cpu.setdefault(label, []).append(seconds)
                for path in work.glob("*"):
                    shutil.rmtree(path, ignore_errors=True)
                people = args.mesa_people if label == "mesa" else args.people
                loads = ", ".join(f"{x:.1f}" for x in load)
                print(f"{r:>5} {label:<18} {people:>10,} {got['wall_s']:>8.1f} {seconds:>8.2f} "
                      f"{got['peak_mb']:>8,.0f} {loads:>20}", flush=True)
                if args.json:
                    with open(args.json, "a") as fh:
                        fh.write(json.dumps({"round": r, "model": label, "people": people,
                                             "days": args.days, "wall_s": got["wall_s"],
                                             "cpu_s": seconds, "peak_mb": got["peak_mb"],
                                             "load": load,
                                             "output": got["last"]}) + "\n")
    _ratios(cpu, {k: people_days.get(k, args.people * args.days) for k in cpu})


def _ratios(cpu: dict[str, list[float]], person_days: dict[str, int]) -> None:
    """Median CPU seconds per model and, per person-day, each against the others."""
    median = {k: sorted(v)[len(v) // 2] for k, v in cpu.items()}
    per = {k: median[k] / person_days[k] for k in median}
    print("\nmedian CPU s: " + ", ".join(f"{k} {v:.2f}" for k, v in median.items()))
    for k in per:
        if k.startswith("custodiet"):
            others = [f"{o} {per[o] / per[k]:.2f}×" for o in per if o != k]
            print(f"CPU per person-day, {k} = 1: " + ", ".join(others))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--days", type=int, default=7)
    parser.add_argument("--repeat", type=int, default=1,
                        help="runs per size; the run of median speed is shown")
    parser.add_argument("--cpu", action="store_true",
                        help="CPU seconds of World.step alone (median of --repeat)")
    parser.add_argument("--one", action="store_true", help=argparse.SUPPRESS)
    peer = parser.add_argument_group("peers (--peers): custodiet world, Covasim and Mesa, "
                                     "interleaved")
    peer.add_argument("--peers", action="store_true",
                      help="compare `custodiet world` with the Covasim and Mesa peers")
    peer.add_argument("--people", type=int, default=1_000_000)
    peer.add_argument("--rounds", type=int, default=1, help="rounds of every run, interleaved")
    peer.add_argument("--custodiet", nargs=2, action="append", metavar=("LABEL", "SRC"),
                      help="a custodiet to time: a label and the src folder put on PYTHONPATH "
                           "('' for the installed one); repeatable (before and after)")
    peer.add_argument("--no-covasim", dest="covasim", action="store_false")
    peer.add_argument("--mesa-people", type=int, default=None,
                      help="people of the Mesa peer (default --people; 0: leave it out)")
    peer.add_argument("--venvs", type=Path, default=Path(os.environ.get(
        "CUSTODIET_PEER_VENVS", Path(tempfile.gettempdir()) / "custodiet-peers")),
        help="where the peers' virtual environments are (created if absent)")
    peer.add_argument("--json", help="append every run as a JSON line to this file")
    peer.add_argument("--no-warm-up", dest="warm_up", action="store_false",
                      help="skip the untimed small run of each model first (numba's caches)")
    args = parser.parse_args()
    if args.peers:
        args.custodiet = args.custodiet or [("", "")]
        args.mesa_people = args.people if args.mesa_people is None else args.mesa_people
        peers(args)
        return
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
