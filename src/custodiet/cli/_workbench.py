"""``custodiet workbench``: fill in a tripwire's blanks in a local web page and see at once what
it would do to a synthetic city (alerts, precision, lift over chance, innocents flagged, who is
flagged, what the red list hides). The city is simulated once, without police response, and
kept in a cache; serves on 127.0.0.1 only."""

from __future__ import annotations

import argparse
import os
import socket
import sys
from pathlib import Path
from typing import Any

from custodiet.cli._args import (
    day_count,
    non_negative_int,
    positive_int,
)

#: Default size of the workbench's city: small enough to simulate in about a minute on a
#: laptop (assumption), large enough for rare incidents to occur.
DEFAULT_PEOPLE = 20_000
DEFAULT_DAYS = 7


def default_cache() -> Path:
    """``$XDG_CACHE_HOME/custodiet/workbench`` (``~/.cache`` when unset)."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "custodiet" / "workbench"


def port_number(text: str) -> int:
    value = non_negative_int(text)
    if value > 65535:
        raise argparse.ArgumentTypeError(f"a port is at most 65535, got {value}")
    return value


def register(sub: Any) -> None:
    p = sub.add_parser("workbench", help="try tripwire rules on a synthetic city in a local "
                       "web page", description=__doc__)
    p.add_argument("scenario", metavar="SCENARIO", nargs="?", default="default",
                   help="scenario file (TOML) or built-in name (default: default, every "
                   "built-in system)")
    p.add_argument("--people", type=positive_int, default=DEFAULT_PEOPLE,
                   help=f"residents (default {DEFAULT_PEOPLE:,})")
    p.add_argument("--days", type=day_count, default=DEFAULT_DAYS,
                   help=f"days to simulate (default {DEFAULT_DAYS})")
    p.add_argument("--seed", type=non_negative_int, help="root seed (default: the scenario's)")
    p.add_argument("--port", type=port_number, default=8765,
                   help="port on 127.0.0.1 (default 8765; 0: any free port)")
    p.add_argument("--cache", type=Path, default=None, metavar="DIR",
                   help="where simulated cities and studies are kept (default "
                   "~/.cache/custodiet/workbench)")
    p.add_argument("--save-dir", type=Path, default=Path("."), metavar="DIR",
                   help="where Save writes scenario files (default: here)")
    p.add_argument("--quiet", action="store_true", help="no progress bars")
    p.set_defaults(handler=run)


def free_port(port: int) -> int:
    """``port`` if it can be bound on 127.0.0.1, a free one when 0; a user error if taken."""
    from custodiet.errors import UserError

    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        try:
            s.bind(("127.0.0.1", port))
        except OSError as err:
            raise UserError(f"cannot listen on 127.0.0.1:{port}: {err.strerror}",
                            field="--port") from None
        return int(s.getsockname()[1])


def run(args: argparse.Namespace) -> int:
    import uvicorn
    from tqdm import tqdm

    from custodiet.workbench import serve_app

    cache = args.cache or default_cache()
    port = free_port(args.port)
    bars: dict[str, Any] = {}

    def progress(what: str, done: int, total: int) -> None:
        bar = bars.get(what)
        if bar is None:
            bar = bars[what] = tqdm(total=total, desc=what, disable=args.quiet, file=sys.stderr)
        bar.update(done - bar.n)

    app = serve_app(args.scenario, people=args.people, days=args.days, seed=args.seed,
                    cache=cache, save_dir=args.save_dir, progress=progress)
    for bar in bars.values():
        bar.close()
    print(f"custodiet workbench: http://127.0.0.1:{port}/  (Ctrl-C to stop)", flush=True)
    try:
        uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning")
    finally:
        from custodiet.workbench import stop_study as stop

        stop(app.state.workbench.tabs.running())  # a study running ends with the workbench
    return 0
