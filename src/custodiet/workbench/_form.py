"""The menu: a rule card's form, built from the rule template's own model (its fields are the
blanks), in the reporting's words, and the way back from submitted values to a rule mapping.

Nothing is validated here: the scenario loader validates the composed scenario and its message
is shown beside the field it names.
"""

from __future__ import annotations

import re
import typing
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from custodiet.workbench import _engine as engine

#: The reporting's menu (NYT-2: "where a blacklisted person appears, … whether he or she meets
#: with other blacklisted people and the frequency of certain activities"), section by section.
SECTIONS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Blacklist type", ("lists",)),
    ("Where", ("place_kind", "radius_m", "destination", "event")),
    ("When", ("hours", "weekdays", "window_minutes", "window_days", "night_minute",
              "min_minutes")),
    ("Meets with", ("k",)),
    ("How often", ("n", "counterpart", "distinct", "min_times", "min_tickets", "out_of_town",
                   "new_only")),
    ("The template's own blanks", ()),
    ("What it claims to detect, and what the police do", ("detects", "category", "action")),
)
LABELS: dict[str, str] = {
    "name": "Rule name", "lists": "Watched lists", "place_kind": "Kind of place",
    "radius_m": "Within (metres)", "destination": "Destination", "event": "Events counted",
    "window_minutes": "Within a window of (minutes)", "window_days": "Window (days)",
    "night_minute": "Night checked at (minute after midnight)",
    "min_minutes": "For at least (minutes)", "k": "Listed people together (at least)",
    "n": "Events needed in the window", "distinct": "Distinct counterparts needed",
    "min_times": "Times within the window", "min_tickets": "Tickets within the window",
    "out_of_town": "Only out-of-town numbers", "new_only": "Only numbers not called before",
    "detects": "Claims to detect", "category": "Triage category", "action": "Police action",
    "meter": "Meter", "baseline": "Compared with", "per_resident": "Per registered resident",
    "factor": "Above this multiple of normal", "baseline_days": "Days of own normal",
    "max_share": "Together on less than this share of nights",
    "min_observed": "Nights both observed (at least)", "cash_only": "Only tickets paid in cash",
    "scorer": "Scorer", "min_level": "Level reached (at least)",
    "new_list": "Or a new list of people recorded with",
    "hours": "Between the hours", "weekdays": "On the weekdays",
    "counterpart": "Counterparts counted", "exclude_own": "Not at the person's own places",
    "mode": "Movement counted",
}
#: Weekday numbers of the rules (0 = Monday) as the form shows them.
WEEKDAYS: tuple[str, ...] = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday",
                             "Saturday", "Sunday")
#: Name of the list a card creates from recorded attributes.
NEW_LIST_SUFFIX = "_list"


@dataclass
class Field:
    """One blank of a card: how to show it and its current value."""

    name: str
    label: str
    kind: str  # text, number, integer, select, checkbox, checkboxes
    help: str = ""
    options: tuple[str, ...] = ()
    value: Any = None


@dataclass
class Section:
    legend: str
    fields: list[Field] = field(default_factory=list)


def _kind(annotation: Any) -> tuple[str, tuple[str, ...]]:
    origin = typing.get_origin(annotation)
    if origin is typing.Literal:
        return "select", tuple(str(a) for a in typing.get_args(annotation))
    if annotation is bool:
        return "checkbox", ()
    if annotation is int:
        return "integer", ()
    if annotation is float:
        return "number", ()
    return "text", ()


def new_list_name(rule_name: str) -> str:
    """The name of the list a card makes from recorded attributes."""
    return f"{rule_name}{NEW_LIST_SUFFIX}"[:64]


def sections(template: str, values: Mapping[str, Any], *, lists: Sequence[str],
             scorers: Sequence[str]) -> list[Section]:
    """The card's fieldsets for ``template`` with ``values`` filled in."""
    model = engine.rule_models()[template]
    common = engine.common_fields()
    own = [n for n in model.model_fields if n not in common and n != "template"]
    choice = engine.choices()
    out = [Section(legend, []) for legend, _ in SECTIONS]
    placed = {n: i for i, (_, names) in enumerate(SECTIONS) for n in names}
    when = [n for n in ("hours", "weekdays") if n in model.model_fields]
    for name in ("lists", *when, *own, "detects", "category", "action"):
        info = model.model_fields[name]
        kind, options = _kind(info.annotation)
        if name == "lists":
            kind, options = "checkboxes", tuple(lists)
        elif name == "hours":
            kind = "hours"
        elif name == "weekdays":
            kind, options = "checkboxes", tuple(str(i) for i in range(7))
        elif name == "detects":
            kind, options = "checkboxes", tuple(choice["detects"])
        elif name == "scorer":
            kind, options = "select", tuple(scorers)
        value = values.get(name, None if info.is_required() else info.default)
        if name == "weekdays":
            value = [str(v) for v in value or []]
        spec = Field(name, LABELS.get(name, name.replace("_", " ")), kind,
                     plain(info.description or ""), options, value)
        out[placed.get(name, 5)].fields.append(spec)
        if name == "lists":
            out[0].fields.append(Field("new_list", LABELS["new_list"], "checkboxes",
                                       "A new key-person list of everyone recorded with any of "
                                       "these attributes (NYT-1).", tuple(choice["attributes"]),
                                       values.get("new_list", [])))
    return [s for s in out if s.fields]


def rule_from_form(template: str, form: Sequence[tuple[str, str]]
                   ) -> tuple[dict[str, Any], list[str]]:
    """The rule mapping a submitted card describes, and the attributes of its new list (empty
    when none). Values stay strings: the scenario model converts and validates them."""
    model = engine.rule_models()[template]
    multi: dict[str, list[str]] = {}
    for key, value in form:
        multi.setdefault(key, []).append(value)
    rule: dict[str, Any] = {"template": template, "name": multi.get("name", [""])[0].strip()}
    for name, info in model.model_fields.items():
        if name in ("template", "name"):
            continue
        kind, _ = _kind(info.annotation)
        if name in ("lists", "detects", "weekdays"):
            rule[name] = multi.get(name, [])
        elif name == "hours":
            pair = [multi.get(f"hours_{end}", [""])[0].strip() for end in ("from", "to")]
            rule[name] = pair if any(pair) else None
        elif kind == "checkbox":
            rule[name] = "on" in multi.get(name, [])
        elif name in multi:
            rule[name] = multi[name][0].strip()
    attributes = multi.get("new_list", [])
    if attributes:
        rule["lists"] = [*rule["lists"], new_list_name(rule["name"])]
    return rule, attributes


def plain(doc: str) -> str:
    """A field's documentation as the form shows it: no ``code`` quotes or *emphasis* marks
    (the page shows text, not markup)."""
    return re.sub(r"(?<![\w*])\*([A-Za-z][^*]*?)\*(?![\w*])", r"\1", doc.replace("``", ""))


def field_of(error_field: str | None, index: int) -> str:
    """The card field a loader error names (``rules[3].k`` → ``k``; the card's new list →
    ``new_list``); ``""`` for an error about the card as a whole."""
    parts = re.split(r"[.\[\]]+", error_field or "")
    parts = [p for p in parts if p]
    if parts[:2] == ["rules", str(index)] and len(parts) > 2:
        return parts[2]
    if parts and parts[0] == "lists":
        return "new_list"
    return ""
