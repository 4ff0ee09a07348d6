"""The ``custodiet`` command line: one sub-command per module, user errors as one line, exit 2;
``custodiet`` alone lists the commands."""

from __future__ import annotations

import argparse
import errno
import importlib
import os
import re
import signal
import sys
import threading
import unicodedata
from collections.abc import Sequence

from custodiet._interrupt import Terminated
from custodiet._interrupt import request as request_termination
from custodiet._interrupt import requested as termination_requested
from custodiet.errors import UserError

# Each name maps to ``custodiet.cli._<name>``, which defines ``register(subparsers)``; the
# registered handler takes the parsed arguments and returns an exit code. In the order a
# newcomer meets them: studies of a built-in system first, then the city, then real data.
_COMMANDS: tuple[str, ...] = ("scenarios", "run", "compare", "sweep", "sensitivity",
                             "workbench", "world", "inspect", "audit", "replicate")

#: What the terminal says above the commands (``custodiet`` alone, ``custodiet --help``).
ABOUT = ("custodiet rebuilds predictive surveillance systems over synthetic cities and audits "
         "them: who they flag, how often wrongly, which groups carry the burden. It also "
         "audits a real scored table (aggregates only).")

#: One example per command, shown under its --help.
EXAMPLES: dict[str, str] = {
    "scenarios": "custodiet scenarios",
    "run": "custodiet run default --people 20000 --days 7 --out runs/study",
    "compare": "custodiet compare runs/study runs/five --out runs/diff",
    "sweep": "custodiet sweep default --set rules.drug_users_same_hotel.k=2,3,4 --out runs/k",
    "sensitivity": "custodiet sensitivity default --samples 2 --out runs/s26",
    "workbench": "custodiet workbench",
    "world": "custodiet world --people 100000 --days 7 --seed 1 --out runs/city",
    "inspect": "custodiet inspect runs/city",
    "audit": "custodiet audit scores.csv --score s --threshold 7 --group race --out runs/a",
    "replicate": "custodiet replicate ensign2018 --out runs/ensign2018",
}

_LITERAL = re.compile(r"``([^`]*)``")


def user_text(doc: str | None) -> str:
    """A command module's docstring as its --help says it: without the leading
    ``custodiet NAME``: and the reStructuredText quotes, starting with a capital."""
    text = " ".join((doc or "").split())
    text = re.sub(r"^``custodiet [a-z]+``:\s*", "", text)
    text = _LITERAL.sub(r"\1", text)
    return text[:1].upper() + text[1:]


class _Parser(argparse.ArgumentParser):
    """argparse, but a bad argument is one line on stderr and exit code 2 (no usage dump)."""

    def error(self, message: str) -> None:  # type: ignore[override]
        raise SystemExit(_error(message))


def build_parser() -> argparse.ArgumentParser:
    """The full parser with every sub-command registered."""
    from custodiet import __version__

    parser = _Parser(prog="custodiet", description=ABOUT,
                     epilog="Run 'custodiet COMMAND --help' for a command's options. New here? "
                            "Start with 'custodiet run default --people 20000 --days 7 --out "
                            "runs/demo' (about a minute) and open runs/demo/report.html; "
                            "docs/getting-started.md walks through it.")
    parser.add_argument("--version", action="version", version=f"custodiet {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser,
                                title="commands")
    sub.required = True
    for name in _COMMANDS:
        importlib.import_module(f"custodiet.cli._{name}").register(sub)
    for name, command in sub.choices.items():
        command.description = user_text(command.description)
        if name in EXAMPLES and command.epilog is None:
            command.epilog = f"Example: {EXAMPLES[name]}"
    return parser


def command_list(parser: argparse.ArgumentParser) -> str:
    """What ``custodiet`` alone prints: what it is, each command with one line, and where
    to go next."""
    import textwrap

    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    helps = {a.dest: a.help or "" for a in sub._choices_actions}
    width = max(len(n) for n in helps)
    lines = [*textwrap.wrap(ABOUT, 78), "", "Commands:"]
    lines += [f"  {name:<{width}}  {text}" for name, text in helps.items()]
    lines += ["", *textwrap.wrap(parser.epilog or "", 78)]
    return "\n".join(lines) + "\n"


