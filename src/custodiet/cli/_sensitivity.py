"""``custodiet sensitivity``: which assumptions move a scenario's headline figures, by a global
sensitivity analysis over ranges of its settings (Morris screening, or Sobol' indices)."""

from __future__ import annotations

import argparse
from typing import Any

from custodiet._sizes import people_count
from custodiet.cli._args import non_negative_int, positive_int
from custodiet.cli._execution import add_execution_arguments, execution
from custodiet.cli._run import progress_bar
from custodiet.cli._summary import wrote
from custodiet.errors import UserError


def register(sub: Any) -> None:
    p = sub.add_parser("sensitivity", help="which assumptions move the headline figures",
                       description=__doc__)
    p.add_argument("scenario", metavar="SCENARIO",
                   help="scenario file (TOML) or built-in name (see custodiet scenarios)")
    p.add_argument("--vary", action="append", metavar="PATH=LO:HI",
                   help="a setting and its range, e.g. world.incidents.petition_rate=0.001:0.02"
                   " (repeat for each; default: 26 uncertain settings: base rates, look-alikes,"
                   " recording, footprints, crowded rentals, couples, cameras at homes and "
                   "gates, deterrence, the response, list removal)")
    p.add_argument("--samples", type=positive_int, default=10,
                   help="Morris trajectories (or Sobol' base samples, a power of 2); runs = "
                   "replicates × samples × (settings + 1) for Morris, × (settings + 2) for "
                   "Sobol' (default: 10)")
    p.add_argument("--replicates", type=positive_int, default=2,
                   help="independent designs, each with its own design seed and cities; the "
                   "second checks that the top drivers are stable (default: 2)")
    p.add_argument("--twins", action="store_true",
                   help="also run each point's no-response, no-system and null-world twins "
                   "(four times the runs): deterrence, interception and the null-world ratio "
                   "become outputs")
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
        BUILTIN_VARY,
        check_samples,
        design,
        parse_vary,
        plan_points,
        resolve_scenario,
        sensitivity,
        sized,
    )

    check_samples(args.samples, args.method)
    check_destination(args.out, force=args.force)

    varied = [parse_vary(v) for v in (args.vary or BUILTIN_VARY)]
    scenario, _ = resolve_scenario(args.scenario)
    sc = sized(scenario, people=args.people, days=args.days, seed=args.seed)
    try:
        _, xs = design(varied, args.samples, args.method, sc.seed)
    except (ValueError, AssertionError) as err:
        raise UserError(str(err), field="--samples") from None
    plan_points(sc, varied, xs)  # every point is checked before any simulation
    runs = len(xs) * args.replicates * (1 + 3 * args.twins)
    bar, tick = progress_bar(runs * sc.world.days, args.quiet, f"{runs} runs")
    holder: dict[str, Any] = {}

    def build(fig_dir):  # type: ignore[no-untyped-def]
        metrics = sensitivity(sc, varied, fig_dir.parent, samples=args.samples,
                              method=args.method, replicates=args.replicates,
                              twins=args.twins, progress=tick)
        holder["m"] = metrics
        return sensitivity_report(metrics, figures_dir=fig_dir), metrics

    try:
        with execution(args, people=sc.world.people, watch=True, runs=runs):
            out = publish(args.out, build, force=args.force)
    except OSError as err:
        raise UserError(f"could not write the analysis: {err}", where=str(args.out)) from None
    finally:
        bar.close()
    print(summary_table(holder["m"]))
    print(wrote(out))
    return 0


def summary_table(metrics: dict[str, Any], top: int = 3) -> str:
    """The terminal's answer: per output, its mean over the runs and its top settings with
    their effects and intervals; then whether the top two drivers are stable."""
    from custodiet.report import stability_sentences

    key = "mu_star" if metrics["method"] == "morris" else "ST"
    lines = [f"{'output':<34} {'mean':>10}  top settings ({key} ± interval)"]
    for name, o in metrics["outputs"].items():
        vals = [v for v in o["values"] if v == v]  # NaN is undefined
        if o.get("undefined") or not vals:
            lines.append(f"{name:<34} {'undefined':>10}  undefined in every run")
            continue
        tops = [e for e in o["effects"][:top] if e[key] > 0]
        text = "; ".join(f"{e['setting']} {e[key]:.3g} ± {e[f'{key}_conf']:.2g}"
                         for e in tops) or "no setting moved it"
        lines.append(f"{name:<34} {sum(vals) / len(vals):>10.4g}  {text}")
    return "\n".join([*lines, *stability_sentences(metrics.get("stability") or {})])
