"""Report sections for group metrics (tables, rate and disparity figures, threshold sweep) and
the real-data audit report; ``publish`` writes report, metrics and figures atomically."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from custodiet._versions import __version__
from custodiet.audit import AuditResult, Disclosure, Estimate, GroupFrame, RealAudit, Sweep
from custodiet.report._drawing import draw
from custodiet.report._figures import Bar, bars, figure_text, png_in_background, sweep
from custodiet.report._html import Figure, Report, Table
from custodiet.report._json import write_json
from custodiet.store import check_destination, publish_directory

#: At most this many groups are drawn as lines in a sweep (the largest); the JSON has all.
MAX_SWEEP_LINES: int = 8
#: At most this many groups are drawn in a rate or disparity figure (the largest); the tables
#: and the JSON have all.
MAX_FIGURE_GROUPS: int = 30

_TITLES = {"flag_rate": "Flag rate", "base_rate": "Base rate", "tpr": "True-positive rate",
           "fpr": "False-positive rate", "fnr": "False-negative rate",
           "ppv": "Precision (PPV)"}


def _estimate_text(e: Estimate, show: Callable[[float], str],
                   unit: str = "") -> str | tuple[str, str]:
    """An estimate (with ``unit``) and its interval on a second line; undefined or suppressed
    values as a note."""
    if e.value is None:
        return (e.status, "note")
    text = show(e.value) + unit
    if e.low is not None and e.high is not None:
        text += f"\n{show(e.low)}–{show(e.high)}"
    return text


def _pct(e: Estimate) -> str | tuple[str, str]:
    return _estimate_text(e, lambda v: f"{100 * v:.1f}", unit="%")


def _num(e: Estimate) -> str | tuple[str, str]:
    return _estimate_text(e, lambda v: f"{v:.3g}")


def _title(frame: GroupFrame, m: str) -> str:
    return _TITLES.get(m) or frame.defs[frame.metrics.index(m)].title.capitalize()


def _cell(frame: GroupFrame, g: int, m: str) -> str | tuple[str, str]:
    """A rate as a percentage; a per-person mean (police contacts, days on a list) as is."""
    e = frame.estimate(g, m)
    return _num(e) if frame.defs[frame.metrics.index(m)].value else _pct(e)


def _per1000(e: Estimate) -> str | tuple[str, str]:
    return (e.status, "note") if e.value is None else f"{1000 * e.value:.1f}"


def _count(v: float | None) -> str | tuple[str, str]:
    if v is None:
        return ("suppressed", "note")
    return f"{v:,.0f}" if float(v).is_integer() else f"{v:,.1f}"


def _label(frame: GroupFrame, g: int) -> str:
    return " × ".join(frame.keys[g])


def _slug(text: str) -> str:
    slug = "".join(c if c.isascii() and c.isalnum() else "-" for c in text.lower())
    return slug.strip("-")[:60] or "grouping"  # a file name: ASCII, never too long


def add_overview(report: Report, result: AuditResult, facts: list[tuple[str, Any]]) -> None:
    """The first section: what was audited and the overall figures."""
    sec = report.section("Overview")
    sec.facts(facts)
    of = result.overall_frame
    rows = [[_title(of, m), _num(e) if of.defs[of.metrics.index(m)].value else _pct(e)]
            for m, e in result.overall.items()]
    rows.insert(0, ["People", _count(of.count(0, "n"))])
    rows.insert(1, ["Flagged", _count(of.count(0, "flagged"))])
    ci = f" (95% interval from {result.bootstrap} bootstrap resamples)" if result.bootstrap else ""
    sec.table(Table(["Everyone", "Value" + ci], rows, caption="Overall"))


def add_group_metric_sections(report: Report, result: AuditResult, *,
                              figures_dir: Path | None = None) -> None:
    """One section per grouping: rates table and figure, disparities table and figure."""
    for name, frame in result.frames.items():
        slug = _slug(name)
        sec = report.section(f"By {name}")
        if not frame.keys:
            sec.paragraph(f"Every group has fewer than {result.min_cell:g} people; nothing is "
                          "shown.")
            continue
        header = ["Group", "People", "Flagged", "Flag rate", "per 1,000"]
        metrics = [m for m in frame.metrics if m != "flag_rate"]
        header += [_title(frame, m) for m in metrics]
        rows = []
        for g in range(len(frame.keys)):
            label = _label(frame, g) + (" (reference)" if g == frame.reference else "")
            fr = frame.estimate(g, "flag_rate")
            rows.append([label, _count(frame.count(g, "n")), _count(frame.count(g, "flagged")),
                         _pct(fr), _per1000(fr),
                         *[_cell(frame, g, m) for m in metrics]])
        sec.table(Table(header, rows, caption=f"Rates by {name}"))
        if frame.suppressed_groups:
            sec.paragraph(f"{frame.suppressed_groups} group(s) with fewer than "
                          f"{result.min_cell:g} people are not listed.", css="small")
        _notes(sec, frame)
        shown = ["flag_rate", "fpr", "fnr", "ppv"] if result.labelled else ["flag_rate"]
        drawn = _largest(frame)
        panels = _drawable(sec, [(_TITLES[m], [_bar(frame, g, frame.estimate(g, m))
                                               for g in drawn]) for m in shown], result)
        if panels:
            fname = f"rates-{slug}"
            svg = draw(fname, figures_dir, bars, panels, xlabel="share")
            ci = "; lines are 95% bootstrap intervals" if result.bootstrap else ""
            sec.figure(Figure(svg,
                              f"Rates by {name}{ci}. Missing points are suppressed or "
                              f"undefined (see the notes above).{_more(frame, drawn)}", fname))
        _disparities(sec, frame, result, figures_dir, slug)


def _drawable(sec: Any, panels: list[tuple[str, list[Bar]]], result: AuditResult
              ) -> list[tuple[str, list[Bar]]]:
    """The panels with at least one value to draw; for those left out (every value
    suppressed or undefined) one line says why instead of an empty chart."""
    kept = [(t, items) for t, items in panels if any(b.value is not None for b in items)]
    empty = [t for t, items in panels if items and all(b.value is None for b in items)]
    if empty:
        sec.paragraph(f"Not drawn: {', '.join(empty)}, as no group's value can be shown "
                      f"(each is suppressed, built from fewer than {result.min_cell:g} people, "
                      "or undefined; the table says which).", css="small")
    return kept


def _largest(frame: GroupFrame) -> list[int]:
    """The groups drawn in a figure: all, or the largest ``MAX_FIGURE_GROUPS`` in table order."""
    n = frame.counts[:, frame.count_names.index("n")]
    keep = np.sort(np.argsort(-n, kind="stable")[:MAX_FIGURE_GROUPS])
    return [int(g) for g in keep]


def _more(frame: GroupFrame, drawn: list[int]) -> str:
    if len(drawn) == len(frame.keys):
        return ""
    return f" The {len(drawn)} largest of {len(frame.keys)} groups are drawn."


def _bar(frame: GroupFrame, g: int, e: Estimate) -> Bar:
    return Bar(_label(frame, g), e.value, e.low, e.high, None if e.value is not None
               else e.status)


def _notes(sec: Any, frame: GroupFrame) -> None:
    by_reason: dict[str, list[str]] = {}
    for n in frame.notes:
        label = " × ".join(n["group"].values())
        by_reason.setdefault(f"{n['status']}: {n['reason']}", []).append(
            f"{label} ({n['metric']})")
    for reason, where in by_reason.items():
        sec.paragraph(f"{reason} — {', '.join(where)}", css="small")


def _disparities(sec: Any, frame: GroupFrame, result: AuditResult, figures_dir: Path | None,
                 slug: str) -> None:
    if frame.reference is None:
        sec.paragraph(f"No disparities: {frame.reference_note}.")
        return
    ref = _label(frame, frame.reference)
    disp = [m for m, d in zip(frame.metrics, frame.defs, strict=True) if d.disparity]
    lo, hi = result.band
    rows = []
    for g in range(len(frame.keys)):
        if g == frame.reference:
            continue
        row: list[Any] = [_label(frame, g)]
        for m in disp:
            e = frame.disparity(g, m)
            if e.value is None:
                row.append((e.status, "note"))
                continue
            inside = frame.within_band(g, m)
            text = f"{e.value:.2f}" + ("" if inside else " ✗")
            if e.low is not None and e.high is not None:
                text += f"\n{e.low:.2f}–{e.high:.2f}"
            row.append((text, None) if inside else (text, "fail"))
        rows.append(row)
    sec.heading(f"Disparities relative to {ref}")
    sec.paragraph(f"Ratio of each group's rate to the reference group's ({ref}, "
                  f"{frame.reference_note}); ✗ marks a ratio outside the band {lo:g}–{hi:g}.")
    sec.table(Table(["Group", *[_title(frame, m) for m in disp]], rows,
                    caption=f"Ratios to {ref}"))
    panels = []
    for m in disp:
        items = []
        for g in _largest(frame):
            if g == frame.reference:
                continue
            e = frame.disparity(g, m)
            items.append(Bar(_label(frame, g), e.value, e.low, e.high,
                             None if e.value is not None else e.status))
        panels.append((_title(frame, m), items))
    if not panels or not panels[0][1]:
        return
    panels = _drawable(sec, panels, result)
    if not panels:
        return
    fname = f"disparity-{slug}"
    svg = draw(fname, figures_dir, bars, panels, xlabel=f"ratio to {figure_text(ref)}",
               reference_line=1.0, band=result.band, log=True)
    sec.figure(Figure(svg,
                      f"Ratio to the reference group ({ref}) on a log scale; the shaded band "
                      f"is {lo:g}–{hi:g}.{_more(frame, _largest(frame))}", fname))


def add_sweep_section(report: Report, sw: Sweep, *, chosen: float | None = None,
                      figures_dir: Path | None = None) -> None:
    """Flag rate, FPR and FNR per group across score thresholds, one figure per grouping."""
    sec = report.section("Threshold sweep")
    sec.paragraph(f"Everyone with {sw.score} at or above a threshold is flagged; the curves "
                  f"show what each threshold would do ({sw.grid} of {sw.score}). Points built "
                  "from small cells are left out.")
    for name, frame in sw.frames.items():
        if not frame.keys:
            continue
        order = np.argsort(-frame.n, kind="stable")[:MAX_SWEEP_LINES]
        panels = []
        for j, m in enumerate(frame.metrics):
            lines = []
            for g in order:
                v = np.where(frame.status[g, :, j] == 0, frame.values[g, :, j], np.nan)
                lines.append((" × ".join(frame.keys[g]), v))
            panels.append((_TITLES[m], lines))
        fname = f"sweep-{_slug(name)}"
        svg = draw(fname, figures_dir, sweep, sw.thresholds, panels,
                   xlabel=f"threshold on {sw.score}", chosen=chosen)
        more = (f" The {len(order)} largest of {len(frame.keys)} groups are drawn."
                if len(frame.keys) > len(order) else "")
        sec.figure(Figure(svg,
                          f"Threshold sweep by {name}; the dotted line marks the threshold in "
                          f"use.{more}", fname))


def add_method_section(report: Report, result: AuditResult,
                       disclosure: Disclosure | None = None) -> None:
    """Definitions, suppression and bootstrap method, stated in the report itself."""
    sec = report.section("Method")
    sec.paragraph("TP: flagged with label 1; FP: flagged with label 0; FN: not flagged with "
                  "label 1; TN: not flagged with label 0. Flag rate = flagged / people; base "
                  "rate = (TP + FN) / people; TPR = TP / (TP + FN); FNR = FN / (TP + FN); "
                  "FPR = FP / (FP + TN); precision (PPV) = TP / (TP + FP). A rate whose "
                  "denominator is 0 is undefined, and so is any ratio that uses it.")
    sec.paragraph(f"Small cells: a group with fewer than {result.min_cell:g} people is not "
                  "listed; a count between 1 and that number, or whose complement in its "
                  "group is, is suppressed, and so is every rate built from such a count.")
    if disclosure is not None:
        sec.paragraph(
            "Complementary suppression: every published count and rate is treated as "
            "revealing its counts, and further values are withheld until no count below "
            f"{disclosure.min_cell:g} is a linear combination of what is published — within "
            "a table, across groupings and their intersection, from the totals and from the "
            f"threshold sweep. {disclosure.primary:,} values are withheld as small, "
            f"{disclosure.secondary:,} to protect them, of {disclosure.values:,}. Not covered: "
            "bounds that follow from counts being non-negative whole numbers, the bootstrap "
            "intervals" + (
                "." if disclosure.perturbed is not None else
                ", and outputs of other audits of the same data (--perturb protects "
                "against subtracting them)."))
    if disclosure is not None and disclosure.perturbed is not None:
        sec.paragraph(
            "Cell-key perturbation: every published count carries a noise of at most 2 "
            "people, fixed by the people it counts and by the table, and rates are computed "
            "from the perturbed counts, so that subtracting two outputs (of this table and a "
            "copy with one person fewer, or of two groupings) does not give one person. "
            "Counts therefore need not add up to their totals. " + (
                "Its keys are made under the publisher's secret, so the noise cannot be "
                "recomputed without it." if disclosure.secret else
                "Its keys are made without a publisher's secret (--perturb-secret): someone "
                "holding every row but one could recompute the noise for each value of the "
                "missing row and keep the one that gives these counts."))
    if result.bootstrap:
        sec.paragraph(f"Intervals: {result.bootstrap} bootstrap resamples (seed {result.seed})"
                      " drawn as multinomial counts of the aggregated cells, which is the same "
                      "as resampling people with replacement; "
                      f"{100 * result.confidence:g}% percentile intervals.")
    sec.paragraph(f"custodiet {__version__}.", css="small")


def real_audit_report(real: RealAudit, *, figures_dir: Path | None = None) -> Report:
    """The report of ``custodiet audit`` on a real table (aggregates only)."""
    info = real.info
    report = Report(f"Audit of {info['file']}",
                    "Group metrics of a scored table; aggregates only, small cells suppressed.")
    facts: list[tuple[str, Any]] = [
        ("File", info["file"]), ("Rows", f"{info['rows']:,}"),
        ("People", _count(info["people"])),
        ("Flagged when", info["flag_rule"]),
        ("Outcome", info["label"] or "none (who-gets-flagged metrics only)"),
        ("Groups", ", ".join(info["groups"])),
    ]
    if info.get("weight"):
        facts.append(("People per row", f"column {info['weight']}"))
    add_overview(report, real.result, facts)
    if real.disclosure is not None and real.disclosure.heavy:
        d = real.disclosure
        report.sections[-1].paragraph(
            f"Suppression is heavy: {d.primary + d.secondary:,} of {d.values:,} values "
            f"({100 * d.withheld_share:.0f}%) are withheld, {d.primary:,} because they are "
            f"built from a count below {d.min_cell:g} and {d.secondary:,} so that those "
            "counts cannot be derived from the rest. Fewer or coarser groups (or fewer group "
            "columns) leave more to publish.", css="warn")
    add_group_metric_sections(report, real.result, figures_dir=figures_dir)
    if real.sweep is not None:
        chosen = info["threshold"] if info.get("threshold") is not None else info.get("cutoff")
        add_sweep_section(report, real.sweep, chosen=chosen, figures_dir=figures_dir)
    add_method_section(report, real.result, real.disclosure)
    return report


def publish(out: str | Path, build: Callable[[Path], tuple[Report, dict[str, Any]]], *,
            force: bool = False) -> Path:
    """Build into a temporary directory beside ``out`` and rename it into place: ``build``
    gets the figures folder and returns the report and the metrics; nothing appears at ``out``
    if it fails."""
    out = check_destination(out, force=force)

    def fill(tmp: Path) -> None:
        with png_in_background():  # every PNG written before the folder is renamed
            report, metrics = build(tmp / "figures")
        write_json(tmp / "metrics.json", metrics)
        report.write(tmp / "report.html")

    return publish_directory(out, fill, force=force)
