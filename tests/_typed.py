"""Typed study metrics from hand-written partial dicts, for tests of the report's sentences and
tables: a field the dict leaves out is None (the code under test must not read it)."""

from __future__ import annotations

import dataclasses
import types
import typing
from typing import Any

from custodiet.audit.sim import PooledFigures, StudyInfo, StudyMetrics


def _convert(tp: Any, value: Any) -> Any:
    if value is None:
        return None
    origin, args = typing.get_origin(tp), typing.get_args(tp)
    if origin in (typing.Union, types.UnionType):
        inner = [a for a in args if a is not type(None)]
        return _convert(inner[0], value) if len(inner) == 1 else value
    if origin is list:
        return [_convert(args[0], v) for v in value]
    if origin is dict:
        return {k: _convert(args[1], v) for k, v in value.items()}
    if isinstance(tp, type) and dataclasses.is_dataclass(tp):
        return partial(tp, value)
    return value


def partial(cls: type, data: dict[str, Any]) -> Any:
    """``cls`` from ``data``, every field it lacks None (or its default when it has one)."""
    hints = typing.get_type_hints(cls)
    out: dict[str, Any] = {}
    for f in dataclasses.fields(cls):
        if f.name in data:
            out[f.name] = _convert(hints[f.name], data[f.name])
        elif f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING:
            out[f.name] = None
    if issubclass(cls, PooledFigures):
        out["with_chance"] = "lift" in data or "chance_precision" in data
    return cls(**out)


def typed(metrics: dict[str, Any]) -> StudyMetrics:
    """Hand-written partial ``metrics.json`` content as :class:`StudyMetrics`."""
    data = dict(metrics)
    data["scenario"] = partial(StudyInfo, {"name": "t", **data.get("scenario", {})})
    rest = {k: v for k, v in data.items() if k != "scenario"}
    return dataclasses.replace(partial(StudyMetrics, {**rest, "scenario": {"name": "t"}}),
                               scenario=data["scenario"])
