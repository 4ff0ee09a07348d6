"""Building small Arrow tables from rows in tests."""

from __future__ import annotations

import pyarrow as pa


def table_of(table_schema: pa.Schema, rows: list[tuple]) -> pa.Table:
    """A table of ``table_schema`` from row tuples in column order."""
    return pa.table({n: [r[i] for r in rows] for i, n in enumerate(table_schema.names)},
                    schema=table_schema)
