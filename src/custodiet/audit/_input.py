"""Reading and checking a real table for an audit: the columns it names exist, hold what
their role needs (0/1 labels and flags, a numeric score, finite non-negative weights that do
not overflow), appear once, and no group column identifies people (counted as respondents
with survey weights)."""

from __future__ import annotations

import math
import re
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb

from custodiet.audit._cellkey import MIN_SECRET_BYTES, ROW_HASH
from custodiet.audit._cells import quote
from custodiet.audit._validate import suggest
from custodiet.errors import UserError

if TYPE_CHECKING:
    from custodiet.audit._spec import AuditSpec

#: The smallest ``min_cell`` a real-data audit accepts: below it a published count could single
#: out a handful of people (assumption: the floor many statistical agencies use, 5).
MIN_CELL_FLOOR: int = 5
#: A group column is refused as identifying when more than this share of the people share
#: their value with fewer than ``min_cell`` people (a name, an id, a date of birth).
IDENTIFIER_SHARE: float = 0.5

#: With survey weights the bootstrap draws one count per distinct (groups, flag, label,
#: weight) row and resample; above this many such rows it is refused (assumption: memory).
MAX_SURVEY_CELLS: int = 1_000_000
#: Weights summing to more people than this are refused (assumption: no table stands for more
#: than 1e12 people; the world has about 8e9, and 1e308 would overflow to infinity).
MAX_PEOPLE: float = 1e12
#: Bounds on what a user asks for (assumptions: far above any documented use; a typo such as
#: --bootstrap 100000000 is refused at once instead of exhausting memory).
MAX_BOOTSTRAP: int = 100_000
MAX_GROUP_COLUMNS: int = 6
MAX_RESAMPLED_CELLS: int = 100_000_000  # bootstrap resamples x cells (800 MB of counts)

_NUMERIC = ("TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT", "UTINYINT", "USMALLINT",
            "UINTEGER", "UBIGINT", "FLOAT", "DOUBLE", "BOOLEAN")


def _reader(path: Path) -> str:
    name = path.name.lower()
    lit = "'" + str(path).replace("'", "''") + "'"
    if name.endswith((".parquet", ".pq")):
        return f"read_parquet({lit})"
    if name.endswith((".csv", ".csv.gz", ".tsv", ".txt", ".tsv.gz")):
        return f"read_csv({lit}, header = true)"
    raise UserError("unknown file type; give a .csv or .parquet file", where=str(path))


def check_spec(spec: AuditSpec) -> None:
    where = str(spec.path)
    rules = [spec.threshold is not None, spec.flag is not None, spec.top_k is not None,
             spec.top_pct is not None]
    if sum(rules) != 1:
        raise UserError("give exactly one flag rule: --score with --threshold, --flag, "
                        "--top-k or --top-pct")
    if (spec.threshold is not None or spec.top_k is not None or spec.top_pct is not None) \
            and spec.score is None:
        raise UserError("--threshold, --top-k and --top-pct need --score")
    if spec.top_k is not None and not spec.top_k > 0:
        raise UserError(f"must be more than 0, got {spec.top_k:g}", field="--top-k")
    if spec.top_pct is not None and not 0 < spec.top_pct <= 100:
        raise UserError(f"must be in (0, 100], got {spec.top_pct:g}", field="--top-pct")
    if spec.threshold is not None and not math.isfinite(spec.threshold):
        raise UserError("must be a finite number", field="--threshold")
    if not spec.groups:
        raise UserError("give at least one --group column")
    if not 0 <= spec.bootstrap <= MAX_BOOTSTRAP:
        raise UserError(f"must be 0 to {MAX_BOOTSTRAP:,}, got {spec.bootstrap:,}",
                        field="--bootstrap")
    if len(spec.groups) > MAX_GROUP_COLUMNS:
        raise UserError(f"at most {MAX_GROUP_COLUMNS} --group columns, got {len(spec.groups)}",
                        field="--group")
    if not spec.min_cell >= MIN_CELL_FLOOR:
        raise UserError(f"must be at least {MIN_CELL_FLOOR} on real data (smaller cells could "
                        f"single out people), got {spec.min_cell:g}", field="--min-cell")
    if spec.perturb_secret and not spec.perturb:
        raise UserError("a perturbation secret needs --perturb", field="--perturb-secret")
    if spec.perturb_secret and len(spec.perturb_secret) < MIN_SECRET_BYTES:
        raise UserError(f"must be at least {MIN_SECRET_BYTES} bytes (a short secret can be "
                        "guessed); e.g. head -c 32 /dev/urandom > FILE", field="--perturb-secret")
    if spec.glob:
        return
    if not spec.path.exists():
        raise UserError("no such file", where=where)
    if spec.path.is_dir():
        raise UserError("is a directory, not a table file", where=where)
    if spec.path.stat().st_size == 0:
        raise UserError("is empty", where=where)


