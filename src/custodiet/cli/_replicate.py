"""``custodiet replicate``: rerun a published feedback-loop result beside the paper's numbers."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from tqdm import tqdm

from custodiet.cli._args import (
    non_negative_int,
    replicate_days,
    run_count,
)
from custodiet.cli._summary import wrote
from custodiet.errors import UserError
from custodiet.store import check_destination

#: The replications by name, as :data:`custodiet.replicate.REPLICATIONS` lists them (written out
#: here so that every other command starts without loading the replications and the report).
REPLICATIONS = ("ensign2018", "damour2020", "akpinar2021", "ensign2018_city", "hotspots_city")


def register(sub: Any) -> None:
    p = sub.add_parser("replicate", help="reproduce a published feedback-loop result",
                       description=__doc__)
    p.add_argument("replication", choices=REPLICATIONS,
                   help="ensign2018 (runaway patrols), damour2020 (attention allocation), "
                   "akpinar2021 (differential reporting, hot spots in the city), "
                   "ensign2018_city (runaway patrols with hot spots in the city) or "
                   "hotspots_city (the hot-spot predictor over the city's own crime)")
    p.add_argument("--out", required=True, metavar="DIR", help="output directory to create")
    p.add_argument("--runs", type=run_count, default=None,
                   help="runs, or cities (default 1000; 20 for the city replications, 3 for "
                   "hotspots_city)")
    p.add_argument("--days", type=replicate_days, default=None,
                   help="days per run (default 1000; 10 for akpinar2021, 60 for "
                   "ensign2018_city, 28 for hotspots_city)")
    p.add_argument("--seed", type=non_negative_int, default=0, help="root seed (default 0)")
    p.add_argument("--force", action="store_true", help="replace DIR if it exists")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from custodiet.replicate import DEFAULTS, replicate, total_days

    check_destination(args.out, force=args.force)
    runs, days = DEFAULTS[args.replication]
    args.runs = runs if args.runs is None else args.runs
    args.days = days if args.days is None else args.days
    bar = tqdm(total=total_days(args.replication, args.days, args.runs), unit="day",
               desc=f"{args.replication} ({args.runs} runs)", disable=args.quiet,
               file=sys.stderr, unit_scale=True)
    try:
        out = replicate(args.replication, args.out, runs=args.runs, days=args.days,
                        seed=args.seed, force=args.force, on_day=lambda _day: bar.update(1))
    except OSError as err:
        raise UserError(f"could not write the output: {err}", where=str(args.out)) from None
    finally:
        bar.close()
    print(wrote(out, replication_findings(out), _OWN_WORDS.get(args.replication)))
    return 0


#: A run that reproduces no paper describes its files in its own words.
_OWN_WORDS: dict[str, dict[str, str]] = {
    "hotspots_city": {"results.json": "the measured numbers and the four answers, for other "
                                      "programs",
                      "README.md": "the four answers and the numbers, as text"},
}


def replication_findings(out: Path) -> list[str]:
    """The replication's answer in a few lines, read back from its ``results.json``."""
    report = json.loads((out / "results.json").read_text(encoding="utf-8"))
    lines: list[str] = []
    if report["replication"] == "ensign2018":
        lines.append("final share of region A in the urn, mean over runs (λA/(λA+λB) beside it)")
        for case in report["cases"]:
            shares = "; ".join(f"{v['label']} {v['measured']['mean_final_share']:.3f}"
                               for v in case["variants"].values())
            lines.append(f"  {case['title']} ({case['true_share']:.3f}): {shares}")
        return lines
    if "answers" in report:  # the hot-spot predictor over the city's own crime
        return [f"  {key}: {text}" for key, text in report["answers"].items()]
    if "variants" in report:  # the hot-spot replications in the city: each figure's sentence
        for variant, figures in report["variants"].items():
            lines.extend(f"  {variant}: {f['sentence']}" for f in figures.values()
                         if isinstance(f, dict) and "sentence" in f)
        return lines
    claims = report["measured_claims"]
    for d, c in claims["greedy_most_discovered_and_missed"].items():
        lines.append(f"d = {d}: most discovered {c['most_discovered']}, most missed "
                     f"{c['most_missed']}: the paper's ordering "
                     f"{'holds' if c['holds'] else 'does not hold'}")
    return lines
