"""A self-contained HTML report: sections of paragraphs, tables and inline SVG figures, one file
with no script and no external resource (a Content-Security-Policy forbids them), readable
offline and in print. Every user-supplied string is escaped."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from custodiet.report._study_format import fmt

_CSS = """
:root { --ink: #1a1a1a; --muted: #5a5a5a; --rule: #d0d0d0; --accent: #0072B2; }
* { box-sizing: border-box; }
body { font-family: "DejaVu Sans", "Helvetica Neue", Arial, sans-serif; color: var(--ink);
  max-width: 62rem; margin: 2rem auto; padding: 0 1.5rem; line-height: 1.45; font-size: 15px; }
h1 { font-size: 1.7rem; margin-bottom: .2rem; }
h2 { font-size: 1.25rem; border-bottom: 2px solid var(--accent); padding-bottom: .2rem;
  margin-top: 2.2rem; }
h3 { font-size: 1.05rem; margin-top: 1.4rem; }
p.subtitle { color: var(--muted); margin-top: 0; }
nav ol { columns: 2; font-size: .92rem; }
table { border-collapse: collapse; margin: .8rem 0 1.2rem; font-size: .86rem; width: 100%; }
caption { text-align: left; font-weight: bold; padding-bottom: .3rem; }
th, td { border-bottom: 1px solid var(--rule); padding: .25rem .45rem; text-align: right;
  vertical-align: top; }
th { background: #f2f2f2; }
th:first-child, td:first-child { text-align: left; }
table.wide { font-size: .72rem; }
table.wide th, table.wide td { padding: .2rem .25rem; }
td .ci { font-size: .76rem; color: var(--muted); white-space: nowrap; }
td.note { color: var(--muted); font-style: italic; }
td.fail { font-weight: bold; }
figure { margin: 1rem 0 1.6rem; page-break-inside: avoid; break-inside: avoid; }
figure svg { width: 100%; height: auto; }
figcaption { font-size: .88rem; color: var(--muted); }
.small { font-size: .85rem; color: var(--muted); }
.warn { font-weight: bold; }
pre.source { font-size: .78rem; background: #f6f6f6; border: 1px solid var(--rule);
  padding: .6rem; white-space: pre-wrap; overflow-wrap: anywhere; }
p.summary { font-size: 1.02rem; border-left: 4px solid var(--accent); padding-left: .8rem; }
p.answer { font-size: 1.08rem; font-weight: 600; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: .15rem 1rem; }
dl.facts dt { font-weight: bold; }
details { margin: .8rem 0 1.2rem; }
summary { cursor: pointer; font-weight: bold; }
.scroll { overflow-x: auto; }
code { font-size: .9em; background: #f2f2f2; padding: 0 .2em; }
a.src { text-decoration: none; border-bottom: 1px dotted var(--accent); color: inherit; }
@media print { body { max-width: none; margin: 0; font-size: 11pt; }
  h2 { page-break-after: avoid; } nav { display: none; } }
"""

_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def esc(text: Any) -> str:
    """HTML-escape any value shown in the report; control characters (ESC, bidi overrides),
    which are not valid in HTML or XML, are shown as escapes."""
    shown = _CONTROL.sub(lambda m: m.group(0).encode("unicode_escape").decode("ascii"),
                         str(text))
    return html.escape(shown, quote=True)


class Markup(str):
    """Text written by the project (a parameter's documentation, never a user's value) whose
    reStructuredText-style ``code`` and *emphasis* are rendered, not shown as typed."""


_CODE = re.compile(r"``(.+?)``")
_EMPH = re.compile(r"(?<![\w*])\*([A-Za-z][^*]*?)\*(?![\w*])")


def inline(text: Any) -> str:
    """Escaped text; a :class:`Markup` string's ``code`` and *emphasis* become HTML."""
    out = esc(text)
    if isinstance(text, Markup):
        out = _CODE.sub(r"<code>\1</code>", out)
        out = _EMPH.sub(r"<em>\1</em>", out)
    return out


@dataclass
class Table:
    """A table: header cells and rows of cells; a cell is a value or (value, css class); text
    after a newline is shown smaller on a second line (an interval)."""

    header: list[str]
    rows: list[list[Any]]
    caption: str | None = None

    def render(self) -> str:
        out = ['<div class="scroll"><table class="wide">' if len(self.header) > 9
               else '<div class="scroll"><table>']
        if self.caption:
            out.append(f"<caption>{esc(self.caption)}</caption>")
        out.append("<thead><tr>" + "".join(f"<th>{esc(h)}</th>" for h in self.header)
                   + "</tr></thead><tbody>")
        for row in self.rows:
            cells = []
            for c in row:
                text, cls = c if isinstance(c, tuple) else (c, None)
                attr = f' class="{esc(cls)}"' if cls else ""
                first, _, rest = str(text).partition("\n")
                sub = f'<br><span class="ci">{esc(rest)}</span>' if rest else ""
                shown = inline(Markup(first)) if isinstance(text, Markup) else esc(first)
                cells.append(f"<td{attr}>{shown}{sub}</td>")
            out.append("<tr>" + "".join(cells) + "</tr>")
        out.append("</tbody></table></div>")
        return "".join(out)


@dataclass
class Figure:
    """An inline SVG figure (trusted markup made by ``_figures``) with an escaped caption."""

    svg: str
    caption: str
    name: str

    def render(self) -> str:
        return (f'<figure id="fig-{esc(self.name)}">{self.svg}'
                f"<figcaption>{esc(self.caption)}</figcaption></figure>")


@dataclass
class Details:
    """Blocks folded under a one-line summary (a long table a reader opens when needed)."""

    summary: str
    blocks: list[Any] = field(default_factory=list)

    def render(self) -> str:
        inner = "\n".join(b if isinstance(b, str) else b.render() for b in self.blocks)
        return f"<details><summary>{esc(self.summary)}</summary>\n{inner}\n</details>"


@dataclass
class Section:
    """A titled part of the report holding blocks in order."""

    title: str
    anchor: str
    blocks: list[Any] = field(default_factory=list)

    def paragraph(self, text: str, *, css: str | None = None) -> Section:
        """Add an escaped paragraph."""
        cls = f' class="{esc(css)}"' if css else ""
        self.blocks.append(f"<p{cls}>{inline(text)}</p>")
        return self

    def details(self, summary: str, *blocks: Any) -> Section:
        """Add blocks (tables, preformatted text) folded under ``summary``."""
        self.blocks.append(Details(summary, list(blocks)))
        return self

    def heading(self, text: str) -> Section:
        """Add a sub-heading."""
        self.blocks.append(f"<h3>{esc(text)}</h3>")
        return self

    def facts(self, items: list[tuple[str, Any]]) -> Section:
        """Add a definition list of label: value pairs."""
        body = "".join(f"<dt>{esc(k)}</dt><dd>{esc(v)}</dd>" for k, v in items)
        self.blocks.append(f'<dl class="facts">{body}</dl>')
        return self

    def preformatted(self, text: str) -> Section:
        """Add escaped preformatted text (a scenario file)."""
        self.blocks.append(f'<pre class="source">{esc(text)}</pre>')
        return self

    def table(self, table: Table) -> Section:
        """Add a table."""
        self.blocks.append(table)
        return self

    def rows(self, header: list[str], rows: list[list[Any]], *, kinds: list[str],
             caption: str | None = None) -> Section:
        """Add a table of raw values, each column formatted by its kind (``text``, or
        ``count``, ``share``, ``number`` as the report formats figures): for sections written
        in the simulation audit, which does not know the report's formatting. A value given
        as text (what there is to say where a figure has no meaning) is shown as it is."""
        cells = [[v if k == "text" or isinstance(v, str) else fmt(v, k)
                  for v, k in zip(row, kinds, strict=True)] for row in rows]
        return self.table(Table(header, cells, caption))

    def figure(self, figure: Figure) -> Section:
        """Add a figure."""
        self.blocks.append(figure)
        return self

    def render(self) -> str:
        parts = [f'<section id="{esc(self.anchor)}"><h2>{esc(self.title)}</h2>']
        for b in self.blocks:
            parts.append(b if isinstance(b, str) else b.render())
        parts.append("</section>")
        return "\n".join(parts)


_TAG = re.compile(r"(<[^>]*>)")


def link_sources(markup: str, ids: frozenset[str]) -> str:
    """``markup`` with each mention of one of ``ids`` in its text (never inside a tag, a
    figure or a link) made a link to ``#source-ID``."""
    if not ids:
        return markup
    pattern = re.compile(r"\b(" + "|".join(re.escape(i) for i in sorted(ids)) + r")\b")
    out, skip = [], 0
    for part in _TAG.split(markup):
        if part.startswith("<"):
            low = part[:5].lower()
            if low.startswith(("<svg", "<a ", "<dt ")) and not part.endswith("/>"):
                skip += 1
            elif low.startswith(("</svg", "</a>", "</dt")):
                skip = max(0, skip - 1)
            out.append(part)
        elif skip:
            out.append(part)
        else:
            out.append(pattern.sub(r'<a class="src" href="#source-\1">\1</a>', part))
    return "".join(out)


@dataclass
class Report:
    """A report: title, subtitle and sections, rendered to one HTML file."""

    title: str
    subtitle: str = ""
    sections: list[Section] = field(default_factory=list)
    #: Source ids linked wherever the text cites them, to the anchor ``source-ID`` (the
    #: report's Sources section).
    source_ids: frozenset[str] = frozenset()

    def section(self, title: str) -> Section:
        """Append and return a new section."""
        anchor = f"s{len(self.sections) + 1}"
        sec = Section(title, anchor)
        self.sections.append(sec)
        return sec

    @property
    def figures(self) -> list[Figure]:
        """Every figure, in order (folded ones included)."""
        out = []
        for s in self.sections:
            for b in s.blocks:
                out += [b] if isinstance(b, Figure) else \
                    [f for f in getattr(b, "blocks", []) if isinstance(f, Figure)]
        return out

    def render(self) -> str:
        """The complete HTML document."""
        toc = "".join(f'<li><a href="#{esc(s.anchor)}">{esc(s.title)}</a></li>'
                      for s in self.sections)
        body = link_sources("\n".join(s.render() for s in self.sections), self.source_ids)
        sub = f'<p class="subtitle">{esc(self.subtitle)}</p>' if self.subtitle else ""
        return (
            "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            f'<meta http-equiv="Content-Security-Policy" content="{_CSP}">'
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{esc(self.title)}</title><style>{_CSS}</style></head><body>"
            f"<header><h1>{esc(self.title)}</h1>{sub}</header>"
            f"<nav><ol>{toc}</ol></nav>\n{body}\n</body></html>\n")

    def write(self, path: str | Path) -> Path:
        """Write the HTML to ``path``."""
        path = Path(path)
        path.write_text(self.render(), encoding="utf-8")
        return path