def _columns(spec: AuditSpec) -> dict[str, str]:
    """Role -> column name for every column the audit reads."""
    cols = {f"group {g}": g for g in spec.groups}
    for role in ("label", "score", "flag", "weight"):
        if getattr(spec, role) is not None:
            cols[role] = getattr(spec, role)
    return cols


def _line(spec: AuditSpec, con: duckdb.DuckDBPyConnection, cond: str) -> str:
    """``file:line`` of the first row matching ``cond`` (line 1 is a CSV header)."""
    row = con.execute(f"SELECT min(rowid) FROM src WHERE {cond}").fetchone()[0]
    if row is None:
        return str(spec.path)
    if spec.path.name.lower().endswith(".parquet") or spec.path.name.lower().endswith(".pq"):
        return f"{spec.path}: row {row + 1}"
    return f"{spec.path}:{row + 2}"


def copy_needed(spec: AuditSpec, con: duckdb.DuckDBPyConnection, source: Path
                 ) -> tuple[dict[str, str], int]:
    """Copy the audit's columns into ``src``: their types and the number of rows."""
    where = str(spec.path)
    try:
        rel = con.sql(f"SELECT * FROM {_reader(source)}")
        available = list(rel.columns)
        types = dict(zip(available, [str(t) for t in rel.types], strict=True))
    except duckdb.Error as err:
        msg = str(err).splitlines()[0]
        raise UserError(f"cannot be read as a table ({msg[:160]})", where=where) from None
    _refuse_duplicate_columns(spec, con, source, available)
    cols = _columns(spec)
    for role, col in cols.items():
        if col not in available:
            raise UserError(f"no {role.split()[0]} column {col!r}{suggest(col, available)}",
                            where=where, field=col)
    needed = [quote(c) for c in dict.fromkeys(cols.values())]
    if spec.perturb:  # a hash of each row's full content, for its record key
        needed.append(ROW_HASH)
    try:
        con.execute(f"CREATE TABLE src AS SELECT {', '.join(needed)} FROM {_reader(source)} t")
    except duckdb.Error as err:
        msg = str(err).splitlines()[0]
        raise UserError(f"cannot be read as a table ({msg[:160]})", where=where) from None
    rows = con.execute("SELECT count(*) FROM src").fetchone()[0]
    if rows == 0:
        raise UserError("has no data rows", where=where)
    return types, rows


def _refuse_duplicate_columns(spec: AuditSpec, con: duckdb.DuckDBPyConnection, source: Path,
                              available: list[str]) -> None:
    """Refuse two columns of one name that the audit uses and that differ: DuckDB reads the
    second ``y`` as ``y_1``, so the audit would silently use the first. Identical copies (as
    COMPAS's two ``decile_score`` columns) are harmless and accepted."""
    if not any(re.fullmatch(r".+_\d+", c) for c in available):
        return  # DuckDB renames a duplicate to NAME_N: without one there is none
    names = _raw_names(con, source)
    if len(names) != len(available):
        return
    copies: dict[str, list[str]] = {}
    for raw, read in zip(names, available, strict=True):
        copies.setdefault(raw, []).append(read)
    for col in dict.fromkeys(_columns(spec).values()):
        same = copies.get(col, [])
        if len(same) < 2:
            continue
        differ = " OR ".join(f"{quote(same[0])} IS DISTINCT FROM {quote(o)}" for o in same[1:])
        if con.execute(f"SELECT count(*) FROM {_reader(source)} WHERE {differ}").fetchone()[0]:
            raise UserError(f"has {len(same)} columns named {col!r} with different values; "
                            f"rename them (the second would be read as {same[1]!r} and the "
                            "first used silently)", where=str(spec.path), field=col)


def _raw_names(con: duckdb.DuckDBPyConnection, source: Path) -> list[str]:
    """The column names as the file has them (DuckDB's own are made unique)."""
    lit = "'" + str(source).replace("'", "''") + "'"
    try:
        if source.name.lower().endswith((".parquet", ".pq")):
            rows = con.execute(f"SELECT name FROM parquet_schema({lit}) WHERE num_children "
                               "IS NULL").fetchall()
            return [r[0] for r in rows]
        first = con.execute(f"SELECT * FROM read_csv({lit}, header = false, all_varchar = true)"
                            " LIMIT 1").fetchone()
        return [str(v) for v in first or ()]
    except duckdb.Error:
        return []


def _numeric(spec: AuditSpec, types: dict[str, str], col: str, role: str) -> None:
    if not types[col].startswith(_NUMERIC) and not types[col].startswith("DECIMAL"):
        raise UserError(f"the {role} column must be numeric, but it holds {types[col]}",
                        where=str(spec.path), field=col)


