"""The comparison of two studies (``custodiet compare``): each registered headline figure of
both, side by side, with the difference, from their typed metrics."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from custodiet.audit.sim import FIGURES, Spread, StudyFigure, StudyMetrics
from custodiet.report._figures import export
from custodiet.report._html import Figure, Report, Table
from custodiet.report._study_figures import grouped_bars
from custodiet.report._study_format import fmt, headline_text


def headline_pairs(a: StudyMetrics, b: StudyMetrics
                   ) -> list[tuple[StudyFigure, Spread | None, Spread | None, str]]:
    """Each registered headline figure either study has: (figure, A's spread, B's spread,
    B − A formatted, or "undefined"), for the comparison's table and the CLI's printout."""
    out = []
    for f in FIGURES:
        ea, eb = a.spread(f.name), b.spread(f.name)
        if ea is None and eb is None:
            continue
        va, vb = a.mean(f.name), b.mean(f.name)
        diff = fmt(vb - va, f.unit) if va is not None and vb is not None else "undefined"
        out.append((f, ea, eb, diff))
    return out


def compare_report(a: StudyMetrics, b: StudyMetrics, names: Sequence[str], *,
                   figures_dir: Path | None = None) -> Report:
    """Side-by-side headline figures of two studies and a figure of their differences."""
    report = Report("Comparison of two studies", f"{names[0]} and {names[1]}")
    sec = report.section("Headline figures")
    rows, labels, diffs = [], [], []
    for f, ea, eb, diff in headline_pairs(a, b):
        label, kind = f.label, f.unit
        va, vb = a.mean(f.name), b.mean(f.name)
        rows.append([label, headline_text(ea, kind), headline_text(eb, kind), diff])
        if va is not None and vb is not None and va != 0:
            labels.append(label)
            diffs.append((vb - va) / abs(va))
    sec.table(Table(["Figure", names[0], names[1], "Difference (B − A)"], rows))
    if labels:
        fig = grouped_bars(labels, [("relative change B vs A", diffs)],
                           xlabel="(B − A) / |A|")
        sec.figure(Figure(export(fig, "compare-diff", figures_dir),
                          "Relative change of each headline figure from A to B.",
                          "compare-diff"))
    return report
