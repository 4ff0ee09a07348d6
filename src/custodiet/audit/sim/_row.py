"""The record every typed section of an audit is made of: a frozen dataclass whose
``to_dict()`` is exactly its part of ``metrics.json`` and whose ``of(table)`` reads one per row
of the audit's SQL results, so a renamed or missing column fails loudly."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any, TypeVar

import pyarrow as pa

R = TypeVar("R", bound="Row")


@dataclass(frozen=True)
class Row:
    """A record with ``to_dict()``; ``of(table)`` reads one per row of an Arrow table (or of a
    list of dicts) whose columns must be exactly the fields."""

    def to_dict(self) -> dict[str, Any]:
        return {f.name: _plain(getattr(self, f.name)) for f in dataclasses.fields(self)
                if not (f.metadata.get("optional") and getattr(self, f.name) is None)}

    @classmethod
    def of(cls: type[R], rows: pa.Table | list[dict[str, Any]]) -> list[R]:
        items = rows.to_pylist() if isinstance(rows, pa.Table) else rows
        return [cls(**r) for r in items]


def _plain(value: Any) -> Any:
    if isinstance(value, Row):
        return value.to_dict()
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


#: Field metadata of a part left out of ``to_dict()`` when None (the seed did not compute it).
OPTIONAL = {"optional": True}

