"""One way to copy a scenario with changes: ``with_changes(scenario, {"world.people": 5000,
"rules.NAME.k": 3, "seed": 2})``. Every variant, resize, sweep value and override of the study
goes through it, so a path means the same everywhere and an unknown one is a clear error."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from custodiet.errors import UserError
from custodiet.scenario import Scenario, scenario_from_mapping

#: Sections whose items are addressed by name (``rules.NAME.FIELD``); ``*`` means every item.
NAMED: tuple[str, ...] = ("rules", "lists", "scorers")
EVERY = "*"


def _items(target: list[Any], key: str, walked: list[str], path: str) -> list[Any]:
    if key == EVERY:
        return [x for x in target if isinstance(x, dict)]
    found = [x for x in target if isinstance(x, dict) and x.get("name") == key]
    if not found:
        names = [x.get("name") for x in target]
        raise UserError(f"no item named {key!r} in {'.'.join(walked[:-1])} (have {names})",
                        field=path)
    return found[:1]


def _set(data: dict[str, Any], path: str, value: Any) -> None:
    """Set the dotted ``path`` of the plain-data scenario ``data`` to ``value`` in place."""
    parts = path.split(".")
    if not path or any(not p for p in parts):
        raise UserError(f"not a setting path: {path!r}", field=path)
    targets: list[Any] = [data]
    walked: list[str] = []
    for i, key in enumerate(parts[:-1]):
        walked.append(key)
        nxt: list[Any] = []
        for target in targets:
            if isinstance(target, list):
                nxt += _items(target, key, walked, path)
            elif isinstance(target, dict) and key in target:
                nxt.append(target[key])
            else:
                raise UserError(f"unknown setting {'.'.join(walked)!r}", field=path)
        if i == 0 and key in NAMED and len(parts) < 3:
            raise UserError(f"name the item: {key}.NAME.FIELD", field=path)
        targets = nxt
    last = parts[-1]
    for target in targets:
        if isinstance(target, list) or not isinstance(target, dict) or last not in target:
            raise UserError(f"unknown setting {path!r}", field=path)
        target[last] = value


def with_changes(scenario: Scenario, changes: Mapping[str, Any], *,
                 source: str | None = None) -> Scenario:
    """The scenario with each dotted path of ``changes`` set to its value (validated again).
    Items of ``rules``, ``lists`` and ``scorers`` are addressed by name, or ``*`` for all of
    them; an unknown path or an invalid value is a :class:`UserError` naming the path."""
    if not changes:
        return scenario
    data = scenario.model_dump()
    for path, value in changes.items():
        _set(data, path, value)
    if source is None:
        source = "changes " + ", ".join(f"{k}={v!r}" for k, v in changes.items())
    return scenario_from_mapping(data, source=source)
