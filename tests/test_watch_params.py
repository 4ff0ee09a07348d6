"""Every watch parameter documents itself, and every empirical default cites a source id or
says "assumption"."""

from __future__ import annotations

from typing import get_args

from custodiet.scenario._watch import (
    AuditConfig,
    Checklist,
    KeyList,
    Learned,
    RedList,
    Response,
    Rule,
    Sensors,
)

#: Names, switches and choices of what to watch: settings of a study, not empirical claims.
_STRUCTURAL = {"name", "template", "kind", "detects", "lists", "category", "action", "event",
               "place_kind", "meter", "baseline", "per_resident", "destination", "scorer",
               "features", "label", "attributes", "enabled", "groups", "out_of_town", "train_days",
               "new_only", "cash_only", "home_camera_lists", "max_train_rows"}


def _models() -> list[type]:
    union = get_args(get_args(Rule)[0])
    return [Sensors, KeyList, RedList, Response, AuditConfig, Checklist, Learned, *union]


def test_every_watch_parameter_is_documented_and_cited() -> None:
    for model in _models():
        for name, field in model.model_fields.items():
            text = " ".join((field.description or "").split())
            assert text, f"{model.__name__}.{name} has no description"
            if name in _STRUCTURAL:
                continue
            cited = "assumption" in text.lower() or any(
                tag in text for tag in ("NYT-", "HRW-", "MPS-"))
            assert cited, f"{model.__name__}.{name}: neither a source nor 'assumption': {text!r}"
