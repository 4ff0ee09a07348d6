"""The engine session: bound parameters, quoted identifiers, registered Arrow relations."""

from __future__ import annotations

import pyarrow as pa
import pytest

from custodiet.engine import Session, connect, quote_ident, threads_by_default


def test_parameters_are_bound_not_pasted() -> None:
    with Session() as s:
        s.register("t", pa.table({"name": ["a", "b'; DROP TABLE t; --"]}))
        hostile = "b'; DROP TABLE t; --"
        assert s.scalar("SELECT count(*) FROM t WHERE name = $v", v=hostile) == 1
        assert s.scalar("SELECT count(*) FROM t") == 2


@pytest.mark.parametrize("name", ['plain', 'with "quotes"', "semi; colon", "ünï"])
def test_quoted_identifiers_round_trip(name: str) -> None:
    with Session() as s:
        s.execute(f"CREATE TABLE {quote_ident(name)} (x INTEGER)")
        s.execute(f"INSERT INTO {quote_ident(name)} VALUES (1)")
        names = [r[0] for r in s.rows("SELECT table_name FROM information_schema.tables")]
        assert names == [name]


@pytest.mark.parametrize("bad", ["", "a\x00b"])
def test_impossible_identifiers_are_refused(bad: str) -> None:
    with pytest.raises(ValueError):
        quote_ident(bad)


def test_connections_draw_no_progress_bar() -> None:
    """DuckDB's own progress bar, drawn on standard output for a query that runs for seconds,
    is off in every connection the project opens (a large audit printed it among the
    command's output)."""
    con = connect()
    try:
        assert con.execute("SELECT current_setting('enable_progress_bar')").fetchone()[0] is False
    finally:
        con.close()
    with Session() as session:
        assert session.scalar("SELECT current_setting('enable_progress_bar')") is False


def _threads(con) -> int:
    return int(con.execute("SELECT current_setting('threads')").fetchone()[0])


def test_threads_by_default_holds_inside_and_yields_to_the_environment(monkeypatch) -> None:
    monkeypatch.delenv("CUSTODIET_THREADS", raising=False)
    own = _threads(connect())
    with threads_by_default(1):
        assert _threads(connect()) == 1
        with Session() as s:
            assert _threads(s.con) == 1
        assert _threads(connect(threads=2)) == 2  # a caller's own choice wins
        monkeypatch.setenv("CUSTODIET_THREADS", "3")
        assert _threads(connect()) == 3  # and so does the user's
        monkeypatch.delenv("CUSTODIET_THREADS")
    assert _threads(connect()) == own
    with threads_by_default(None):
        assert _threads(connect()) == own
