"""The assumptions section of a study's report: every parameter of the scenario with the value
used, its default and its documented source."""

from __future__ import annotations

import json

from pydantic import BaseModel

from custodiet.report._html import Markup, Report, Table, esc
from custodiet.scenario import Scenario, source_kind


def assumption_rows(model: BaseModel, prefix: str = "") -> list[list[str]]:
    """(parameter, value used, default, meaning and source) for every leaf of ``model``; lists
    of named items (lists, rules, scorers) are expanded by name."""
    rows: list[list[str]] = []
    for name, field in type(model).model_fields.items():
        value = getattr(model, name)
        key = f"{prefix}{name}"
        if isinstance(value, BaseModel):
            rows += assumption_rows(value, f"{key}.")
        elif isinstance(value, list) and value and isinstance(value[0], BaseModel):
            for item in value:
                rows += assumption_rows(item, f"{key}.{getattr(item, 'name', '?')}.")
        else:
            default = field.get_default(call_default_factory=True)
            rows.append([key, json.dumps(value, default=str),
                         "(required)" if field.is_required() else json.dumps(default,
                                                                              default=str),
                         " ".join((field.description or "").split())])
    return rows


def add_assumptions(report: Report, scenario: Scenario, text: str | None) -> None:
    """The section listing every parameter with its value, default and source; each world
    parameter says whether its default is cited, bounded by a published range, structural or
    assumed (docs/world-parameters.md)."""
    sec = report.section("Assumptions and scenario")
    sec.paragraph("Every parameter of the study with the value used, its default, and where "
                  "the default comes from (a source id, listed under Sources at the end, a "
                  "quoted published figure, or 'assumption'). For the world's parameters, "
                  "'Kind' says whether the default is cited, bounded by a published range, "
                  "structural, or assumed.")
    rows = [[key, used, default, source_kind(meaning) if key.startswith("world.") else "",
             Markup(meaning)] for key, used, default, meaning in assumption_rows(scenario)]
    changed = sum(1 for r in rows if r[2] != "(required)" and r[1] != r[2])
    sec.details(f"Parameters: {len(rows)}, {changed} of them changed from their default "
                "(click to open)",
                Table(["Parameter", "Used", "Default", "Kind", "Meaning and source"], rows,
                      caption="Parameters"))
    if text:
        sec.details("Scenario file, with its source quotes (click to open)",
                    f'<pre class="source">{esc(text)}</pre>')
