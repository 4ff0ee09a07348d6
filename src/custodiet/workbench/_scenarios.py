"""The workbench's side of the scenario loader: load, validate and compose the scenario an edit
makes, the menu's choices, and the TOML that Save writes. Validation is the loader's own."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from custodiet import schema
from custodiet.scenario import Scenario, scenario_from_mapping
from custodiet.scenario.models import LIST_ATTRIBUTES, TEMPLATES


def load(spec: str | Path) -> Scenario:
    """A built-in scenario's name or a TOML path, validated by the scenario loader."""
    return load_with_source(spec)[0]


def load_with_source(spec: str | Path) -> tuple[Scenario, str | None]:
    """:func:`load`'s scenario and the text of its file (what Save edits)."""
    from custodiet.study import resolve_scenario

    return resolve_scenario(spec)


def validate(data: Mapping[str, Any]) -> Scenario:
    """The scenario loader's validation of a mapping: a :class:`UserError` naming the dotted
    field (``rules[2].k``) and the loader's message, or the scenario."""
    return scenario_from_mapping(data, source="workbench")


def compose(base: Scenario, rules: Sequence[Mapping[str, Any]],
            new_lists: Sequence[Mapping[str, Any]] = ()) -> Scenario:
    """``base`` with its rules replaced by ``rules`` and ``new_lists`` appended to its lists
    (after them, so the registry's draws for the existing lists are unchanged), validated as a
    whole by the scenario loader."""
    data = base.model_dump(mode="json")
    data["lists"].extend(dict(x) for x in new_lists)
    data["rules"] = [dict(r) for r in rules]
    return validate(data)


def rule_models() -> dict[str, type]:
    """Each rule template's pydantic model, by template name (its fields are the blanks)."""
    from typing import get_args

    from custodiet.scenario.models import Rule

    union = get_args(Rule)[0]
    models = {m.model_fields["template"].annotation.__args__[0]: m for m in get_args(union)}
    return {t: models[t] for t in TEMPLATES}


def common_fields() -> tuple[str, ...]:
    """The fields every rule has (name, claims, lists, triage): the rest are its blanks."""
    from custodiet.scenario.models import RULE_FIELDS

    return RULE_FIELDS


def choices() -> dict[str, tuple[str, ...]]:
    """Values the menu offers: incident kinds, place kinds, list attributes, categories,
    actions."""
    from custodiet.scenario.models import ACTIONS, CATEGORIES

    return {"detects": schema.INCIDENT_KINDS, "place_kind": schema.PLACE_KINDS,
            "attributes": LIST_ATTRIBUTES, "category": CATEGORIES, "action": ACTIONS}


def scenario_toml(scenario: Scenario, header: str = "", source: str | None = None) -> str:
    """The scenario as TOML that ``custodiet run`` loads unchanged (checked by loading it):
    ``source`` (the file it was loaded from) edited in place, keeping its comments and order,
    or, without one, the scenario's fields that differ from their defaults."""
    import tomli_w

    from custodiet.scenario import parse_scenario
    from custodiet.workbench._tomldoc import edited

    data = scenario.model_dump(mode="json", exclude_defaults=True)
    for key in ("name", "description"):
        data.setdefault(key, getattr(scenario, key))
    body = tomli_w.dumps(data) if source is None else \
        edited(source, scenario.model_dump(mode="json"), data)
    text = "".join(f"# {line}\n" for line in header.splitlines()) + \
        ("\n" if header and source is not None else "") + body
    if parse_scenario(text, source="saved scenario") != scenario:  # pragma: no cover
        raise RuntimeError("the saved scenario does not load back to the same scenario")
    return text
