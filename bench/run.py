"""Benchmark of a study's stages on the default scenario: world, watch, audit and report, with
peak RSS, one size per subprocess (so each peak RSS is its own).

    python bench/run.py                          # 1M persons × 7 days
    python bench/run.py --sizes 100000 300000    # smaller cities on a small machine

World and watch are timed inside the simulation of the ``watch`` run (the manifest's
``seconds``: ``build`` + ``simulate`` + ``store`` for the world, ``watch`` for the watch). The
audit is the one-seed audit of that run (per rule, all rules, burden, lists and feedback, red
list) plus the group metrics with 200 bootstrap resamples; the report is the HTML with every
figure as SVG and PNG. Twin runs are further worlds and watches of the same cost, not timed
again.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def one(people: int, days: int) -> dict:
    """Time each stage for one city size (run in its own process)."""
    from custodiet.report import study_report
    from custodiet.scenario import builtin_scenarios, load_scenario
    from custodiet.study import RunSpec, Variant, audit_study, simulate, sized

    sc = sized(load_scenario(builtin_scenarios()["default"]), people=people, days=days, seed=1)
    with tempfile.TemporaryDirectory(prefix="custodiet-bench-run-") as tmp:
        t0 = time.perf_counter()
        path = simulate(sc, Path(tmp) / "watch")
        wall_sim = time.perf_counter() - t0
        secs = json.loads((path / "manifest.json").read_text())["seconds"]
        t1 = time.perf_counter()
        spec = RunSpec(sc, "watch", 1, Variant.WATCH.value, "1")
        metrics, groups, audits = audit_study(sc, {spec: path}, bootstrap=200)
        t2 = time.perf_counter()
        report = study_report(metrics, groups, sc, audits=audits,
                              figures_dir=Path(tmp) / "figures")
        report.write(Path(tmp) / "report.html")
        t3 = time.perf_counter()
    world = secs["build"] + secs["simulate"] + secs["store"]
    return {"people": people, "days": days, "world_s": round(world, 2),
            "watch_s": round(secs["watch"], 2), "simulation_wall_s": round(wall_sim, 2),
            "audit_s": round(t2 - t1, 2), "report_s": round(t3 - t2, 2),
            "audit_plus_report_over_world": round((t3 - t1) / world, 3),
            "alerts": audits[0].headline["alerts"], "peak_rss_mb": round(_peak_rss_mb())}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[1_000_000])
    ap.add_argument("--days", type=int, default=7)
    ap.add_argument("--one", type=int, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.one:
        print(json.dumps(one(args.one, args.days)))
        return
    print(f"{'people':>10} {'days':>4} {'world s':>8} {'watch s':>8} {'audit s':>8} "
          f"{'report s':>8} {'(a+r)/world':>11} {'alerts':>8} {'peak RSS MB':>11}")
    for n in args.sizes:
        out = subprocess.run([sys.executable, __file__, "--one", str(n), "--days",
                              str(args.days)], capture_output=True, text=True, check=True)
        r = json.loads(out.stdout.strip().splitlines()[-1])
        print(f"{r['people']:>10,} {r['days']:>4} {r['world_s']:>8} {r['watch_s']:>8} "
              f"{r['audit_s']:>8} {r['report_s']:>8} {r['audit_plus_report_over_world']:>11} "
              f"{r['alerts']:>8,} {r['peak_rss_mb']:>11,}", flush=True)


if __name__ == "__main__":
    main()
