"""The report's source ids made useful: every id a report cites (NYT-3, HRW-1 …) links to a
"Sources" section of the same file giving the system, place, year and what the source says,
read from the documentation's sources page (docs/sources.md) when the package runs from its
repository, so the report stays one self-contained file."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from custodiet.report._html import Report, esc

#: What a source id looks like (as tests/test_docs_sources.py reads them).
SOURCE_ID = re.compile(r"\b[A-Z]{2,5}-\d{1,3}\b")
#: Strings of that shape that are not source ids.
NOT_IDS = frozenset({"SHA-256", "UTF-8", "UTF-16"})
#: The documentation page every source id is listed on, in a repository checkout.
SOURCES_PAGE = Path(__file__).resolve().parents[3] / "docs" / "sources.md"


@dataclass(frozen=True)
class SourceEntry:
    """One entry of docs/sources.md: its title and its labelled lines (Where, When, What the
    source says, Modelled as)."""

    id: str
    title: str
    lines: tuple[tuple[str, str], ...]


def source_entries(page: Path = SOURCES_PAGE) -> dict[str, SourceEntry]:
    """Every entry of the sources page by id; empty when the page is not there (an installed
    package without its repository)."""
    if not page.is_file():
        return {}
    parts = re.split(r'<a id="([A-Z]+-\d+)"></a>', page.read_text(encoding="utf-8"))
    out = {}
    for sid, body in zip(parts[1::2], parts[2::2], strict=True):
        title = re.search(r"^###\s+\S+\s+·\s+(.+)$", body, re.M)
        lines = tuple((m.group(1), _plain(m.group(2)))
                      for m in re.finditer(r"^- \*\*(.+?):\*\*\s*(.+)$", body, re.M))
        out[sid] = SourceEntry(sid, title.group(1).strip() if title else sid, lines)
    return out


def _plain(markdown: str) -> str:
    """A line of the page as plain text: links as their words, no code or emphasis marks."""
    text = re.sub(r"\[([^\]]+)\]\([^)]*\)", r"\1", markdown)
    return re.sub(r"`|\*\*|(?<!\w)\*(?=\w)|(?<=\w)\*(?!\w)", "", text).strip()


def cited_ids(report: Report) -> list[str]:
    """The source ids a report's sections cite, in order of first appearance."""
    found: dict[str, None] = {}
    for sec in report.sections:
        for m in SOURCE_ID.finditer(_text(sec.render())):
            if m.group(0) not in NOT_IDS:
                found.setdefault(m.group(0))
    return list(found)


def _text(markup: str) -> str:
    """The text of rendered HTML outside tags and figures."""
    markup = re.sub(r"<svg.*?</svg>", "", markup, flags=re.S)
    return re.sub(r"<[^>]+>", " ", markup)


def add_sources(report: Report, page: Path = SOURCES_PAGE) -> None:
    """Append a "Sources" section listing every id the report cites, each with an anchor its
    mentions link to."""
    ids = cited_ids(report)
    if not ids:
        return
    entries = source_entries(page)
    sec = report.section("Sources")
    sec.paragraph("Every source id this report cites, with what the source says: words inside "
                  "quotation marks are quoted verbatim, the rest is a paraphrase. The full "
                  "list, with each publication, is docs/sources.md.")
    items = []
    for sid in ids:
        e = entries.get(sid)
        if e is None:
            body = "listed in docs/sources.md"
        else:
            body = "<br>".join(f"<b>{esc(k)}:</b> {esc(v)}" for k, v in e.lines)
            body = f"<b>{esc(e.title)}</b><br>{body}"
        items.append(f'<dt id="source-{esc(sid)}">{esc(sid)}</dt><dd>{body}</dd>')
    sec.blocks.append('<dl class="facts sources">' + "".join(items) + "</dl>")
    report.source_ids = frozenset(ids)
