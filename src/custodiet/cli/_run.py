"""``custodiet run``: simulate a scenario's surveillance system over a synthetic city and its twin
cities (the same city without a police response, without the system, without a red list, and
a city where nobody does wrong) for one or more seeds, audit them, and write the report,
metrics, figures and run stores into one directory."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from tqdm import tqdm

from custodiet._sizes import people_count
from custodiet.cli._args import (
    day_count,
    non_negative_int,
    resamples,
    seed_count,
)
from custodiet.cli._execution import add_execution_arguments, execution
from custodiet.cli._summary import wrote
from custodiet.errors import UserError


def rate_list(text: str) -> list[float]:
    """Comma-separated daily removal rates in [0, 1]; ``none`` for no sweep."""
    if text.strip().lower() == "none":
        return []
    out = []
    for part in text.split(","):
        try:
            value = float(part)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected numbers like 0,0.05, got {part!r}") \
                from None
        if not 0.0 <= value <= 1.0:
            raise argparse.ArgumentTypeError(f"a removal rate must be in [0, 1], got {part}")
        out.append(value)
    return out


def add_study_arguments(p: argparse.ArgumentParser) -> None:
    """Arguments shared by ``run`` and ``sweep``."""
    p.add_argument("scenario", metavar="SCENARIO",
                   help="scenario file (TOML) or built-in name (see custodiet scenarios)")
    p.add_argument("--out", required=True, metavar="DIR", help="directory to create")
    p.add_argument("--people", type=people_count, help="residents, or a city's census count "
                   "(tianjin) (default: the scenario's)")
    p.add_argument("--days", type=day_count, help="days to simulate (default: the scenario's)")
    p.add_argument("--seed", type=non_negative_int, help="first root seed (default: the "
                   "scenario's)")
    p.add_argument("--seeds", type=seed_count, default=1,
                   help="simulated cities (seeds S, S+1 …); 2 or more give 95%% intervals")
    p.add_argument("--force", action="store_true", help="replace DIR if it exists")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    add_execution_arguments(p)


def register(sub: Any) -> None:
    p = sub.add_parser("run", help="simulate, audit and report a study", description=__doc__)
    add_study_arguments(p)
    p.add_argument("--removal-rates", type=rate_list, default=None, metavar="R,R,…",
                   help="daily list removal rates of the feedback sweep (default 0,0.03,0.15; "
                   "'none' to skip)")
    p.add_argument("--bootstrap", type=resamples, default=None,
                   help="bootstrap resamples for group-metric intervals (default 200)")
    p.add_argument("--until-stable", action="store_true",
                   help="add seeds two at a time until every answer's verdict is decided "
                   "(--seeds is then ignored), or the budget below is spent")
    p.add_argument("--max-seeds", type=seed_count, default=20,
                   help="with --until-stable: at most this many seeds (default 20)")
    p.add_argument("--max-minutes", type=positive_minutes, default=None,
                   help="with --until-stable: start no batch that would end past this many "
                   "minutes (default: no limit)")
    p.add_argument("--sensitivity", metavar="FILE", default=None,
                   help="a custodiet sensitivity result (its metrics.json): beside each answer, "
                   "how far it moves with the assumptions it rests on (default: the result "
                   "shipped for a built-in scenario; otherwise the assumptions are named "
                   "without a range)")
    p.set_defaults(handler=run)


def positive_minutes(text: str) -> float:
    """A number of minutes above 0 (and below a year)."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number of minutes, got {text!r}") \
            from None
    if not 0 < value <= 525_600:
        raise argparse.ArgumentTypeError(f"must be more than 0 and at most 525600, got {text}")
    return value


def progress_bar(total: int | None, quiet: bool, desc: str) -> tuple[Any, Any]:
    """A tqdm bar over simulated days and the callback that advances it."""
    bar = tqdm(total=total, unit="day", desc=desc, disable=quiet, file=sys.stderr)

    def tick(name: str, _day: int) -> None:
        bar.set_postfix_str(name, refresh=False)
        bar.update(1)
        if total and bar.n >= total:  # the simulations are done; say the silent step
            bar.set_postfix_str("", refresh=False)
            bar.set_description_str(f"{desc}: simulated; now auditing and drawing the report")
    return bar, tick


def run(args: argparse.Namespace) -> int:
    from custodiet.audit.sim import FIGURES
    from custodiet.report import figure_text, rests_on_lines, summary
    from custodiet.store import check_destination
    from custodiet.study import (
        DEFAULT_BOOTSTRAP,
        DEFAULT_REMOVAL_RATES,
        Budget,
        load_measured,
        prepare,
        run_prepared,
    )

    check_destination(args.out, force=args.force, inputs=[args.scenario])
    measured = load_measured(args.sensitivity) if args.sensitivity else None
    prepared = prepare(args.scenario, people=args.people, days=args.days, seed=args.seed,
                       seeds=args.seeds,
                       removal_rates=DEFAULT_REMOVAL_RATES if args.removal_rates is None
                       else args.removal_rates,
                       bootstrap=DEFAULT_BOOTSTRAP if args.bootstrap is None
                       else args.bootstrap)
    sc = prepared.scenario
    bar, tick = progress_bar(None if args.until_stable else prepared.days_to_simulate,
                             args.quiet,
                             "seeds until stable" if args.until_stable else
                             f"{len(prepared.plan)} runs × {sc.world.people:,} people")
    try:
        with execution(args, people=sc.world.people, watch=True, runs=len(prepared.plan)):
            until = Budget(max_seeds=args.max_seeds, max_minutes=args.max_minutes) \
                if args.until_stable else None
            result = run_prepared(prepared, args.out, force=args.force, progress=tick,
                                  until=until, sensitivity=measured)
    except OSError as err:
        raise UserError(f"could not write the study: {err}", where=str(args.out)) from None
    finally:
        bar.close()
    print(summary(result.metrics))
    for line in rests_on_lines(result.metrics, result.rests_on):
        print(line)
    if result.metrics.scenario.stopped:
        print(result.metrics.scenario.stopped)
    print()
    for f in FIGURES:
        entry = result.metrics.spread(f.name)
        if f.printed and entry is not None:
            print(f"  {f.label}: {figure_text(result.metrics, f)}")
    print()
    print(wrote(result.path))
    return 0
