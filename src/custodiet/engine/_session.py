"""One engine session per relational step: named Arrow relations in, SQL with bound parameters,
Arrow out. Every identifier pasted into SQL goes through :func:`quote_ident`; every value is a
bound parameter (``$name``), never text in the query."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

from custodiet.engine._duckdb import connect


def quote_ident(name: str) -> str:
    """``name`` as a quoted SQL identifier (a table or column), safe whatever it contains."""
    if not isinstance(name, str) or not name or "\x00" in name:
        raise ValueError(f"not an SQL identifier: {name!r}")
    return '"' + name.replace('"', '""') + '"'


class Session:
    """A DuckDB connection with the project's settings, the relations registered on it, and
    queries run with named parameters (``session.query("... WHERE day = $day", day=3)``)."""

    def __init__(self, path: str | Path | None = None, *, read_only: bool = False,
                 threads: int | None = None, memory_limit: str | None = None):
        self.con: duckdb.DuckDBPyConnection = connect(
            path, read_only=read_only, threads=threads, memory_limit=memory_limit)

    def register(self, name: str, table: pa.Table | Any) -> None:
        """Make ``table`` (Arrow, no copy) readable as the relation ``name``."""
        quote_ident(name)
        self.con.register(name, table)

    def register_all(self, tables: Mapping[str, pa.Table | Any]) -> None:
        """Register several relations at once."""
        for name, table in tables.items():
            self.register(name, table)

    def unregister(self, name: str) -> None:
        """Forget a registered relation."""
        self.con.unregister(name)

    def execute(self, sql: str, /, **params: Any) -> duckdb.DuckDBPyConnection:
        """Run ``sql`` with ``$name`` parameters bound from ``params``."""
        return self.con.execute(sql, params) if params else self.con.execute(sql)

    def query(self, sql: str, /, **params: Any) -> pa.Table:
        """The result of ``sql`` as an Arrow table."""
        return self.execute(sql, **params).to_arrow_table()

    def rows(self, sql: str, /, **params: Any) -> list[tuple[Any, ...]]:
        """The result of ``sql`` as Python tuples."""
        return self.execute(sql, **params).fetchall()

    def scalar(self, sql: str, /, **params: Any) -> Any:
        """The first column of the first row of ``sql`` (None when there is no row)."""
        row = self.execute(sql, **params).fetchone()
        return None if row is None else row[0]

    def close(self) -> None:
        self.con.close()

    def __enter__(self) -> Session:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
