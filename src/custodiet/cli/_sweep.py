"""``custodiet sweep``: run a scenario for each value of one setting (the same seeds for every
value) and draw the trade-off between true alerts and innocent people flagged."""

from __future__ import annotations

import argparse
from typing import Any

from custodiet.cli._execution import execution
from custodiet.cli._run import add_study_arguments, progress_bar
from custodiet.cli._summary import wrote
from custodiet.errors import UserError


def register(sub: Any) -> None:
    p = sub.add_parser("sweep", help="run a scenario for several values of one setting",
                       description=__doc__)
    add_study_arguments(p)
    p.add_argument("--set", dest="setting", action="append", required=True,
                   metavar="PATH=V1,V2,…",
                   help="the setting and its values, e.g. rules.NAME.k=2,3,4 or "
                   "lists.NAME.removal_rate=0,0.05")
    p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from custodiet.audit.sim import REGISTRY
    from custodiet.report import headline_text, publish, sweep_differences, sweep_report
    from custodiet.store import check_destination
    from custodiet.study import (
        apply_setting,
        check_values,
        parse_setting,
        resolve_scenario,
        seeds_from,
        sized,
        sweep,
    )

    if len(args.setting) != 1:
        raise UserError("sweep one setting at a time (give --set once)", field="--set")
    check_destination(args.out, force=args.force, inputs=[args.scenario])
    path, values = parse_setting(args.setting[0])
    scenario, _ = resolve_scenario(args.scenario)
    sc = sized(scenario, people=args.people, days=args.days, seed=args.seed)
    check_values(values)
    for v in values:  # every value is checked before any simulation
        apply_setting(sc, path, v)
    seeds = seeds_from(sc.seed, args.seeds)
    bar, tick = progress_bar(len(values) * len(seeds) * sc.world.days, args.quiet,
                             f"{len(values)} values × {len(seeds)} seeds")
    holder: dict[str, Any] = {}

    def build(fig_dir):  # type: ignore[no-untyped-def]
        metrics = sweep(sc, path, values, fig_dir.parent, seeds=seeds, progress=tick)
        holder["m"] = metrics
        return sweep_report(metrics, figures_dir=fig_dir), metrics

    try:
        with execution(args, people=sc.world.people, watch=True,
                       runs=len(values) * len(seeds)):
            out = publish(args.out, build, force=args.force)
    except OSError as err:
        raise UserError(f"could not write the sweep: {err}", where=str(args.out)) from None
    finally:
        bar.close()
    changes = [[], *[row for _, row in sweep_differences(holder["m"])]]
    for i, p in enumerate(holder["m"]["points"]):
        cells = [f"{REGISTRY[k].label.lower()}: {headline_text(p.get(k) or {}, REGISTRY[k].unit)}"
                 for k in ("true_alerts", "innocents_flagged")]
        print(f"{path} = {p['value']}: " + "; ".join(cells))
        for d in changes[i] if i < len(changes) else []:
            if d.figure.name in ("true_alerts", "innocents_flagged"):
                print(f"  {d.figure.label.lower()}: {d.words}")
    print(wrote(out))
    return 0
