"""Opening DuckDB connections with the project's settings."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from contextvars import ContextVar
from pathlib import Path

import duckdb

from custodiet.errors import UserError


def connect(path: str | Path | None = None, *, read_only: bool = False,
            threads: int | None = None, memory_limit: str | None = None
            ) -> duckdb.DuckDBPyConnection:
    """A DuckDB connection to ``path`` (in memory when None), without DuckDB's progress bar.

    ``threads`` defaults to the ``CUSTODIET_THREADS`` environment variable, then to what an
    enclosing :func:`threads_by_default` says, then to DuckDB's own choice (every core);
    ``memory_limit`` (e.g. ``"4GB"``) to ``CUSTODIET_MEMORY_LIMIT`` or DuckDB's default.
    """
    threads = threads or _env_threads() or _DEFAULT_THREADS.get()
    memory_limit = memory_limit or os.environ.get("CUSTODIET_MEMORY_LIMIT") or None
    con = duckdb.connect(str(path) if path is not None else ":memory:", read_only=read_only)
    _no_progress_bar(con)
    if threads:
        con.execute(f"SET threads = {int(threads)}")
    if memory_limit:
        try:
            con.execute("SET memory_limit = ?", [memory_limit])
        except duckdb.Error:
            con.close()
            raise UserError(f"is not a memory size like 4GB or 512MB: {memory_limit!r}",
                            field="CUSTODIET_MEMORY_LIMIT") from None
    return con


def _no_progress_bar(con: duckdb.DuckDBPyConnection) -> None:
    """Turn off DuckDB's own progress bar, which it draws on standard output for a query that
    runs for seconds (a large study's audit): noise among a command's own progress. Inside
    Jupyter DuckDB refuses to change the setting unless ipywidgets is installed (its bar
    there is a widget, not text on standard output), so a refusal leaves it as it is."""
    with contextlib.suppress(duckdb.InvalidInputException):
        con.execute("SET enable_progress_bar = false")


_DEFAULT_THREADS: ContextVar[int | None] = ContextVar("custodiet_duckdb_threads", default=None)


@contextlib.contextmanager
def threads_by_default(threads: int | None) -> Iterator[None]:
    """Connections opened inside use ``threads`` threads unless told otherwise (None: DuckDB's
    choice). A process that is one of several working side by side, one per core, opens its
    connections with one thread: DuckDB's default of a thread per core there only makes the
    processes contend (a seed's audit took about a quarter more CPU with two)."""
    token = _DEFAULT_THREADS.set(threads)
    try:
        yield
    finally:
        _DEFAULT_THREADS.reset(token)


def _env_threads() -> int | None:
    """``CUSTODIET_THREADS`` as a positive whole number (unset or empty: DuckDB's choice)."""
    text = os.environ.get("CUSTODIET_THREADS", "").strip()
    if not text:
        return None
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise UserError(f"must be a whole number of at least 1, got {text!r}",
                        field="CUSTODIET_THREADS")
    return value


def check_environment() -> None:
    """Refuse a bad ``CUSTODIET_THREADS``, ``CUSTODIET_MALLOC`` or ``CUSTODIET_MEMORY_LIMIT``
    before any work, so the mistake is the one line a command prints (not a line after its
    first output)."""
    from custodiet._malloc import malloc_choice

    _env_threads()
    malloc_choice()
    if (os.environ.get("CUSTODIET_MEMORY_LIMIT") or "").strip():
        connect().close()
