"""The data-engine boundary: every relational step (rules, audit) gets its connection here, so
the embedded engine (DuckDB) can be swapped or tuned in one place."""

from custodiet.engine._duckdb import connect

__all__ = ["connect"]
