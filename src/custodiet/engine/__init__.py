"""The data-engine boundary: every relational step (rules, audit) runs in a :class:`Session`
here, so the embedded engine (DuckDB) can be swapped or tuned in one place."""

from custodiet.engine._duckdb import check_environment, connect, threads_by_default
from custodiet.engine._session import Session, quote_ident

__all__ = ["Session", "check_environment", "connect", "quote_ident", "threads_by_default"]
