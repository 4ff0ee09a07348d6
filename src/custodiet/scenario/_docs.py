"""The parameter reference: every field of a scenario model with its default and its source,
rendered as Markdown from the models themselves so the docs cannot drift from the code."""

from __future__ import annotations

import json
from collections import Counter

from pydantic import BaseModel

#: How a default is sourced, in the order the counts are printed.
SOURCE_KINDS = ("cited", "bounded", "structural", "assumed")
#: The counts before the figures of docs/world-parameters.md were looked up (120 parameters).
COUNTS_BEFORE = {"cited": 8, "bounded": 0, "structural": 5, "assumed": 107}


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


def source_kind(text: str) -> str:
    """How a description sources its default: ``bounded`` (a published range it sits in,
    marked "Bounded:"), ``structural`` (a size or layout of the run, marked "structural"),
    ``assumed`` (says "assumption" and no bound) or ``cited`` (a published figure)."""
    low = text.lower()
    if "bounded:" in low:
        return "bounded"
    if "(structural" in low:
        return "structural"
    return "assumed" if "assumption" in low else "cited"


def source_counts(model: type[BaseModel], prefix: str = "") -> dict[str, int]:
    """How many parameters of ``model`` are of each :func:`source_kind`."""
    counts = Counter(source_kind(text) for _, _, text in parameter_rows(model, prefix))
    return {kind: counts.get(kind, 0) for kind in SOURCE_KINDS}


def parameter_source(path: str) -> tuple[str, str] | None:
    """The :func:`source_kind` and description of a dotted scenario setting
    (``world.deterrence.unlawful.gate_camera``); an entry of a mapping
    (``world.history.recording_rate.drug_use``) is read from its mapping's row. None for a
    setting without a description (a rule's or a list's)."""
    from custodiet.scenario._model import Scenario

    rows = {name: text for name, _, text in parameter_rows(Scenario)}
    parts = path.split(".")
    for end in range(len(parts), 0, -1):
        text = rows.get(".".join(parts[:end]))
        if text:
            return source_kind(text), text
    return None


def parameter_markdown(model: type[BaseModel], *, title: str, prefix: str = "") -> str:
    """A Markdown table of every parameter of ``model``."""
    counts = source_counts(model, prefix)
    total = sum(counts.values())
    before = " · ".join(f"{COUNTS_BEFORE[k]} {k}" for k in SOURCE_KINDS)
    after = " · ".join(f"{counts[k]} {k}" for k in SOURCE_KINDS)
    lines = [f"# {title}", "",
             "Generated from the scenario models (`python -m custodiet.scenario.params`); "
             "each default says where it comes from.", "",
             f"**{total} parameters: {after}** (before the published figures were looked up: "
             f"{before}). *Cited*: a published figure, quoted with where it was read. "
             "*Bounded*: a published range the default sits in (a floor or a ceiling counts; "
             "the default inside it is still chosen). *Structural*: a size or layout of the "
             "run. *Assumed*: no published figure found; the sensitivity analysis "
             "(docs/sensitivity.md) varies the ones that can move an answer.", "",
             "| parameter | default | source | meaning and source |", "|---|---|---|---|"]
    for name, default, text in parameter_rows(model, prefix):
        lines.append(f"| `{name}` | `{default}` | {source_kind(text)} | "
                     f"{text.replace('|', '/')} |")
    return "\n".join(lines + _kept(model, prefix)) + "\n"


def _kept(model: type[BaseModel], prefix: str) -> list[str]:
    """The decisions on defaults a published figure contradicts (a description's "Kept ..."
    part), listed after the table so that none is missed."""
    kept = [(name, text[text.index("Kept "):].removesuffix(" The rest assumption."))
            for name, _, text in parameter_rows(model, prefix) if "Kept " in text]
    if not kept:
        return []
    return ["", "## Defaults kept against a published figure", "",
            "Where a figure read contradicts a default, the default was kept for the reason "
            "given (its row above quotes the figure):", "",
            *[f"- `{name}`: {reason}" for name, reason in kept]]
