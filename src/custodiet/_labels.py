"""Low-cardinality labels as Arrow dictionary arrays (stored as DuckDB ENUMs), and back.

The world hands its label columns (a place's kind, a tie's kind, a person's sex, ...) to the
store as dictionary arrays of small integer codes: DuckDB inserts them into ENUM columns at a
quarter of the CPU a string column costs, and compares ENUMs to string literals, so SQL over a
store is unchanged. Readers that want the schema's plain strings decode with :func:`decoded`.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa

#: The Arrow type of an encoded label column: int8 codes into a dictionary of strings.
LABEL_TYPE = pa.dictionary(pa.int8(), pa.string())


def encode(codes: np.ndarray, labels: tuple[str, ...] | list[str]) -> pa.DictionaryArray:
    """Small integer codes (-1 → "") as a dictionary array over ``("", *labels)``."""
    if len(labels) >= 127:
        raise ValueError(f"{len(labels)} labels do not fit int8 codes")
    dictionary = pa.array(["", *labels], pa.string())
    indices = pa.array(np.asarray(codes, np.int8) + np.int8(1), pa.int8())
    return pa.DictionaryArray.from_arrays(indices, dictionary)


def encoded_schema(base: pa.Schema, columns: tuple[str, ...]) -> pa.Schema:
    """``base`` with the string ``columns`` as encoded label columns."""
    for name in columns:
        i = base.get_field_index(name)
        base = base.set(i, base.field(i).with_type(LABEL_TYPE))
    return base


def decoded(table: pa.Table) -> pa.Table:
    """``table`` with every dictionary column as plain values (the schema's strings)."""
    fields = [f.with_type(f.type.value_type) if pa.types.is_dictionary(f.type) else f
              for f in table.schema]
    target = pa.schema(fields, metadata=table.schema.metadata)
    return table if target == table.schema else table.cast(target)
