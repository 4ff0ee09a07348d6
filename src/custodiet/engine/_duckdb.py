"""Opening DuckDB connections with the project's settings."""

from __future__ import annotations

import os
from pathlib import Path

import duckdb


def connect(path: str | Path | None = None, *, read_only: bool = False,
            threads: int | None = None, memory_limit: str | None = None
            ) -> duckdb.DuckDBPyConnection:
    """A DuckDB connection to ``path`` (in memory when None).

    ``threads`` defaults to the ``CUSTODIET_THREADS`` environment variable or DuckDB's own
    choice; ``memory_limit`` (e.g. ``"4GB"``) to ``CUSTODIET_MEMORY_LIMIT`` or DuckDB's default.
    """
    con = duckdb.connect(str(path) if path is not None else ":memory:", read_only=read_only)
    threads = threads or int(os.environ.get("CUSTODIET_THREADS", "0") or 0) or None
    if threads:
        con.execute(f"SET threads = {int(threads)}")
    memory_limit = memory_limit or os.environ.get("CUSTODIET_MEMORY_LIMIT")
    if memory_limit:
        con.execute("SET memory_limit = ?", [memory_limit])
    return con
