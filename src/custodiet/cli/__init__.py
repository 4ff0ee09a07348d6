"""The ``custodiet`` command line: one sub-command per module, user errors as one line, exit 2."""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from custodiet.errors import UserError

# Each name maps to ``custodiet.cli._<name>``, which defines ``register(subparsers)``; the
# registered handler takes the parsed arguments and returns an exit code.
_COMMANDS: tuple[str, ...] = ("world", "inspect", "replicate", "audit", "scenarios", "run",
                             "compare", "sweep", "sensitivity", "workbench")


class _Parser(argparse.ArgumentParser):
    """argparse, but a bad argument is one line on stderr and exit code 2 (no usage dump)."""

    def error(self, message: str) -> None:  # type: ignore[override]
        sys.stderr.write(f"custodiet: error: {message}\n")
        raise SystemExit(2)


def build_parser() -> argparse.ArgumentParser:
    """The full parser with every sub-command registered."""
    from custodiet import __version__

    parser = _Parser(prog="custodiet", description=__doc__)
    parser.add_argument("--version", action="version", version=f"custodiet {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    sub.required = True
    for name in _COMMANDS:
        importlib.import_module(f"custodiet.cli._{name}").register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the console script."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.handler(args) or 0)
    except UserError as err:
        sys.stderr.write(f"custodiet: error: {err.format()}\n")
        return 2
    except BrokenPipeError:  # output piped into a pager or `head` that closed early
        sys.stderr.close()
        return 0
    except KeyboardInterrupt:
        sys.stderr.write("custodiet: interrupted; nothing was written\n")
        return 130


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
