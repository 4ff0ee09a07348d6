"""The comparison of two studies (``custodiet compare``): what is compared (scenarios, sizes,
seeds and the parameters that differ), then each registered headline figure of both, side by
side, with the difference and a verdict only where its interval decides it."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from custodiet.audit.sim import FIGURES, Spread, StudyFigure, StudyMetrics
from custodiet.report._differences import Difference, common_seeds, compared, on_seeds
from custodiet.report._figures import export
from custodiet.report._html import Figure, Report, Table
from custodiet.report._study_figures import grouped_bars
from custodiet.report._study_format import fmt, headline_text

#: At most this many differing parameters are listed by name (the rest are counted).
SHOWN_PARAMETERS = 12


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


def headline_differences(a: StudyMetrics, b: StudyMetrics) -> list[Difference]:
    """Each registered headline figure either study has, with B − A, its 95% interval (seed
    by seed on the seeds both ran, when there are two or more; else Welch's over all their
    cities) and its verdict in words."""
    sa, sb = a.scenario.seeds, b.scenario.seeds
    common = common_seeds(sa, sb)
    out = []
    for f in FIGURES:
        ea, eb = a.spread(f.name), b.spread(f.name)
        if ea is None and eb is None:
            continue
        d = compared(f, on_seeds(ea, sa, common), on_seeds(eb, sb, common), paired=True) \
            if common else compared(f, ea, eb, paired=False)
        out.append(dataclasses.replace(d, a=ea, b=eb))
    return out


def _flat(value: Any, prefix: str = "") -> dict[str, Any]:
    """A scenario's settings as ``path = value`` (lists of named tables by name)."""
    if isinstance(value, Mapping):
        out: dict[str, Any] = {}
        for k, v in value.items():
            out.update(_flat(v, f"{prefix}.{k}" if prefix else str(k)))
        return out
    if isinstance(value, list) and value and all(
            isinstance(x, Mapping) and "name" in x for x in value):
        out = {}
        for x in value:
            out.update(_flat({k: v for k, v in x.items() if k != "name"},
                             f"{prefix}[{x['name']}]"))
        return out
    return {prefix: value}


def parameter_differences(a: Mapping[str, Any] | None, b: Mapping[str, Any] | None
                          ) -> list[str] | None:
    """The scenario settings that differ between two studies (``path: A → B``; a setting
    only one has says "absent"), the seed left out; None when either is unknown."""
    if a is None or b is None:
        return None
    fa, fb = _flat(a), _flat(b)
    out = []
    for k in sorted(set(fa) | set(fb)):
        if k == "seed" or fa.get(k, _ABSENT) == fb.get(k, _ABSENT):
            continue
        out.append(f"{k}: {_said(fa.get(k, _ABSENT))} \u2192 {_said(fb.get(k, _ABSENT))}")
    return out


_ABSENT = object()


def _said(value: Any) -> str:
    return "absent" if value is _ABSENT else repr(value)


def _study_line(label: str, m: StudyMetrics) -> str:
    sc = m.scenario
    seeds = ", ".join(str(s) for s in sc.seeds) or "none"
    return (f"{label}: scenario {sc.name}, {sc.people:,} people \u00d7 {sc.days} days, "
            f"{len(sc.seeds)} seed{'s' if len(sc.seeds) != 1 else ''} ({seeds})")


def what_is_compared(a: StudyMetrics, b: StudyMetrics, names: Sequence[str], *,
                     params: tuple[Mapping[str, Any] | None, Mapping[str, Any] | None] =
                     (None, None)) -> list[str]:
    """Plain lines saying what the comparison compares: each study's scenario, size and
    seeds, how the differences are computed, and which parameters differ."""
    lines = [_study_line(f"A ({names[0]})", a), _study_line(f"B ({names[1]})", b)]
    common = common_seeds(a.scenario.seeds, b.scenario.seeds)
    diffs = parameter_differences(*params)
    pairs = _pairs_words(a, b, diffs)
    if common and len(common) == len(a.scenario.seeds) == len(b.scenario.seeds):
        lines.append(f"Both ran the same seeds: each difference is taken seed by seed ({pairs}"
                     "), with a 95% t interval over the seeds.")
    elif common:
        lines.append(f"Both ran seeds {', '.join(str(s) for s in common)}: each difference is "
                     f"taken seed by seed on those seeds alone ({pairs}), with a 95% t "
                     "interval over them; the other seeds are left out of the differences.")
    else:
        lines.append("The seeds differ: each difference is of the two means over the cities, "
                     "with Welch's 95% interval.")
    if diffs is None:
        lines.append("Parameters: not compared (a study's run stores are not where its "
                     "metrics.json says).")
    elif not diffs:
        lines.append("Parameters: the same in both (apart from the seeds).")
    else:
        shown = "; ".join(diffs[:SHOWN_PARAMETERS])
        more = len(diffs) - SHOWN_PARAMETERS
        lines.append(f"Parameters that differ ({len(diffs)}): {shown}"
                     + (f"; and {more} more" if more > 0 else "") + ".")
    lines.append("A difference is called higher or lower only when its 95% interval excludes "
                 "0; otherwise it says there is too little to tell and about how many more "
                 "seeds would.")
    return lines


def _pairs_words(a: StudyMetrics, b: StudyMetrics, diffs: list[str] | None) -> str:
    """What pairing by seed pairs: the same city only when every setting is the same; with
    other settings (people, days, world), the same random start of two different cities."""
    sized = (a.scenario.people, a.scenario.days) != (b.scenario.people, b.scenario.days)
    if sized or diffs:
        return ("the same seed in A and in B starts the same random streams, but the settings "
                "differ, so it is not the same city: the pairs cancel only what the two "
                "cities' shared start carries into the figures")
    if diffs is None:
        return ("the same seed in A and in B; the same city only if the settings are the "
                "same, which could not be checked")
    return "the same seed in A and in B is the same city under the same settings"


def compare_report(a: StudyMetrics, b: StudyMetrics, names: Sequence[str], *,
                   figures_dir: Path | None = None,
                   params: tuple[Mapping[str, Any] | None, Mapping[str, Any] | None] =
                   (None, None)) -> Report:
    """What is compared, side-by-side headline figures of two studies with each difference's
    verdict, and a figure of their differences."""
    report = Report("Comparison of two studies", f"{names[0]} and {names[1]}")
    sec = report.section("What is compared")
    for line in what_is_compared(a, b, names, params=params):
        sec.paragraph(line)
    sec = report.section("Headline figures")
    rows, labels, diffs = [], [], []
    for d in headline_differences(a, b):
        f = d.figure
        va, vb = a.mean(f.name), b.mean(f.name)
        rows.append([f.label, headline_text(d.a, f.unit), headline_text(d.b, f.unit),
                     d.words])
        if va is not None and vb is not None and va != 0:
            labels.append(f.label)
            diffs.append((vb - va) / abs(va))
    sec.table(Table(["Figure", names[0], names[1], "Difference (B \u2212 A) and verdict"],
                    rows))
    if labels:
        fig = grouped_bars(labels, [("relative change B vs A", diffs)],
                           xlabel="(B − A) / |A|")
        sec.figure(Figure(export(fig, "compare-diff", figures_dir),
                          "Relative change of each headline figure's mean from A to B (a "
                          "change is a verdict only where the table says so).",
                          "compare-diff"))
    return report
