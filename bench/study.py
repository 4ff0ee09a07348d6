"""Benchmark of a study's time to answer, by phase: the world (``simulate`` per run), the watch
(per run and per rule), the audit and the report, for ``run default`` at a given size, one
simulation at a time (``--jobs 1``, so every run's watch is measured in this process).

    python bench/study.py                                  # 50k people, 7 and 28 days
    python bench/study.py --people 200000 --days 14 --removal-rates none
    python bench/study.py --json runs/bench-study.json     # the figures, for docs/scale.md
    python bench/study.py --people 200000 --days 14 --seeds 10 --removal-rates none --jobs 2

With ``--jobs N`` above 1 the simulations run in N worker processes, as ``custodiet run``
runs them: the per-rule and CPU-a-run figures (read in this process) are then left out, and
the CPU line counts this process and its workers.

It prints, for each length: the study's wall and its phases (``seconds`` of ``metrics.json``),
the world's and the watch's seconds summed over the watched runs (``seconds`` of each run's
manifest) and their ratio, the watch's cost per simulated day, the share of each rule and
phase of the watch, and the machine's load average before and after (``os.getloadavg()``):
the machine may be shared, so compare ratios measured within one run. With two lengths it
prints the watch's cost per day of the longer over the shorter (1.0: the cost of a day does
not grow with the run).

    python bench/study.py --one-run                        # the watched run alone, 7 and 28 days

``--one-run`` simulates only the scenario's watched run (world, watch and store; no twin, audit
or report), so an old and a new build can be alternated in a few seconds each: it prints the
world's and the watch's CPU seconds (the watch by phase and its five costliest rules), their
ratio and the watch's CPU a day, with the load, and the watch's wall seconds by phase (its rules
summed): the CPU seconds are the process's, the store's inserts on their own thread included.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import tempfile
import time
from pathlib import Path
from typing import Any

import custodiet
import custodiet.watch as watch_package
from custodiet.study import resolve_scenario, simulate, sized
from custodiet.world import World

_WATCHES: list[Any] = []
_WORLD_CPU = [0.0]


def _record_watches() -> None:
    """Keep every :class:`Watch` the study builds, to read its per-rule seconds afterwards
    (the simulations run in this process with ``jobs=1``)."""
    base = watch_package.Watch
    if getattr(base, "_bench_recorded", False):
        return

    class Recorded(base):  # type: ignore[misc, valid-type]
        _bench_recorded = True

        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            _WATCHES.append(self)

    watch_package.Watch = Recorded
    step = World.step

    def timed_step(self: World, *args: Any, **kwargs: Any) -> Any:
        started = time.process_time()
        try:
            return step(self, *args, **kwargs)
        finally:
            _WORLD_CPU[0] += time.process_time() - started

    World.step = timed_step  # type: ignore[method-assign]


def _manifests(out: Path) -> list[dict[str, Any]]:
    return [json.loads(p.read_text()) for p in sorted(out.glob("runs/**/manifest.json"))]


def _cpu() -> float:
    """CPU seconds of this process and of its finished workers."""
    own, kids = resource.getrusage(resource.RUSAGE_SELF), \
        resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def measure(people: int, days: int, seeds: int, removal_rates: list[float] | None,
            workdir: Path, jobs: int = 1) -> dict[str, Any]:
    """One ``run default`` study, timed by phase."""
    _WATCHES.clear()
    _WORLD_CPU[0] = 0.0
    out = workdir / f"study-{people}-{days}"
    load_before = os.getloadavg()
    started, cpu_started = time.perf_counter(), _cpu()
    kwargs: dict[str, Any] = {}
    if removal_rates is not None:
        kwargs["removal_rates"] = removal_rates
    custodiet.run("default", out, people=people, days=days, seeds=seeds, jobs=jobs, force=True,
                  **kwargs)
    wall, cpu = time.perf_counter() - started, _cpu() - cpu_started
    load_after = os.getloadavg()
    phases = json.loads((out / "metrics.json").read_text()).get("seconds", {})
    runs = _manifests(out)
    watched = [m for m in runs if m["seconds"].get("watch", 0.0) > 0]
    world = sum(m["seconds"]["simulate"] for m in watched)
    watch = sum(m["seconds"]["watch"] for m in watched)
    parts: dict[str, float] = {}
    cpu_parts: dict[str, float] = {}
    for w in _WATCHES:
        for key, value in w.seconds.items():
            parts[key] = parts.get(key, 0.0) + value
        for key, value in w.cpu_seconds.items():
            cpu_parts[key] = cpu_parts.get(key, 0.0) + value
    # CPU a run: the world steps in every run (the unwatched one too), the watch in its own
    watch_cpu = sum(cpu_parts.values()) / max(len(_WATCHES), 1)
    world_cpu = _WORLD_CPU[0] / max(len(runs), 1)
    return {
        "people": people, "days": days, "seeds": seeds, "jobs": jobs, "wall_s": round(wall, 2),
        "phases_s": phases, "runs": len(runs), "watched_runs": len(watched),
        "world_s_per_run": round(world / max(len(watched), 1), 3),
        "watch_s_per_run": round(watch / max(len(watched), 1), 3),
        "watch_over_world": round(watch / world, 2) if world else None,
        "watch_s_per_day": round(watch / max(len(watched), 1) / days, 4),
        "cpu_s": round(cpu, 2),
        "world_cpu_s_per_run": round(world_cpu, 3), "watch_cpu_s_per_run": round(watch_cpu, 3),
        "watch_over_world_cpu": round(watch_cpu / world_cpu, 2) if world_cpu else None,
        "watch_cpu_s_per_day": round(watch_cpu / days, 4),
        "watch_parts_s": {k: round(v, 3) for k, v in sorted(parts.items(),
                                                             key=lambda kv: -kv[1])},
        "watch_parts_cpu_s": {k: round(cpu_parts[k], 3) for k in sorted(
            cpu_parts, key=lambda k: -cpu_parts[k])},
        "load_before": [round(x, 2) for x in load_before],
        "load_after": [round(x, 2) for x in load_after],
    }


def measure_one(people: int, days: int, seed: int, workdir: Path) -> dict[str, Any]:
    """The default scenario's watched run alone, timed: world steps and watch by phase."""
    _WATCHES.clear()
    _WORLD_CPU[0] = 0.0
    scenario = sized(resolve_scenario("default")[0], people=people, days=days, seed=seed)
    load_before = os.getloadavg()
    out = simulate(scenario, workdir / f"one-{people}-{days}", force=True)
    load_after = os.getloadavg()
    seconds = json.loads((Path(out) / "manifest.json").read_text())["seconds"]
    cpu, wall = _WATCHES[-1].cpu_seconds, _WATCHES[-1].seconds
    watch_cpu, world_cpu = sum(cpu.values()), _WORLD_CPU[0]
    rules = {k: v for k, v in cpu.items() if k.startswith("rule:")}
    rules_wall = sum(v for k, v in wall.items() if k.startswith("rule:"))
    return {
        "people": people, "days": days, "seed": seed, "wall_s": seconds,
        "world_cpu_s": round(world_cpu, 3), "watch_cpu_s": round(watch_cpu, 3),
        "watch_over_world_cpu": round(watch_cpu / world_cpu, 2) if world_cpu else None,
        "watch_cpu_s_per_day": round(watch_cpu / days, 4),
        "watch_phases_cpu_s": {k: round(v, 3) for k, v in cpu.items() if k not in rules}
        | {"rules": round(sum(rules.values()), 3)},
        "costliest_rules_cpu_s": {k: round(v, 3) for k, v in sorted(
            rules.items(), key=lambda kv: -kv[1])[:5]},
        "watch_phases_wall_s": {k: round(v, 3) for k, v in wall.items()
                                if not k.startswith("rule:")} | {"rules": round(rules_wall, 3)},
        "load_before": [round(x, 2) for x in load_before],
        "load_after": [round(x, 2) for x in load_after],
    }