def check_values(spec: AuditSpec, con: duckdb.DuckDBPyConnection, types: dict[str, str]
                  ) -> None:
    """No missing value in any column; labels and flags 0 or 1; a numeric score."""

    def missing(col: str) -> str:
        q = quote(col)
        if types[col] in ("FLOAT", "DOUBLE"):
            return f"({q} IS NULL OR isnan({q}))"
        return f"{q} IS NULL"

    for role, col in _columns(spec).items():
        if con.execute(f"SELECT count(*) FROM src WHERE {missing(col)}").fetchone()[0]:
            raise UserError(f"the {role} column has a missing value (NaN or empty)",
                            where=_line(spec, con, missing(col)), field=col)
    for role in ("label", "flag"):
        col = getattr(spec, role)
        if col is None:
            continue
        _numeric(spec, types, col, role)
        bad = f"{quote(col)}::DOUBLE NOT IN (0, 1)"
        if con.execute(f"SELECT count(*) FROM src WHERE {bad}").fetchone()[0]:
            val = con.execute(f"SELECT {quote(col)} FROM src WHERE {bad} LIMIT 1").fetchone()[0]
            raise UserError(f"the {role} column must be 0 or 1, found {val}",
                            where=_line(spec, con, bad), field=col)
    if spec.score is not None:
        _numeric(spec, types, spec.score, "score")


def count_people(spec: AuditSpec, con: duckdb.DuckDBPyConnection, types: dict[str, str],
            rows: int) -> float:
    """The people the table stands for: its rows, or the sum of valid weights."""
    if spec.weight is None:
        return float(rows)
    _numeric(spec, types, spec.weight, "weight")
    w = quote(spec.weight)
    for cond, what in ((f"{w} < 0", "a negative weight"),
                       (f"NOT isfinite({w}::DOUBLE)", "an infinite weight")):
        if con.execute(f"SELECT count(*) FROM src WHERE {cond}").fetchone()[0]:
            raise UserError(f"the weight column has {what}", where=_line(spec, con, cond),
                            field=spec.weight)
    people = con.execute(f"SELECT sum({w}::DOUBLE) FROM src").fetchone()[0]
    if not people > 0:
        raise UserError("the weights sum to 0", where=str(spec.path), field=spec.weight)
    if not people <= MAX_PEOPLE:
        raise UserError(f"the weights sum to {people:g}, more than {MAX_PEOPLE:g} people "
                        "(the world has about 8e9); check the weight column",
                        where=str(spec.path), field=spec.weight)
    return people


def is_survey(spec: AuditSpec, con: duckdb.DuckDBPyConnection) -> bool:
    """Whether the weights are survey weights (some not a whole number): each row is then one
    respondent standing for ``weight`` people, and disclosure control counts rows."""
    if spec.weight is None:
        return False
    w = f"{quote(spec.weight)}::DOUBLE"
    return bool(con.execute(f"SELECT bool_or({w} <> round({w})) FROM src").fetchone()[0])


def count_respondents(spec: AuditSpec, con: duckdb.DuckDBPyConnection) -> int:
    """Rows of positive weight: the people a survey table actually holds."""
    w = f"{quote(spec.weight)}::DOUBLE"
    return int(con.execute(f"SELECT count(*) FROM src WHERE {w} > 0").fetchone()[0])


def score_range(spec: AuditSpec, con: duckdb.DuckDBPyConnection) -> list[float]:
    """The score's [min, max]; the threshold must lie within it."""
    s = quote(spec.score)
    lo, hi = con.execute(f"SELECT min({s})::DOUBLE, max({s})::DOUBLE FROM src").fetchone()
    if not (math.isfinite(lo) and math.isfinite(hi)):
        raise UserError("the score column has an infinite value", where=str(spec.path),
                        field=spec.score)
    if spec.threshold is not None and not lo <= spec.threshold <= hi:
        raise UserError(f"threshold {spec.threshold:g} is outside the score's range "
                        f"{lo:g} to {hi:g}", where=str(spec.path), field="--threshold")
    return [lo, hi]


def refuse_identifiers(spec: AuditSpec, con: duckdb.DuckDBPyConnection, survey: bool) -> None:
    """Refuse a group column whose values mostly single people out (a name, an id): more than
    ``IDENTIFIER_SHARE`` of the people share their value with fewer than ``min_cell``. People
    are counted as respondents (rows of positive weight) with survey weights, never as the
    weights: a row weighing 10.5 is one person."""
    w = f"{quote(spec.weight)}::DOUBLE" if spec.weight else "1.0"
    n = f"count(*) FILTER (WHERE {w} > 0)" if survey else f"sum({w})"
    for g in dict.fromkeys(spec.groups):
        distinct, share = con.execute(
            f"WITH v AS (SELECT {quote(g)} AS v, {n} AS n FROM src GROUP BY 1 "
            f"HAVING {n} > 0) SELECT count(*), sum(CASE WHEN n < $m THEN n ELSE 0 END) "
            f"/ sum(n) FROM v", {"m": spec.min_cell}).fetchone()
        if share is not None and share > IDENTIFIER_SHARE:
            raise UserError(f"looks like an identifier: {distinct:,} distinct values, and "
                            f"{share:.0%} of the people share theirs with fewer than "
                            f"{spec.min_cell:g}; group by a column whose values many people "
                            "share", where=str(spec.path), field=g)
