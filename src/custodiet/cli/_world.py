"""``custodiet world``: build a synthetic city and stream its days into a run directory."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

import numpy as np
from tqdm import tqdm

from custodiet._sizes import people_count
from custodiet.cli._args import (
    day_count,
    non_negative_int,
)
from custodiet.cli._summary import wrote
from custodiet.errors import UserError
from custodiet.scenario import Scenario, load_scenario
from custodiet.store import check_destination, open_run


def register(sub: Any) -> None:
    p = sub.add_parser("world", help="simulate a synthetic city and write its run directory",
                       description=__doc__)
    p.add_argument("--scenario", metavar="FILE", help="scenario file (TOML); its [world] is used")
    p.add_argument("--people", type=people_count,
                   help="residents, or a city's census count (tianjin) (default 100000)")
    p.add_argument("--days", type=day_count, help="days to simulate (default 7)")
    p.add_argument("--seed", type=non_negative_int, help="root seed (default 0)")
    p.add_argument("--out", required=True, metavar="DIR", help="run directory to create")
    p.add_argument("--force", action="store_true", help="replace DIR if it exists")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.set_defaults(handler=run)


def scenario_with_overrides(args: argparse.Namespace) -> Scenario:
    """The scenario file (or the default), with --people/--days/--seed applied on top."""
    scenario = load_scenario(args.scenario) if args.scenario else Scenario()
    if args.people is None and args.days is None and args.seed is None:
        return scenario
    from custodiet.study import with_changes

    changes = {"world.people": args.people, "world.days": args.days, "seed": args.seed}
    return with_changes(scenario, {k: v for k, v in changes.items() if v is not None},
                        source="command line")


def run(args: argparse.Namespace) -> int:
    from custodiet._memory import check
    from custodiet.study import simulate_world

    scenario = scenario_with_overrides(args)
    check_destination(args.out, force=args.force, inputs=[args.scenario])
    estimate = check(scenario.world.people, watch=False)  # refuses what cannot fit
    if not args.quiet:
        print(estimate.describe(), file=sys.stderr)
    days = scenario.world.days
    bar = tqdm(total=days, unit="day", desc=f"city of {scenario.world.people:,}",
               disable=args.quiet, file=sys.stderr)
    try:
        out = simulate_world(scenario, args.out, force=args.force,
                             on_day=lambda _day: bar.update(1))
    except OSError as err:
        raise UserError(f"could not write the run: {err}", where=str(args.out)) from None
    finally:
        bar.close()
    city_map(scenario, out)
    print(wrote(out, world_findings(out)))
    return 0


def city_map(scenario: Scenario, out: Path) -> Path | None:
    """``map.svg`` in the run directory: the city's districts (residents), enclaves and the
    cameras the scenario's sensors place, no alerts (a world has no watch)."""
    from custodiet.report import world_map

    return world_map(out, out / "map.svg", scenario_cameras(scenario, out))


def scenario_cameras(scenario: Scenario, store: Path) -> np.ndarray:
    """The places with a camera, as the scenario's watch places them over the city in
    ``store`` (the same draws: its sensors, lists and seed)."""
    from custodiet.watch import camera_places

    with open_run(store) as run_:
        persons, places = run_.table("persons"), run_.table("places")
    return camera_places(scenario, persons, places)


def world_findings(out: Path) -> list[str]:
    """What the city holds: its size, its events and its ground-truth incidents."""
    with open_run(out) as run_:
        rows = run_.manifest.get("rows") or {}
        kinds: list[tuple[str, int]] = []
        if "incidents" in run_.tables():
            kinds = run_.con.execute("SELECT kind, count(*) FROM incidents WHERE lawful "
                                     "GROUP BY kind ORDER BY 2 DESC, 1").fetchall()
        m = run_.manifest
    lawful = sum(n for _, n in kinds)
    which = f" ({', '.join(f'{k} {n:,}' for k, n in kinds)})" if kinds else ""
    days = m.get("days", 0)
    return [f"a city of {m.get('people', 0):,} people in {rows.get('places', 0):,} places over "
            f"{days} day{'s' * (days != 1)}: {rows.get('stays', 0):,} stays, "
            f"{rows.get('calls', 0):,} "
            f"calls, {rows.get('tickets', 0):,} tickets",
            f"{rows.get('incidents', 0):,} incidents (ground truth), {lawful:,} of them "
            f"lawful{which}"]
