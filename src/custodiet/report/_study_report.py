"""The report of a study (``custodiet run``), built around the four questions the reporting
asks (does it work, whom does it burden, what does the red list hide, can anyone know), each
opening with a plain-language answer written from the numbers, then the evidence; then the
assumptions with their sources and the scenario text. Built from ``metrics.json`` content and
the first seed's typed sections, so that every number shown is one a reader can find in the
JSON."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from custodiet.audit import AuditResult
from custodiet.audit.sim import BURDENS as BURDENS_Q
from custodiet.audit.sim import (
    FIGURES,
    HIDES,
    KNOWABLE,
    TOP_SHARE,
    WORKS,
    GroupContrast,
    SeedAudit,
    StudyMetrics,
)
from custodiet.report._aggregation import (
    figure_text,
    in_total,
    over,
    pooled,
    pooled_text,
)
from custodiet.report._answers import (
    ANSWERS,
    CATEGORY_LABELS,
    burdens,
    hides,
    knowable,
    statuses,
    watched,
    works,
)
from custodiet.report._assumptions import add_assumptions
from custodiet.report._audit_report import add_group_metric_sections, add_method_section
from custodiet.report._drawing import draw, on_cores
from custodiet.report._figures import Bar, bars, png_in_background
from custodiet.report._html import Figure, Report, Table
from custodiet.report._map import city_map
from custodiet.report._rests_on import deterrence_rests_on, rests_on_text
from custodiet.report._sources import add_sources
from custodiet.report._study_format import fmt, fmt_status, headline_text
from custodiet.report._study_views import render_views
from custodiet.scenario import Scenario

__all__ = ["fmt", "headline_text", "study_report", "summary"]


def summary(metrics: StudyMetrics) -> str:
    """The plain-language summary paragraph, written from the headline numbers: each count a
    mean per city with its interval (or a total said to be one), each ratio of counts pooled
    over the cities (``custodiet.report._aggregation``)."""
    sc = metrics.scenario
    seeds = len(sc.seeds)
    alerts = _said(metrics, "alerts", "count")
    per_city = " per city" if seeds > 1 else ""
    parts = [f"In a synthetic city of {sc.people:,} people watched for {sc.days} days "
             f"({seeds} simulated {'city' if seeds == 1 else 'cities'}), the {sc.name} "
             f"system raised {alerts or 'no'} alerts{per_city}."]
    parts += _wrongdoing_sentences(metrics)
    share = pooled(metrics, "status_precision")
    if share is not None and share.value:
        status = pooled_text(metrics, "status_precision", "share", labelled=False)
        where = f"{over(metrics)[0].upper()}{over(metrics)[1:]} together, " if seeds > 1 else ""
    else:  # no per-rule figures to pool (a hand-made or older metrics.json): the mean
        status = _said(metrics, "status_precision", "share") if metrics.mean(
            "status_precision") else None
        where = "Per city, " if seeds > 1 else ""
    if status is not None:
        parts.append(f"{where}{status} of all alerts found an administrative status (a "
                     "crowded rental), which wrongs nobody and is not counted as a true alert.")
    top, flagged = metrics.spread("top1_share_of_flags"), metrics.mean("persons_flagged")
    if flagged is not None and top is not None and top.mean is not None and \
            flagged <= TOP_SHARE * sc.people:
        parts.append(f"Fewer people were flagged ({fmt(flagged, 'count')}"
                     f"{' per city' if seeds > 1 else ''}) than the 1% of residents, so how "
                     "concentrated the flags are cannot be told from them.")
    elif top is not None and top.mean is not None and top.low is not None:
        parts.append(f"The 1% of residents flagged most carried {fmt(top.mean, 'share')} of "
                     f"all flags (95% interval {fmt(top.low, 'share')} to "
                     f"{fmt(min(top.high or 0.0, 1.0), 'share')} over the cities).")
    parts.append(burdens(metrics))
    return " ".join(parts + _effect_sentences(metrics))


def _wrongdoing_sentences(metrics: StudyMetrics) -> list[str]:
    """The summary's sentences on the rules that claim wrongdoing: their precision with its
    interval, the innocents, and the lawful acts caught, each said apart; totals labelled
    as totals, the ratios pooled over the cities."""
    w = metrics.wrongdoing
    prec = pooled_text(metrics, "precision", "share", labelled=False)
    if w is None or prec is None or not w.alerts:
        return []
    out = [f"Of the {fmt(w.alerts, 'count')} alerts of the rules that claim wrongdoing "
           f"({in_total(metrics)}), {prec} named someone who took part in unlawful "
           "wrongdoing of the kind the rule claims;"]
    inn = pooled(metrics, "innocents_per_true_alert")
    day = _ratio(metrics, "innocents_per_day", "number")
    if w.true_alerts and inn is not None and inn.value is not None:
        where = f" {over(metrics)} together" if metrics.n_seeds > 1 else ""
        if inn.interval is not None:
            said, basis = pooled_text(metrics, "innocents_per_true_alert", "number",
                                      labelled=False), ""
        else:
            said = fmt(inn.value, 'number')
            basis = f" ({inn.basis}; no interval is computed)" if inn.basis else ""
        out.append(f"for every true alert, {said} innocent people were "
                   f"flagged{where}{basis}; {day} innocent people a "
                   f"day{' per city' if metrics.n_seeds > 1 else ''}.")
    else:
        out.append(f"no alert was true, and {fmt(w.innocents_flagged, 'count')} innocent "
                   f"people were flagged ({in_total(metrics)}).")
    if w.lawful_alerts:
        out.append(f"{fmt(w.lawful_alerts, 'count')} alert{'s' if w.lawful_alerts != 1 else ''} "
                   f"({in_total(metrics)}) caught only "
                   "a lawful act (a petition, a lawful protest), which is never counted as a "
                   "true alert.")
    return out


def _said(metrics: StudyMetrics, name: str, unit: str) -> str | None:
    """A headline figure with its 95% interval over the cities, or "in one city" when the
    study has one (no interval across cities to give); None when undefined."""
    s = metrics.spread(name)
    if s is None or s.mean is None:
        return None
    if s.low is None or s.high is None:  # one city: the caller says so once
        return fmt(s.mean, unit)
    return f"{fmt(s.mean, unit)} (95% interval {fmt(s.low, unit)} to {fmt(s.high, unit)})"


def _ratio(metrics: StudyMetrics, name: str, unit: str) -> str | None:
    """A ratio of counts pooled over the cities as the answers and the headline table give
    it (the mean of the cities' values only where no pooled figure exists)."""
    p = pooled(metrics, name)
    if p is None:
        return _said(metrics, name, unit)
    return None if p.value is None else pooled_text(metrics, name, unit, labelled=False)


def _effect_sentences(metrics: StudyMetrics) -> list[str]:
    """The summary's sentences on the twins, the feedback loop and the red list: each count a
    mean per city with its interval, each ratio of counts pooled over the cities."""
    parts = []
    ps = pooled_text(metrics, "precision_seen", "share", labelled=False)
    pt = pooled_text(metrics, "precision_true", "share", labelled=False)
    seen = pooled(metrics, "precision_seen")
    if ps is not None and pt is not None and (seen is None or seen.value is not None):
        where = f" {over(metrics)} together" if metrics.n_seeds > 1 else ""
        parts.append(f"The police, who only see what still happened after they acted, would "
                     f"compute a precision of {ps}{where}; against the twin city without any "
                     f"response it was {pt}.")
    prev = _said(metrics, "incidents_prevented", "count")
    law = _said(metrics, "lawful_acts_prevented", "count")
    if prev is not None and law is not None:
        where = "Per city" if metrics.n_seeds > 1 else "In this city"
        parts.append(f"{where}, what the response prevented: unlawful incidents {prev}; "
                     f"lawful acts (petitions, protests) {law}.")
    together = f" {over(metrics)} together" if metrics.n_seeds > 1 else ""
    null = _ratio(metrics, "null_to_actual_alerts", "number")
    if null is not None:
        parts.append(f"In a twin city where nobody does anything unlawful, the rules aimed at "
                     f"unlawful acts still raise {null} alerts for every alert they raise in "
                     f"the same city with its acts{together} (no police response in either).")
    share = _ratio(metrics, "contact_listed_alert_share", "share")
    if share is not None:
        where = f"{over(metrics)[0].upper()}{over(metrics)[1:]} together, " \
            if metrics.n_seeds > 1 else ""
        parts.append(f"{where}{share} of alerts named someone who was on a list only because "
                     "the police had acted on them before.")
    sup = _said(metrics, "alerts_suppressed", "count")
    if sup is not None and metrics.mean("alerts_suppressed"):
        red = metrics.redlist
        total = (f" ({fmt(red.alerts_suppressed, 'count')} {in_total(metrics)})"
                 if red is not None and metrics.n_seeds > 1 else "")
        parts.append(f"The red list suppressed {sup} alerts"
                     f"{' per city' if metrics.n_seeds > 1 else ''}{total}.")
    if parts and metrics.n_seeds == 1:
        parts.insert(0, "From one city there is no interval across cities for what follows: "
                        "an interval there is over this city's people, and a figure without "
                        "one describes this city only.")
    return parts


def _rests(sec: Any, text: str | None) -> None:
    """What an answer rests on, as a small paragraph below it (nothing when unknown)."""
    if text:
        sec.paragraph(text, css="small")


# -- sections ---------------------------------------------------------------------------------

def _headline_table(metrics: StudyMetrics) -> Table:
    rows = []
    seeds = metrics.n_seeds
    for f in FIGURES:
        entry = metrics.spread(f.name)
        if entry is None:
            continue
        rows.append([f.label, figure_text(metrics, f)])
    cap = (f"Counts: the mean per city over {seeds} simulated cities; the 95% interval of the "
           "mean says where the average city lies, the range of single cities what one city "
           "may look like. Ratios of counts (precision, innocents per true alert, the shares "
           "of alerts that caught a lawful act or found a status, the null-world ratio, the "
           "lawful shares of what was prevented or deterred): pooled over every city, as the "
           "answers quote them, with what a figure without an interval rests on; a ratio "
           "whose counts are not kept is marked \"mean per city\""
           if seeds > 1
           else "One seed: an interval shown is from the people of this one city (a bootstrap "
                "over them, for what they would give again); a figure without one describes "
                "this city only; run with --seeds K for intervals across simulated cities")
    return Table(["Figure", "Value"], rows, caption=cap)


#: Per-person burdens the report shows for each group, with their labels.
BURDENS = (("flags", "Flags"), ("contacts", "Police contacts"), ("list_days", "Days on a list"),
           ("camera_days", "Days under a camera"))


def _status(metrics: StudyMetrics, column: str, which: str, part: str, metric: str
            ) -> str | None:
    """The status (ok, suppressed, undefined) metrics.json gives a category group's value."""
    grouping = metrics.groups.get("groupings", {}).get(column) or {}
    for entry in grouping.get("groups", []):
        if str(next(iter(entry["group"].values()))).lower() == which:
            return ((entry.get(part) or {}).get(metric) or {}).get("status")
    return None


def _category_row(metrics: StudyMetrics, c: GroupContrast, min_cell: float) -> list[str]:
    """A category's row: people, flagged per 1,000, the ratio to everyone else and each
    burden beside the rest's; a value withheld by disclosure control says so."""
    def cell(value: float | None, which: str, metric: str, part: str = "metrics") -> str:
        status = _status(metrics, c.category, which, part, metric)
        return fmt_status(value, "number", status, min_cell)

    fr = c.yes.get("flag_rate")
    return [CATEGORY_LABELS.get(c.category, c.category), fmt(c.people, "count"),
            cell(None if fr is None else 1000 * fr, "true", "flag_rate"),
            cell(c.ratio("flag_rate"), "true", "flag_rate", "ratio_to_reference"),
            *[cell(c.yes.get(m), "true", m) + " vs " + cell(c.no.get(m), "false", m)
              for m, _ in BURDENS]]


def _burden_section(report: Report, metrics: StudyMetrics, groups: AuditResult,
                    first: SeedAudit, fig_dir: Path | None) -> None:
    sec = report.section(BURDENS_Q)
    sec.paragraph(burdens(metrics), css="answer")
    cats = metrics.category_contrasts()
    min_cell = float(metrics.groups.get("settings", {}).get("min_cell", 0))
    rows = [_category_row(metrics, c, min_cell) for c in cats]
    if rows:
        sec.table(Table(["Category (recorded)", "People", "Flagged per 1,000",
                         "× everyone else", *[f"{lab} per person (vs rest)"
                                              for _, lab in BURDENS]], rows,
                        caption="The categories the reporting names, by their recorded "
                                "attributes, pooled over seeds"))
        panels = [(lab, [Bar(CATEGORY_LABELS.get(c.category, c.category), c.ratio(m))
                         for c in cats]) for m, lab in BURDENS]
        svg = draw("burden-by-category", fig_dir, bars, panels,
                   xlabel="per person, relative to everyone else", reference_line=1.0, log=True)
        sec.figure(Figure(svg,
                          "Flags, police contacts, days on a list and days under a camera per "
                          "person in each category, relative to everyone else (log scale).",
                          "burden-by-category"))
    render_views(sec, BURDENS_Q, metrics, first, fig_dir)
    demographic = {k: f for k, f in groups.frames.items()
                   if not set(f.grouping.cols) & set(metrics.scenario.categories)}
    sec.paragraph("Demographic groups follow, one section each, with flag rates, error rates, "
                  "disparities to the largest group and the per-person burdens.")
    add_group_metric_sections(report, dataclasses.replace(groups, frames=demographic),
                              figures_dir=fig_dir)


def _works_section(report: Report, metrics: StudyMetrics, first: SeedAudit,
                   fig_dir: Path | None) -> None:
    sec = report.section(WORKS)
    sec.paragraph(works(metrics), css="answer")
    said = watched(metrics)
    if said:
        sec.paragraph(said)
    render_views(sec, WORKS, metrics, first, fig_dir)


def _redlist(report: Report, metrics: StudyMetrics, first: SeedAudit,
             fig_dir: Path | None) -> None:
    sec = report.section(HIDES)
    sec.paragraph(hides(metrics), css="answer")
    render_views(sec, HIDES, metrics, first, fig_dir)


def _knowable(report: Report, metrics: StudyMetrics, first: SeedAudit,
              fig_dir: Path | None) -> None:
    sec = report.section(KNOWABLE)
    sec.paragraph(knowable(metrics), css="answer")
    render_views(sec, KNOWABLE, metrics, first, fig_dir)


def study_report(metrics: StudyMetrics, groups: AuditResult, scenario: Scenario, *,
                 audits: Sequence[SeedAudit], scenario_text: str | None = None,
                 figures_dir: Path | None = None, rests_on: Any = None,
                 city: Path | None = None) -> Report:
    """The report of ``custodiet run``: ``metrics`` across seeds and the first seed's typed
    sections from ``audits``; below each answer, what ``rests_on`` (a
    :class:`custodiet.study.RestsOn`) says it rests on; with ``city`` (the first seed's watch
    run store), a map. Its figures are drawn by worker processes beside this one where there
    are cores for them (``on_cores``), and the PNG figures drawn here are compressed on a
    second thread while the next figures are drawn; all are written when it returns."""
    with png_in_background(), on_cores() as drawings:
        report = _report(metrics, groups, scenario, audits=audits,
                         scenario_text=scenario_text, figures_dir=figures_dir,
                         rests_on=rests_on, city=city)
        if drawings is not None:
            drawings.finish(report.figures)
        return report


def _report(metrics: StudyMetrics, groups: AuditResult, scenario: Scenario, *,
            audits: Sequence[SeedAudit], scenario_text: str | None, figures_dir: Path | None,
            rests_on: Any, city: Path | None) -> Report:
    first = audits[0]
    sc = metrics.scenario
    report = Report(f"Study of {sc.name}",
                    "A surveillance system rebuilt over a synthetic city and audited against "
                    "its ground truth. No real person is in it.")
    sec = report.section("Summary")
    for question, answer in ANSWERS.items():
        sec.heading(question)
        sec.paragraph(answer(metrics), css="answer")
        _rests(sec, rests_on and rests_on_text(question, rests_on, sc.name))
        if answer is works:
            said = watched(metrics)
            for extra in (said, said and rests_on and deterrence_rests_on(rests_on, sc.name),
                          statuses(metrics)):
                if extra:
                    sec.paragraph(extra)
    sec.heading("In numbers")
    sec.paragraph(summary(metrics), css="summary")
    sec.facts([("Scenario", sc.name), ("Description", sc.description or "—"),
               ("Sources", ", ".join(sc.sources) or "—"),
               ("People", f"{sc.people:,}"), ("Days", sc.days),
               ("Simulated cities", f"{len(sc.seeds)} (random seed"
                f"{'s' * (len(sc.seeds) != 1)} {', '.join(str(s) for s in sc.seeds)})"),
               *([("Why these seeds", sc.stopped)] if sc.stopped else []),
               ("A prediction matches an act within",
                f"{sc.horizon_minutes / 1440:g} days after the alert; a detection, within a "
                "day either side (docs/metrics.md)")])
    sec.table(_headline_table(metrics))
    drawn = city_map(city, figures_dir) if city is not None else None
    if drawn is not None:
        report.section("Map of the city").figure(Figure(drawn[0], drawn[1], "city-map"))
    _works_section(report, metrics, first, figures_dir)
    _burden_section(report, metrics, groups, first, figures_dir)
    _redlist(report, metrics, first, figures_dir)
    _knowable(report, metrics, first, figures_dir)
    add_assumptions(report, scenario, scenario_text)
    add_method_section(report, groups)
    report.sections[-1].paragraph("Every figure is defined with its formula in "
                                  "docs/metrics.md.", css="small")
    add_sources(report)
    return report

