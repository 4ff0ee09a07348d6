"""Benchmark of a study's report phase alone: the time ``custodiet run`` records as ``report``
in ``metrics.json`` (what the answers rest on, the report's sections and every figure written as
SVG and PNG), measured on a finished study directory so that an old and a new build can be
alternated on the same numbers.

    python bench/report.py runs/demo --people 50000 --days 7          # audit once, then time
    python bench/report.py runs/demo --people 50000 --days 7 --html out.html --profile out.prof

The study's runs are audited once (the audit is not what is measured) and the audit's result is
kept in ``DIR/bench-report.pickle``; later calls read it. ``--people``, ``--days``, ``--seeds``
and ``--removal-rates`` must be those the study ran with. It prints the report's wall and CPU
seconds (this process's, and with those of the worker processes that drew figures beside it)
and the machine's load average (``os.getloadavg()``); ``--html`` and ``--figures`` write the
report's HTML and figures, to compare two builds' output byte for byte.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pickle
import resource
import tempfile
import time
from pathlib import Path
from typing import Any

# custodiet is imported inside the functions: each worker process that draws the report's
# figures imports this script again (a spawned process imports its parent's main script), and
# should pay no more for it than the workers of `custodiet run`, which import its command line


def audited(folder: Path, prepared: Any) -> tuple[Any, Any, Any]:
    """The study's metrics, pooled group metrics and seed audits (cached beside the runs)."""
    from custodiet.study import audit_study

    cache = folder / "bench-report.pickle"
    if cache.exists():
        with cache.open("rb") as f:
            return pickle.load(f)
    runs = {spec: folder / spec.path for spec in prepared.plan}
    result = audit_study(prepared.scenario, runs, bootstrap=prepared.bootstrap)
    with cache.open("wb") as f:
        pickle.dump(result, f)
    return result


def _children_cpu() -> float:
    """CPU seconds of the worker processes that have ended (the report's figure workers)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("folder", type=Path, help="a finished `custodiet run` directory")
    ap.add_argument("--scenario", default="default")
    ap.add_argument("--people", type=int, required=True)
    ap.add_argument("--days", type=int, required=True)
    ap.add_argument("--seeds", type=int, default=1)
    ap.add_argument("--removal-rates", default="0,0.03,0.15")
    ap.add_argument("--html", type=Path, help="write the report's HTML here")
    ap.add_argument("--figures", type=Path, help="write the figures here (default: nowhere)")
    ap.add_argument("--profile", type=Path, help="write a cProfile of the report phase here")
    args = ap.parse_args()
    from custodiet.report import study_report
    from custodiet.study import prepare, rests_on

    rates = [] if args.removal_rates == "none" else [
        float(x) for x in args.removal_rates.split(",")]
    prepared = prepare(args.scenario, people=args.people, days=args.days, seeds=args.seeds,
                       removal_rates=rates)
    metrics, groups, audits = audited(args.folder, prepared)
    city = args.folder / "runs" / f"seed-{prepared.seeds[0]}" / "watch"
    load = os.getloadavg()
    with tempfile.TemporaryDirectory() as tmp:
        fig_dir = args.figures or Path(tmp) / "figures"
        profile = cProfile.Profile() if args.profile else None
        if profile is not None:
            profile.enable()
        wall, cpu, workers = time.perf_counter(), time.process_time(), _children_cpu()
        rests = rests_on(metrics, prepared.scenario, None)
        report = study_report(metrics, groups, prepared.scenario, audits=audits,
                              scenario_text=prepared.text, figures_dir=fig_dir,
                              rests_on=rests, city=city)
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        workers = _children_cpu() - workers
        if profile is not None:
            profile.disable()
            profile.dump_stats(args.profile)
        figures = len(list(fig_dir.glob("*.svg")))
    if args.html is not None:
        args.html.write_text(report.render(), encoding="utf-8")
    print(f"report: {wall:.2f} s wall, {cpu:.2f} s CPU ({cpu + workers:.2f} s with its "
          f"workers), {figures} figures; load "
          f"{load[0]:.2f} before, {os.getloadavg()[0]:.2f} after")


if __name__ == "__main__":
    main()
