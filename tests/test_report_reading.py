"""The report reads well: parameters folded, documentation markup rendered instead of shown as
typed, withheld values said to be suppressed (not undefined), charts with nothing to draw
replaced by a line saying why, and every source id linked to what the source says."""

from __future__ import annotations

import re
from pathlib import Path

from custodiet.report._assumptions import add_assumptions
from custodiet.report._audit_report import _drawable
from custodiet.report._figures import Bar
from custodiet.report._html import Figure, Markup, Report, Section, inline, link_sources
from custodiet.report._sources import add_sources, cited_ids, source_entries
from custodiet.report._study_format import fmt, fmt_status
from custodiet.scenario import Scenario

ROOT = Path(__file__).resolve().parents[1]


def test_markup_is_rendered_only_in_the_projects_own_text() -> None:
    text = "times as ``[from, to)`` minutes; *when* it fires; 2 * 3 * 4; a_b*c"
    shown = inline(Markup(text))
    assert "<code>[from, to)</code>" in shown and "<em>when</em>" in shown
    assert "``" not in shown and "*when*" not in shown and "2 * 3 * 4" in shown
    assert "``[from, to)``" in inline(text)  # a user's text: shown as typed
    assert "<code>" not in inline(text) and "<em>" not in inline("<b>*x*</b>")


def test_parameters_and_scenario_text_are_folded_and_their_markup_rendered() -> None:
    report = Report("t")
    add_assumptions(report, Scenario(), "# source: NYT-3\n[world]\npeople = 10\n")
    html = report.sections[0].render()
    assert html.count("<details>") == 2
    summary = re.search(r"<summary>Parameters: (\d+), (\d+) of them changed", html)
    assert summary and int(summary.group(1)) > 50 and summary.group(2) == "0"
    table = html.split("<summary>Scenario file", 1)[0]
    assert "``" not in table and "<code>" in table
    assert '<pre class="source"># source: NYT-3' in html


def test_withheld_values_say_suppressed_and_why() -> None:
    assert fmt_status(None, "number", "suppressed", 10) == "suppressed (fewer than 10 people)"
    assert fmt_status(None, "number", "undefined", 10) == fmt(None, "number") == "undefined"
    assert fmt_status(0.25, "share", "ok", 10) == "25.0%"


def test_a_chart_with_nothing_to_draw_becomes_one_line() -> None:
    sec = Section("s", "a")

    class Result:
        min_cell = 10

    panels = [("Flag rate", [Bar("a", 0.2), Bar("b", None, note="suppressed")]),
              ("False-positive rate", [Bar("a", None, note="suppressed"),
                                       Bar("b", None, note="undefined")])]
    kept = _drawable(sec, panels, Result())  # type: ignore[arg-type]
    assert [t for t, _ in kept] == ["Flag rate"]
    text = sec.render()
    assert "Not drawn: False-positive rate" in text and "fewer than 10 people" in text
    assert _drawable(Section("s", "b"), panels[:1], Result()) == panels[:1]  # type: ignore


def test_source_ids_link_to_a_sources_section_with_the_quote(tmp_path: Path) -> None:
    page = tmp_path / "sources.md"
    page.write_text('# Sources\n\n<a id="NYT-3"></a>\n\n### NYT-3 · Drug users in a hotel\n\n'
                    '- **Where:** China\n- **What the source says:** a warning "each time two '
                    'people" ([rules](rules.md))\n\n<a id="HRW-1"></a>\n\n### HRW-1 · Other\n',
                    encoding="utf-8")
    report = Report("t")
    sec = report.section("Summary")
    sec.paragraph("The rule encodes NYT-3; SHA-256 is not a source.")
    sec.figure(Figure('<svg><text>NYT-3</text></svg>', "caption NYT-3", "f"))
    assert cited_ids(report) == ["NYT-3"]
    add_sources(report, page)
    html = report.render()
    assert report.sections[-1].title == "Sources"
    assert html.count('href="#source-NYT-3"') == 2  # the paragraph and the caption
    assert "<text>NYT-3</text>" in html  # never inside a figure
    assert 'id="source-NYT-3"' in html and "HRW-1" not in html and "SHA-256</a>" not in html
    entry = html.split('id="source-NYT-3"', 1)[1]
    assert "Drug users in a hotel" in entry and "&quot;each time two people&quot; (rules)" in entry


def test_every_cited_id_of_the_real_sources_page_has_its_entry() -> None:
    entries = source_entries()
    assert entries, "docs/sources.md is read from the repository"
    nyt3 = entries["NYT-3"]
    assert nyt3.title == "Drug users in a hotel"
    assert dict(nyt3.lines)["What the source says"].startswith("a warning")


def test_linking_leaves_existing_links_and_tags_alone() -> None:
    ids = frozenset({"NYT-3"})
    assert link_sources('<a href="x">NYT-3</a>', ids) == '<a href="x">NYT-3</a>'
    assert link_sources('<p title="NYT-3">NYT-3.</p>', ids) == \
        '<p title="NYT-3"><a class="src" href="#source-NYT-3">NYT-3</a>.</p>'
    assert link_sources("NYT-31", ids) == "NYT-31"


def test_a_lift_of_zero_is_written_out_on_the_log_scale() -> None:
    from custodiet.report._figures import bars, export

    fig = bars([("lift over chance", [Bar("a", 2.0), Bar("b", None,
                                                          note="0× (no true alert)")])],
               reference_line=1.0, log=True)
    assert "0× (no true alert)" in export(fig, "lift")


def test_the_yellow_panels_markers_keep_a_dark_edge() -> None:
    from custodiet.report._figures import PALETTE, bars, export

    def svg(n: int) -> str:
        return export(bars([(f"p{k}", [Bar("a", 1.0), Bar("b", 2.0)]) for k in range(n)],
                           band=(0.8, 1.25), log=True), "yellow")

    assert PALETTE.index("#F0E442") == 7
    assert "#333333" not in svg(7) and "#333333" in svg(8)


def test_figures_keep_their_words_as_text_not_outlines() -> None:
    """A figure's labels are SVG text (searchable, read aloud, small), not glyph paths."""
    from custodiet.report._figures import bars, export

    svg = export(bars([("flag rate", [Bar("petitioners", 0.2), Bar("everyone else", 0.1)])],
                      xlabel="share flagged"), "words")
    assert "<text" in svg and "petitioners" in svg and "share flagged" in svg
    assert "glyph" not in svg.lower()
