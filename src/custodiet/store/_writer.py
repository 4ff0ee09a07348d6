"""Writing a run directory atomically: tables go into ``run.duckdb`` in a temporary directory
beside the destination, which is renamed into place only once the manifest is written.

Columns handed in as Arrow dictionary arrays (the world's labels) are stored as DuckDB ENUMs
over the dictionary's values: cheaper to insert and to scan than strings, and compared to
string literals as before. :meth:`custodiet.store.Run.table` decodes them back to strings.

Appends run on one background thread, in the order they were made, while the caller computes
the next batch (DuckDB releases the GIL while it inserts): the store's time overlaps the
simulation's instead of adding to it. A bounded queue keeps at most a few batches waiting.
"""

from __future__ import annotations

import hashlib
import json
import queue
import shutil
import threading
import time
from pathlib import Path
from types import TracebackType
from typing import Any

import pyarrow as pa

from custodiet.engine import connect, quote_ident
from custodiet.store._atomic import check_destination, move_into_place, partial_directory

DATABASE = "run.duckdb"
MANIFEST = "manifest.json"
#: Batches that may wait for the background appender before ``append`` blocks (a day's tables).
QUEUE_DEPTH = 8


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _select_enums(table: pa.Table) -> str:
    """``*``, with every dictionary column cast to an ENUM of its dictionary's values (DuckDB
    would otherwise store the decoded strings)."""
    casts = []
    table = table.unify_dictionaries()
    for i, field in enumerate(table.schema):
        if pa.types.is_dictionary(field.type):
            column = table.column(i)
            values = column.chunk(0).dictionary if column.num_chunks else pa.array([], pa.string())
            labels = ", ".join(_literal(v) for v in values.to_pylist())
            casts.append(f"CAST({quote_ident(field.name)} AS ENUM({labels})) "
                         f"AS {quote_ident(field.name)}")
    return f"* REPLACE ({', '.join(casts)})" if casts else "*"


def _has_dictionary(table: pa.Table) -> bool:
    return any(pa.types.is_dictionary(f.type) for f in table.schema)


def _row_counts(con: Any) -> dict[str, int]:
    """Rows of every base table already in the database (a run started from another's)."""
    names = [r[0] for r in con.execute("SELECT table_name FROM information_schema.tables "
                                       "WHERE table_type = 'BASE TABLE'").fetchall()]
    return {n: int(con.execute(f"SELECT count(*) FROM {quote_ident(n)}").fetchone()[0])
            for n in names}


class _Appender:
    """One background thread running inserts on a connection, in submission order.

    The first error stops it; it is re-raised in the caller by the next ``submit`` or ``drain``.
    """

    def __init__(self, con: Any, depth: int = QUEUE_DEPTH):
        self.con = con
        self.queue: queue.Queue[tuple[str, pa.Table, bool] | None] = queue.Queue(depth)
        self.error: BaseException | None = None
        self.busy_s = 0.0
        self.thread = threading.Thread(target=self._loop, name="custodiet-store", daemon=True)
        self.thread.start()

    def _loop(self) -> None:
        while True:
            item = self.queue.get()
            try:
                if item is None:
                    return
                if self.error is None:
                    t = time.perf_counter()
                    self._insert(*item)
                    self.busy_s += time.perf_counter() - t
            except BaseException as err:  # handed to the caller's thread
                self.error = err
            finally:
                self.queue.task_done()

    def _insert(self, name: str, table: pa.Table, create: bool) -> None:
        self.con.register("_batch", table)
        try:
            if create:
                self.con.execute(f"CREATE OR REPLACE TABLE {quote_ident(name)} AS "
                                 f"SELECT {_select_enums(table)} FROM _batch")
            else:
                self.con.execute(f"INSERT INTO {quote_ident(name)} SELECT * FROM _batch")
        finally:
            self.con.unregister("_batch")

    def _raise(self) -> None:
        if self.error is not None:
            raise self.error

    def submit(self, name: str, table: pa.Table, create: bool) -> None:
        self._raise()
        self.queue.put((name, table, create))

    def drain(self) -> None:
        """Wait for every submitted insert; re-raise the first failure."""
        self.queue.join()
        self._raise()

    def stop(self) -> None:
        """Let the queued inserts finish (or skip them after an error) and end the thread."""
        self.queue.put(None)
        self.thread.join()


