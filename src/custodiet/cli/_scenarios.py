"""``custodiet scenarios``: list the built-in scenarios, one line each."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from custodiet.scenario import builtin_scenarios, load_scenario


def register(sub: Any) -> None:
    p = sub.add_parser("scenarios", help="list the built-in scenarios",
                       description=__doc__)
    p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    del args
    found = builtin_scenarios()
    width = max((len(name) for name in found), default=0)
    for name, path in found.items():
        scenario = load_scenario(path)
        sources = ", ".join(scenario.sources)
        sys.stdout.write(f"{name:<{width}}  {scenario.description} [{sources}]\n")
    return 0
