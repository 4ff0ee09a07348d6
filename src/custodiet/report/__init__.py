"""Reports: a generic self-contained HTML builder (sections, tables, inline SVG figures), figure
helpers, a JSON metrics writer, and the sections that present group metrics."""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from custodiet.report._aggregation import figure_text, pooled
    from custodiet.report._audit_report import (
        add_group_metric_sections,
        add_method_section,
        add_overview,
        add_sweep_section,
        publish,
        real_audit_report,
    )
    from custodiet.report._compare_report import (
        compare_report,
        headline_differences,
        headline_pairs,
        what_is_compared,
    )
    from custodiet.report._figures import PALETTE, Bar, bars, export, sweep
    from custodiet.report._html import Figure, Report, Section, Table, esc
    from custodiet.report._json import clean, write_json
    from custodiet.report._map import MAP_KEY, city_data, map_svg, world_map
    from custodiet.report._rests_on import rests_on_lines
    from custodiet.report._study_format import headline_text
    from custodiet.report._study_report import study_report, summary
    from custodiet.report._sweep_report import (
        sensitivity_report,
        stability_sentences,
        sweep_differences,
        sweep_report,
    )

#: The module each public name is defined in, imported when the name is first used: a process
#: that only draws figures (a worker of ``custodiet.report._drawing``) or shows a map then
#: imports what it uses, not every report.
_SOURCES: dict[str, str] = {
    "Bar": "_figures",
    "Figure": "_html",
    "MAP_KEY": "_map",
    "PALETTE": "_figures",
    "Report": "_html",
    "Section": "_html",
    "Table": "_html",
    "add_group_metric_sections": "_audit_report",
    "add_method_section": "_audit_report",
    "add_overview": "_audit_report",
    "add_sweep_section": "_audit_report",
    "bars": "_figures",
    "city_data": "_map",
    "clean": "_json",
    "compare_report": "_compare_report",
    "esc": "_html",
    "export": "_figures",
    "figure_text": "_aggregation",
    "headline_differences": "_compare_report",
    "headline_pairs": "_compare_report",
    "headline_text": "_study_format",
    "map_svg": "_map",
    "pooled": "_aggregation",
    "publish": "_audit_report",
    "real_audit_report": "_audit_report",
    "rests_on_lines": "_rests_on",
    "sensitivity_report": "_sweep_report",
    "stability_sentences": "_sweep_report",
    "study_report": "_study_report",
    "summary": "_study_report",
    "sweep": "_figures",
    "sweep_differences": "_sweep_report",
    "sweep_report": "_sweep_report",
    "what_is_compared": "_compare_report",
    "world_map": "_map",
    "write_json": "_json",
}


def __getattr__(name: str) -> Any:
    module = _SOURCES.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value


__all__ = [
    "MAP_KEY",
    "PALETTE",
    "Bar",
    "Figure",
    "Report",
    "Section",
    "Table",
    "add_group_metric_sections",
    "add_method_section",
    "add_overview",
    "add_sweep_section",
    "bars",
    "city_data",
    "clean",
    "compare_report",
    "esc",
    "export",
    "figure_text",
    "headline_differences",
    "headline_pairs",
    "headline_text",
    "map_svg",
    "pooled",
    "publish",
    "real_audit_report",
    "rests_on_lines",
    "sensitivity_report",
    "stability_sentences",
    "study_report",
    "summary",
    "sweep",
    "sweep_differences",
    "sweep_report",
    "what_is_compared",
    "world_map",
    "write_json",
]