def database_facts(path: Path, *, digest: bool = True) -> dict[str, Any]:
    """The size of a finished database and the SHA-256 of its bytes: what a reader checks to
    notice a truncated or altered store."""
    facts: dict[str, Any] = {"bytes": path.stat().st_size}
    if digest:
        h = hashlib.sha256()
        with path.open("rb") as fh:
            while chunk := fh.read(1 << 23):
                h.update(chunk)
        facts["sha256"] = h.hexdigest()
    return facts


class RunWriter:
    """Collects a run's tables and files, then publishes the directory in one rename.

    Use as a context manager: on an exception the temporary directory is removed and nothing
    appears at the destination. ``start_from`` names a finished database copied in first: its
    tables are kept (not recreated) and their rows count towards the manifest's ``rows``.
    ``memory_limit`` (bytes) caps DuckDB's buffer pool (default: ``CUSTODIET_MEMORY_LIMIT`` or
    DuckDB's own). Appended tables must not be changed afterwards (Arrow tables are immutable;
    do not write into the numpy arrays behind them): they are inserted later, on the store's
    thread.
    """

    def __init__(self, out: str | Path, *, schemas: dict[str, pa.Schema], force: bool = False,
                 start_from: str | Path | None = None, memory_limit: int | None = None):
        self.out = check_destination(out, force=force)
        self.force = force
        self.tmp = partial_directory(self.out)
        self._started = time.perf_counter()
        self._waited = 0.0
        try:
            if start_from is not None:  # a finished database (a shared city's static tables)
                shutil.copyfile(start_from, self.tmp / DATABASE)
            # One thread: the inserts run beside the simulation on the store's own thread,
            # and DuckDB's second thread costs more CPU than it saves there (a third less
            # CPU for a million people's week).
            self.con = connect(self.tmp / DATABASE, threads=1, memory_limit=(
                f"{memory_limit // 2**20}MiB" if memory_limit is not None else None))
        except BaseException:
            shutil.rmtree(self.tmp, ignore_errors=True)
            raise
        self.rows: dict[str, int] = _row_counts(self.con) if start_from is not None else {}
        for name, table_schema in schemas.items():
            if name in self.rows:  # already in the starting database
                continue
            self.con.register("_empty", table_schema.empty_table())
            self.con.execute(f"CREATE TABLE {quote_ident(name)} AS SELECT * FROM _empty")
            self.con.unregister("_empty")
            self.rows[name] = 0
        self._appender: _Appender | None = _Appender(self.con)

    @property
    def path(self) -> Path:
        """The temporary directory, for files written beside the database (figures, JSON)."""
        return self.tmp

    def append(self, name: str, table: pa.Table) -> None:
        """Append an Arrow table to a table of the run (created on first use if unknown)."""
        if self._appender is None:
            raise RuntimeError("the run is finished or aborted")
        if table.num_rows == 0 and name in self.rows:
            return
        # A table's first rows with dictionary columns recreate it with ENUM columns.
        create = name not in self.rows or (self.rows[name] == 0 and _has_dictionary(table))
        t = time.perf_counter()
        self._appender.submit(name, table, create=create)
        self._waited += time.perf_counter() - t
        self.rows[name] = self.rows.get(name, 0) + table.num_rows

    def flush(self) -> None:
        """Wait until every appended table is in the database."""
        if self._appender is not None:
            t = time.perf_counter()
            self._appender.drain()
            self._waited += time.perf_counter() - t

    def finish(self, manifest: dict[str, Any]) -> Path:
        """Write ``manifest.json`` (with row counts), close the database, publish the directory."""
        self.flush()
        appender, self._appender = self._appender, None
        if appender is not None:
            appender.stop()
        manifest = {**manifest, "rows": dict(self.rows),
                    "seconds_total": round(time.perf_counter() - self._started, 3),
                    "store_seconds": {
                        "inserting": round(appender.busy_s if appender else 0.0, 3),
                        "waited": round(self._waited, 3)}}
        self.con.execute("CHECKPOINT")
        self.con.close()
        manifest["database"] = database_facts(self.tmp / DATABASE)
        (self.tmp / MANIFEST).write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n")
        try:
            return move_into_place(self.tmp, self.out, force=self.force)
        except BaseException:
            shutil.rmtree(self.tmp, ignore_errors=True)
            raise

    def abort(self) -> None:
        """Drop everything written so far."""
        appender, self._appender = self._appender, None
        try:
            if appender is not None:
                appender.error = appender.error or RuntimeError("aborted")  # skip the queue
                appender.stop()
            self.con.close()
        finally:
            shutil.rmtree(self.tmp, ignore_errors=True)

    def __enter__(self) -> RunWriter:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        if exc_type is not None:
            self.abort()
