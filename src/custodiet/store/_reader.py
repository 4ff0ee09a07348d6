"""Opening a finished run directory read-only."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

from custodiet._labels import decoded
from custodiet.engine import connect, quote_ident
from custodiet.errors import UserError
from custodiet.store._atomic import is_partial
from custodiet.store._writer import DATABASE, MANIFEST


class Run:
    """A finished run: its manifest and a read-only DuckDB connection to its tables."""

    def __init__(self, path: str | Path):
        self.path = Path(path)
        manifest = self.path / MANIFEST
        if is_partial(self.path):
            raise UserError("is the unfinished output of an interrupted command, not a run; "
                            "delete it", where=str(self.path))
        if not self.path.is_dir() or not manifest.is_file() or not (self.path / DATABASE).is_file():
            raise UserError("not a custodiet run directory (no manifest.json and run.duckdb)",
                            where=str(self.path))
        try:
            self.manifest: dict[str, Any] = json.loads(manifest.read_text())
        except (json.JSONDecodeError, UnicodeDecodeError, OSError) as err:
            raise UserError(f"manifest.json cannot be read: {err}", where=str(manifest)) from None
        if not isinstance(self.manifest, dict):
            raise UserError("manifest.json is not an object", where=str(manifest))
        try:
            self.con: duckdb.DuckDBPyConnection = connect(self.path / DATABASE, read_only=True)
            self.con.execute("SELECT count(*) FROM information_schema.tables").fetchone()
        except duckdb.Error as err:
            msg = str(err).splitlines()[0][:160]
            raise UserError(f"run.duckdb is not a readable database ({msg})",
                            where=str(self.path / DATABASE)) from None

    def tables(self) -> list[str]:
        """Names of the tables in the run (base tables only: a view could run any query)."""
        rows = self.con.execute("SELECT table_name FROM information_schema.tables "
                                "WHERE table_type = 'BASE TABLE' ORDER BY table_name").fetchall()
        return [r[0] for r in rows]

    def rows(self, name: str) -> int:
        """Number of rows of a table (its name quoted, whatever it holds)."""
        return int(self.con.execute(f"SELECT count(*) FROM {quote_ident(name)}").fetchone()[0])

    def table(self, name: str) -> pa.Table:
        """A whole table as Arrow, in insertion order, ENUM columns as the schema's strings."""
        return decoded(self.con.execute(f"SELECT * FROM {quote_ident(name)}").to_arrow_table())

    def digest(self, name: str) -> str:
        """SHA-256 of a table's content in insertion order: equal digests, equal tables."""
        table = self.table(name)
        sink = pa.BufferOutputStream()
        with pa.ipc.new_stream(sink, table.schema) as writer:
            writer.write_table(table.combine_chunks())
        return hashlib.sha256(sink.getvalue().to_pybytes()).hexdigest()

    def close(self) -> None:
        self.con.close()

    def __enter__(self) -> Run:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def open_run(path: str | Path) -> Run:
    """Open a finished run directory; a user error if it is not one."""
    return Run(path)
