"""Reports: a generic self-contained HTML builder (sections, tables, inline SVG figures), figure
helpers, a JSON metrics writer, and the sections that present group metrics."""

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
