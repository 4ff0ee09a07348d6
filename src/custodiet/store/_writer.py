"""Writing a run directory atomically: tables go into ``run.duckdb`` in a temporary directory
beside the destination, which is renamed into place only once the manifest is written."""

from __future__ import annotations

import json
import shutil
import time
from pathlib import Path
from types import TracebackType
from typing import Any

import pyarrow as pa

from custodiet.engine import connect
from custodiet.store._atomic import check_destination, move_into_place, partial_directory

DATABASE = "run.duckdb"
MANIFEST = "manifest.json"


class RunWriter:
    """Collects a run's tables and files, then publishes the directory in one rename.

    Use as a context manager: on an exception the temporary directory is removed and nothing
    appears at the destination.
    """

    def __init__(self, out: str | Path, *, schemas: dict[str, pa.Schema], force: bool = False):
        self.out = check_destination(out, force=force)
        self.force = force
        self.tmp = partial_directory(self.out)
        self.con = connect(self.tmp / DATABASE)
        self.rows: dict[str, int] = {}
        self._started = time.perf_counter()
        for name, table_schema in schemas.items():
            self.con.register("_empty", table_schema.empty_table())
            self.con.execute(f'CREATE TABLE "{name}" AS SELECT * FROM _empty')
            self.con.unregister("_empty")
            self.rows[name] = 0

    @property
    def path(self) -> Path:
        """The temporary directory, for files written beside the database (figures, JSON)."""
        return self.tmp

    def append(self, name: str, table: pa.Table) -> None:
        """Append an Arrow table to a table of the run (created on first use if unknown)."""
        if table.num_rows == 0 and name in self.rows:
            return
        self.con.register("_batch", table)
        if name in self.rows:
            self.con.execute(f'INSERT INTO "{name}" SELECT * FROM _batch')
        else:
            self.con.execute(f'CREATE TABLE "{name}" AS SELECT * FROM _batch')
            self.rows[name] = 0
        self.con.unregister("_batch")
        self.rows[name] += table.num_rows

    def finish(self, manifest: dict[str, Any]) -> Path:
        """Write ``manifest.json`` (with row counts), close the database, publish the directory."""
        manifest = {**manifest, "rows": dict(self.rows),
                    "seconds_total": round(time.perf_counter() - self._started, 3)}
        self.con.execute("CHECKPOINT")
        self.con.close()
        (self.tmp / MANIFEST).write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n")
        try:
            return move_into_place(self.tmp, self.out, force=self.force)
        except BaseException:
            shutil.rmtree(self.tmp, ignore_errors=True)
            raise

    def abort(self) -> None:
        """Drop everything written so far."""
        try:
            self.con.close()
        finally:
            shutil.rmtree(self.tmp, ignore_errors=True)

    def __enter__(self) -> RunWriter:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        if exc_type is not None:
            self.abort()