#: Seconds after which a SIGTERM that arrived inside Python's import machinery is delivered
#: again (there an exception raised by the handler is printed and dropped, not propagated).
SIGTERM_RETRY_S = 0.05


def _on_sigterm(signum: int, frame: object) -> None:
    code = getattr(frame, "f_code", None)
    if code is not None and code.co_filename.startswith("<frozen importlib"):
        # an import's lock callback: Python would print the exception as "ignored" and go on
        threading.Timer(SIGTERM_RETRY_S, _send_sigterm).start()
        return
    request_termination()


def _send_sigterm() -> None:
    os.kill(os.getpid(), signal.SIGTERM)


def _terminated() -> int:
    sys.stderr.write("custodiet: terminated; nothing was written\n")
    return 143


def printable(text: str) -> str:
    """``text`` without control characters (a user's file or column name could carry terminal
    escape sequences); tabs become spaces."""
    return "".join(" " if c == "\t" else c for c in text
                   if c == "\t" or unicodedata.category(c)[0] != "C")


def _error(message: str) -> int:
    sys.stderr.write(f"custodiet: error: {printable(message)}\n")
    return 2


def _engine_error(err: Exception) -> str | None:
    """One line for an engine error a user's machine or input can cause (a full disk, memory
    exhausted, a file removed underneath); None for anything else (a bug: a traceback)."""
    import duckdb

    if not isinstance(err, duckdb.Error):
        return None
    text = str(err)
    first = text.splitlines()[0][:200] if text else type(err).__name__
    if "No space left on device" in text or "Disk full" in text:
        return "no space left on the device; free some space or choose another --out"
    if isinstance(err, duckdb.OutOfMemoryException) or "Out of Memory" in text:
        return (f"the engine ran out of memory ({first}); try fewer people, days or groups, "
                "or set CUSTODIET_MEMORY_LIMIT")
    if isinstance(err, duckdb.IOException | duckdb.PermissionException):
        return f"the engine could not read or write a file: {first}"
    return None


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the console script."""
    parser = build_parser()
    argv = sys.argv[1:] if argv is None else list(argv)
    if not argv:  # ``custodiet`` alone: what there is to do, not an error
        sys.stdout.write(command_list(parser))
        return 0
    args = parser.parse_args(argv)
    previous = None
    if threading.current_thread() is threading.main_thread():
        previous = signal.signal(signal.SIGTERM, _on_sigterm)
    try:
        from custodiet._executor import default_jobs
        from custodiet.engine import check_environment

        check_environment()
        if os.environ.get("CUSTODIET_JOBS", "").strip():
            default_jobs()
        return int(args.handler(args) or 0)
    except UserError as err:
        return _error(err.format())
    except BrokenPipeError:  # output piped into a pager or `head` that closed early
        sys.stderr.close()
        return 0
    except OSError as err:  # disk full, permissions, a vanished directory: one line
        what = err.strerror or str(err)
        if err.errno == errno.ENOSPC:
            what = "no space left on the device; free some space or choose another --out"
        where = f"{err.filename}: " if err.filename else ""
        return _error(f"{where}{what}")
    except MemoryError:
        return _error("out of memory; try fewer people, days or groups (or set "
                      "CUSTODIET_MEMORY_LIMIT for the engine)")
    except Terminated:
        return _terminated()
    except KeyboardInterrupt:
        sys.stderr.write("custodiet: interrupted; nothing was written\n")
        return 130
    except Exception as err:
        if termination_requested():  # DuckDB's "Query interrupted", raised for our SIGTERM
            return _terminated()
        engine = _engine_error(err)
        if engine is not None:
            return _error(engine)
        raise
    finally:
        from custodiet.store import discard_partials

        discard_partials()  # whatever was interrupted, no half-written directory stays
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
