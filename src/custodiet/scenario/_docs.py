"""The parameter reference: every field of a scenario model with its default and its source,
rendered as Markdown from the models themselves so the docs cannot drift from the code."""

from __future__ import annotations

import json

from pydantic import BaseModel


def _leaves(model: type[BaseModel], prefix: str = ""):  # type: ignore[no-untyped-def]
    for name, field in model.model_fields.items():
        annotation = field.annotation
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            yield from _leaves(annotation, f"{prefix}{name}.")
        else:
            yield f"{prefix}{name}", field


def parameter_rows(model: type[BaseModel], prefix: str = "") -> list[tuple[str, str, str]]:
    """(dotted name, default as TOML-ish JSON, description) for every leaf field."""
    rows = []
    for name, field in _leaves(model, prefix):
        default = field.get_default(call_default_factory=True)
        if isinstance(default, BaseModel):
            default = default.model_dump()
        text = " ".join((field.description or "").split())
        rows.append((name, json.dumps(default, default=str), text))
    return rows


def parameter_markdown(model: type[BaseModel], *, title: str, prefix: str = "") -> str:
    """A Markdown table of every parameter of ``model``."""
    lines = [f"# {title}", "",
             "Generated from the scenario models (`python -m custodiet.scenario.params`); "
             "each default says where it comes from.", "",
             "| parameter | default | meaning and source |", "|---|---|---|"]
    for name, default, text in parameter_rows(model, prefix):
        lines.append(f"| `{name}` | `{default}` | {text.replace('|', '/')} |")
    return "\n".join(lines) + "\n"
