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


def test_new_blanks_refuse_what_they_cannot_mean() -> None:
    import pytest
    from pydantic import TypeAdapter, ValidationError

    rule = TypeAdapter(Rule)
    base = {"name": "r", "detects": ["protest"]}
    # One counterpart repeated is a number called again: entries have no such counterpart.
    with pytest.raises(ValidationError, match="counterpart"):
        rule.validate_python({**base, "template": "frequency", "event": "entries",
                              "counterpart": "same"})
    # An empty hour window is refused; the whole day is [0, 24]; a window may wrap midnight.
    with pytest.raises(ValidationError, match="hours"):
        rule.validate_python({**base, "template": "dwell", "hours": [6, 6]})
    with pytest.raises(ValidationError):
        rule.validate_python({**base, "template": "dwell", "weekdays": [7]})
    assert rule.validate_python({**base, "template": "dwell", "hours": [0, 24]}).hours == (0, 24)
    assert rule.validate_python({**base, "template": "near", "hours": [22, 6]}).exclude_own
