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
from custodiet.errors import UserError, parse_error_text
from custodiet.store._atomic import is_partial
from custodiet.store._writer import DATABASE, MANIFEST, database_facts


class Run:
    """A finished run: its manifest and a read-only DuckDB connection to its tables."""

    def __init__(self, path: str | Path, *, verify: bool = False):
        self.path = Path(path)
        manifest = self.path / MANIFEST
        if is_partial(self.path):
            raise UserError("is the unfinished output of an interrupted command, not a run; "
                            "delete it", where=str(self.path))
        if not self.path.is_dir() or not manifest.is_file() or not (self.path / DATABASE).is_file():
            raise UserError("not a custodiet run directory (no manifest.json and run.duckdb)",
                            where=str(self.path))
        self.manifest: dict[str, Any] = _read_manifest(manifest)
        _check_database(self.path, self.manifest.get("database"), verify)
        try:
            self.con: duckdb.DuckDBPyConnection = connect(self.path / DATABASE, read_only=True)
            self.con.execute("SELECT count(*) FROM information_schema.tables").fetchone()
        except duckdb.Error as err:
            msg = str(err).splitlines()[0][:160]
            raise UserError(f"run.duckdb is not a readable database ({msg})",
                            where=str(self.path / DATABASE)) from None
        try:
            self._check_rows()
        except BaseException:
            self.con.close()
            raise

    def _check_rows(self) -> None:
        """Every table the manifest counts holds that many rows (else the store is damaged)."""
        rows = self.manifest.get("rows", {})
        if not isinstance(rows, dict) or not all(
                isinstance(k, str) and type(v) is int for k, v in rows.items()):
            raise UserError("manifest.json's rows are not table names with counts",
                            where=str(self.path / MANIFEST))
        present = set(self.tables())
        for name, count in rows.items():
            found = self.rows(name) if name in present else None
            if found != count:
                raise _damaged(self.path, f"table {name!r} has "
                               f"{'no rows' if found is None else f'{found:,} rows'}, the "
                               f"manifest says {count:,}")

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

    def __repr__(self) -> str:
        m = self.manifest
        return (f"Run({str(self.path)!r}, kind={m.get('kind', 'run')!r}, "
                f"people={m.get('people')!r}, days={m.get('days')!r}, seed={m.get('seed')!r})")

    def _repr_html_(self) -> str:
        """What Jupyter shows: the run's kind, size and seed, and each table's rows."""
        from html import escape

        m = self.manifest
        rows = "".join(f"<tr><td style='text-align:left'>{escape(name)}</td>"
                       f"<td>{self.rows(name):,}</td></tr>" for name in self.tables())
        what = ", ".join(f"{escape(str(m[k]))} {k}" for k in ("people", "days") if k in m)
        return (f"<div><b>Run {escape(str(self.path))}</b> ({escape(str(m.get('kind', 'run')))}"
                f"; {what}; seed {escape(str(m.get('seed', '?')))})<table><thead><tr>"
                "<th style='text-align:left'>Table</th><th>Rows</th></tr></thead>"
                f"<tbody>{rows}</tbody></table></div>")

    def __enter__(self) -> Run:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def open_run(path: str | Path, *, verify: bool = False) -> Run:
    """Open a finished run directory; a user error if it is not one or if it does not match
    its manifest (size, row counts, and with ``verify`` the SHA-256 of its database)."""
    return Run(path, verify=verify)


#: manifest.json is a few kilobytes; a larger one is refused before it is parsed.
MAX_MANIFEST_BYTES: int = 10_000_000


def _read_manifest(manifest: Path) -> dict[str, Any]:
    """The manifest as a dict; a user error for anything else (a 100,000-digit number, nesting
    deep enough to exhaust the parser, a huge file)."""
    try:
        if manifest.stat().st_size > MAX_MANIFEST_BYTES:
            raise UserError(f"manifest.json is larger than {MAX_MANIFEST_BYTES:,} bytes",
                            where=str(manifest))
        data = json.loads(manifest.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError, OSError, RecursionError) as err:
        msg = parse_error_text(err)
        raise UserError(f"manifest.json cannot be read: {msg}", where=str(manifest)) from None
    if not isinstance(data, dict):
        raise UserError("manifest.json is not an object", where=str(manifest))
    return data


def _damaged(path: Path, what: str) -> UserError:
    return UserError(f"the store does not match its manifest ({what}): it was changed or "
                     "damaged after it was written; run it again", where=str(path))


def _check_database(path: Path, facts: Any, verify: bool) -> None:
    """Refuse a write-ahead log beside a finished database (a finished store has none, and one
    planted there would change what is read), a database of another size than recorded, and,
    with ``verify``, one whose SHA-256 differs. Stores written before these facts were
    recorded are checked by row counts only."""
    db = path / DATABASE
    if (path / f"{DATABASE}.wal").exists():
        raise _damaged(path, "a write-ahead log run.duckdb.wal lies beside the database")
    if facts is None:
        return
    if not isinstance(facts, dict) or type(facts.get("bytes")) is not int:
        raise UserError("manifest.json's database entry is not a size and a digest",
                        where=str(path / MANIFEST))
    size = db.stat().st_size
    if size != facts["bytes"]:
        raise _damaged(path, f"run.duckdb has {size:,} bytes, the manifest says "
                       f"{facts['bytes']:,}")
    if verify and isinstance(facts.get("sha256"), str) and \
            database_facts(db)["sha256"] != facts["sha256"]:
        raise _damaged(path, "run.duckdb's SHA-256 differs from the manifest's")
