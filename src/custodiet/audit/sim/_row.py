"""The record every typed section of an audit is made of: a frozen dataclass whose
``to_dict()`` is exactly its part of ``metrics.json`` and whose ``of(table)`` reads one per row
of the audit's SQL results, so a renamed or missing column fails loudly."""

from __future__ import annotations

import dataclasses
import types
import typing
from dataclasses import dataclass
from functools import cache
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


T = TypeVar("T")


@cache
def _hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls)


def _read(tp: Any, value: Any) -> Any:
    """``value`` (plain JSON) as the type ``tp``: rows, lists of rows, optional rows."""
    if value is None:
        return None
    origin, args = typing.get_origin(tp), typing.get_args(tp)
    if origin in (typing.Union, types.UnionType):
        inner = [a for a in args if a is not type(None)]
        return _read(inner[0], value) if len(inner) == 1 else value
    if origin is list:
        return [_read(args[0], v) for v in value]
    if origin is dict:
        return {k: _read(args[1], v) for k, v in value.items()}
    if hasattr(tp, "from_json"):
        return tp.from_json(value)
    if isinstance(tp, type) and dataclasses.is_dataclass(tp):
        return from_dict(tp, value)
    return value


def from_dict(cls: type[T], data: dict[str, Any]) -> T:
    """A row of type ``cls`` from its ``to_dict()`` form (a field the JSON lacks takes its
    default; one without a default, or a key the row does not declare, is a TypeError)."""
    hints = _hints(cls)
    names = {f.name for f in dataclasses.fields(cls)}  # type: ignore[arg-type]
    unknown = set(data) - names
    if unknown:
        raise TypeError(f"{cls.__name__} has no field {sorted(unknown)}")
    return cls(**{k: _read(hints[k], v) for k, v in data.items()})
