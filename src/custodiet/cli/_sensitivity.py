"""``custodiet sensitivity``: which assumptions move a scenario's headline figures, by a global
sensitivity analysis over ranges of its settings (Morris screening, or Sobol' indices)."""

from __future__ import annotations

import argparse
from typing import Any

from custodiet._sizes import people_count
from custodiet.cli._args import non_negative_int, positive_int
from custodiet.cli._execution import add_execution_arguments, execution
from custodiet.cli._run import progress_bar
from custodiet.errors import UserError


def register(sub: Any) -> None:
    p = sub.add_parser("sensitivity", help="which assumptions move the headline figures",
                       description=__doc__)
    p.add_argument("scenario", metavar="SCENARIO",
                   help="scenario file (TOML) or built-in name (see custodiet scenarios)")
    p.add_argument("--vary", action="append", metavar="PATH=LO:HI",
                   help="a setting and its range, e.g. world.incidents.petition_rate=0.001:0.02"
                   " (repeat for each; default: the world's uncertain base rates, look-alike "
                   "and recording rates, each from half to twice its default)")
    p.add_argument("--samples", type=positive_int, default=4,
                   help="Morris trajectories (or Sobol' base samples, a power of 2); runs = "
                   "samples × (settings + 1) for Morris")
    p.add_argument("--method", choices=("morris", "sobol"), default="morris")
    p.add_argument("--out", required=True, metavar="DIR", help="directory to create")
    p.add_argument("--people", type=people_count, help="residents, or a city's census count "
                   "(tianjin) (default: the scenario's)")
    p.add_argument("--days", type=positive_int, help="days to simulate (default: the scenario's)")
    p.add_argument("--seed", type=non_negative_int, help="root seed (default: the scenario's)")
    p.add_argument("--force", action="store_true", help="replace DIR if it exists")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    add_execution_arguments(p)
    p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from custodiet.report import publish, sensitivity_report
    from custodiet.store import check_destination
    from custodiet.study import (
        design,
        parse_vary,
        plan_points,
        resolve_scenario,
        sensitivity,
        sized,
    )

    check_destination(args.out, force=args.force)
    from custodiet.study import BUILTIN_VARY

    varied = [parse_vary(v) for v in (args.vary or BUILTIN_VARY)]
    scenario, _ = resolve_scenario(args.scenario)
    sc = sized(scenario, people=args.people, days=args.days, seed=args.seed)
    try:
        _, xs = design(varied, args.samples, args.method, sc.seed)
    except (ValueError, AssertionError) as err:
        raise UserError(str(err), field="--samples") from None
    plan_points(sc, varied, xs)  # every point is checked before any simulation
    bar, tick = progress_bar(len(xs) * sc.world.days, args.quiet, f"{len(xs)} runs")
    holder: dict[str, Any] = {}

    def build(fig_dir):  # type: ignore[no-untyped-def]
        metrics = sensitivity(sc, varied, fig_dir.parent, samples=args.samples,
                              method=args.method, progress=tick)
        holder["m"] = metrics
        return sensitivity_report(metrics, figures_dir=fig_dir), metrics

    try:
        with execution(args, people=sc.world.people, watch=True, runs=len(xs)):
            out = publish(args.out, build, force=args.force)
    except OSError as err:
        raise UserError(f"could not write the analysis: {err}", where=str(args.out)) from None
    finally:
        bar.close()
    for name, o in holder["m"]["outputs"].items():
        print(f"{name}: " + ", ".join(e["setting"] for e in o["effects"]))
    print(f"report: {out / 'report.html'}")
    return 0