def _print_one(r: dict[str, Any]) -> None:
    print(f"\nthe watched run of default, {r['people']} people x {r['days']} days, seed "
          f"{r['seed']}   (load before {r['load_before'][0]:.2f}, after "
          f"{r['load_after'][0]:.2f}); wall s: {r['wall_s']}")
    print(f"  CPU: world steps {r['world_cpu_s']:.2f} s, watch {r['watch_cpu_s']:.2f} s, "
          f"watch / world {r['watch_over_world_cpu']}x, watch {r['watch_cpu_s_per_day']:.3f} "
          "CPU s a day")
    print("  watch by phase (CPU s): " + ", ".join(
        f"{k} {v:.2f}" for k, v in r["watch_phases_cpu_s"].items()))
    print("  watch by phase (wall s; the CPU above is the process's, the store's inserts on "
          "their thread included): " + ", ".join(
              f"{k} {v:.2f}" for k, v in r["watch_phases_wall_s"].items()))
    print("  costliest rules (CPU s): " + ", ".join(
        f"{k[5:]} {v:.2f}" for k, v in r["costliest_rules_cpu_s"].items()))


def _print(r: dict[str, Any]) -> None:
    print(f"\nrun default --people {r['people']} --days {r['days']} --seeds {r['seeds']} "
          f"--jobs {r['jobs']}   (load before {r['load_before'][0]:.2f}, after "
          f"{r['load_after'][0]:.2f})")
    print(f"  study wall {r['wall_s']:.1f} s; phases: " + ", ".join(
        f"{k} {v:.1f} s" for k, v in r["phases_s"].items()))
    tail = r["phases_s"].get("audit", 0.0) + r["phases_s"].get("report", 0.0)
    print(f"  audit + report {tail:.1f} s: {100 * tail / r['wall_s']:.1f}% of the study's wall"
          " (the audit: after the last simulated day; each seed's audit runs beside the next"
          " seed's simulations)")
    audit_cpu = r["phases_s"].get("audit_cpu")
    if audit_cpu is not None and r["cpu_s"]:
        print(f"  the audit's CPU {audit_cpu:.1f} s: {100 * audit_cpu / r['cpu_s']:.1f}% of the "
              f"study's CPU ({r['cpu_s']:.1f} s)")
    print(f"  {r['watched_runs']} watched runs of {r['runs']}: world {r['world_s_per_run']:.2f} s"
          f" a run, watch {r['watch_s_per_run']:.2f} s a run, watch / world "
          f"{r['watch_over_world']}x, watch {r['watch_s_per_day']:.3f} s a day")
    if r["jobs"] != 1:
        print(f"  CPU: study {r['cpu_s']:.1f} s (this process and its workers)")
        return
    print(f"  CPU: study {r['cpu_s']:.1f} s; a run: world steps {r['world_cpu_s_per_run']:.2f} s,"
          f" watch {r['watch_cpu_s_per_run']:.2f} s, watch / world {r['watch_over_world_cpu']}x,"
          f" watch {r['watch_cpu_s_per_day']:.3f} CPU s a day")
    total = sum(r["watch_parts_s"].values()) or 1.0
    total_cpu = sum(r["watch_parts_cpu_s"].values()) or 1.0
    print(f"  the watch by part (all watched runs):  {'wall':>9}        {'CPU':>9}")
    for key, value in r["watch_parts_s"].items():
        c = r["watch_parts_cpu_s"].get(key, 0.0)
        print(f"    {key:<40} {value:8.2f} s {100 * value / total:5.1f}%  {c:8.2f} s "
              f"{100 * c / total_cpu:5.1f}%")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--people", type=int, default=50_000)
    ap.add_argument("--days", type=int, nargs="+", default=[7, 28])
    ap.add_argument("--seeds", type=int, default=1)
    ap.add_argument("--removal-rates", default=None,
                    help="comma-separated, or 'none' (default: the study's)")
    ap.add_argument("--jobs", type=int, default=1,
                    help="simulations at once (1: in this process, with the watch's parts)")
    ap.add_argument("--json", type=Path, default=None, help="write the figures here")
    ap.add_argument("--one-run", action="store_true",
                    help="time the watched run alone (seed 1; no twin, audit or report)")
    args = ap.parse_args()
    rates = None
    if args.removal_rates is not None:
        rates = [] if args.removal_rates == "none" else [
            float(x) for x in args.removal_rates.split(",")]
    _record_watches()
    if args.one_run:  # loaded once a process: kept out of both lengths' watch
        started = time.process_time()
        import sklearn.linear_model  # the learned scorer's model
        import sklearn.pipeline
        import sklearn.preprocessing  # noqa: F401
        print(f"loading scikit-learn (the learned scorer's first fit, once a process): "
              f"{time.process_time() - started:.2f} CPU s")
    results = []
    with tempfile.TemporaryDirectory(prefix="custodiet-bench-study-") as tmp:
        for days in args.days:
            if args.one_run:
                results.append(measure_one(args.people, days, 1, Path(tmp)))
                _print_one(results[-1])
                continue
            results.append(measure(args.people, days, args.seeds, rates, Path(tmp), args.jobs))
            _print(results[-1])
    if len(results) > 1 and args.one_run:
        short, long_ = results[0], results[-1]
        print(f"\nwatch CPU a day, {long_['days']} days over {short['days']} days: "
              f"{long_['watch_cpu_s_per_day'] / short['watch_cpu_s_per_day']:.2f}x")
    elif len(results) > 1:
        short, long_ = results[0], results[-1]
        print(f"\nwatch cost a day, {long_['days']} days over {short['days']} days: "
              f"{long_['watch_s_per_day'] / short['watch_s_per_day']:.2f}x wall, "
              f"{long_['watch_cpu_s_per_day'] / short['watch_cpu_s_per_day']:.2f}x CPU")
    if args.json is not None:
        args.json.write_text(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()
