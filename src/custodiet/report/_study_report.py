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

from custodiet.audit import AuditResult
from custodiet.audit.sim import BURDENS as BURDENS_Q
from custodiet.audit.sim import FIGURES, HIDES, KNOWABLE, WORKS, SeedAudit, StudyMetrics
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
from custodiet.report._figures import Bar, bars, export
from custodiet.report._html import Figure, Report, Table
from custodiet.report._study_format import fmt, headline_text
from custodiet.report._study_views import render_views
from custodiet.scenario import Scenario

__all__ = ["fmt", "headline_text", "study_report", "summary"]


def summary(metrics: StudyMetrics) -> str:
    """The plain-language summary paragraph, written from the headline numbers."""
    sc, h = metrics.scenario, metrics.mean
    seeds = len(sc.seeds)
    avg = "on average " if seeds > 1 else ""
    parts = [f"In a synthetic city of {sc.people:,} people watched for {sc.days} days "
             f"({seeds} simulated {'city' if seeds == 1 else 'cities'}), the {sc.name} "
             f"system raised {avg}{fmt(h('alerts'), 'count')} alerts."]
    p = h("precision")
    if p is not None:
        parts.append(f"{fmt(p, 'share')} of them matched wrongdoing of the kind the rule "
                     "claims to detect;")
    inn = h("innocents_per_true_alert")
    if inn is not None:
        parts.append(f"for every true alert, {fmt(inn, 'number')} innocent people were flagged.")
    elif h("innocents_flagged") is not None:
        parts.append(f"{fmt(h('innocents_flagged'), 'count')} innocent people were "
                     "flagged and no alert was true.")
    status = h("status_precision")
    if status:
        parts.append(f"{fmt(status, 'share')} of the alerts found an administrative status "
                     "(a crowded rental), which wrongs nobody and is not counted as a true "
                     "alert.")
    lawful = h("lawful_share")
    if lawful:
        parts.append(f"{fmt(lawful, 'share')} of the alerts caught only a lawful act (a "
                     "petition, a lawful protest), which is not counted as a true alert.")
    top = h("top1_share_of_flags")
    if top is not None:
        parts.append(f"The 1% of residents flagged most carried {fmt(top, 'share')} of all "
                     "flags.")
    worst = metrics.largest_flag_ratio()
    if worst is not None and worst.value > 1.0:
        parts.append(f"People with {worst.column} = {worst.group} were flagged "
                     f"{worst.value:.2f} times as often as those with {worst.column} = "
                     f"{worst.reference}.")
    return " ".join(parts + _effect_sentences(metrics))


def _effect_sentences(metrics: StudyMetrics) -> list[str]:
    """The summary's sentences on the twins, the feedback loop and the red list."""
    h, parts = metrics.mean, []
    ps, pt = h("precision_seen"), h("precision_true")
    if ps is not None and pt is not None:
        parts.append(f"The police, who only see what still happened after they acted, would "
                     f"compute a precision of {fmt(ps, 'share')}; against the twin city "
                     f"without any response it was {fmt(pt, 'share')}.")
    prev, law = h("incidents_prevented"), h("lawful_acts_prevented")
    if prev is not None:
        incidents = "incident" if prev == 1 else "incidents"
        acts = "act" if law == 1 else "acts"
        parts.append(f"The response prevented {fmt(prev, 'count')} unlawful {incidents} and "
                     f"{fmt(law, 'count')} lawful {acts} (petitions, protests).")
    null = h("null_to_actual_alerts")
    if null is not None:
        parts.append(f"In a world where nobody does anything wrong the same rules still raise "
                     f"{fmt(null, 'number')} alerts for every alert of the actual run.")
    share = h("contact_listed_alert_share")
    if share is not None:
        parts.append(f"{fmt(share, 'share')} of alerts named someone who was on a list only "
                     "because the police had acted on them before.")
    sup = h("alerts_suppressed")
    if sup:
        parts.append(f"The red list suppressed {fmt(sup, 'count')} alerts.")
    return parts


# -- sections ---------------------------------------------------------------------------------

def _headline_table(metrics: StudyMetrics) -> Table:
    rows = []
    seeds = metrics.n_seeds
    for f in FIGURES:
        entry = metrics.spread(f.name)
        if entry is None:
            continue
        rows.append([f.label, headline_text(entry, f.unit)])
    cap = (f"Mean over {seeds} simulated cities; the 95% interval of the mean says where the "
           "average city lies, the range of single cities what one city may look like"
           if seeds > 1
           else "One seed; run with --seeds K for intervals across simulated cities")
    return Table(["Figure", "Value"], rows, caption=cap)


#: Per-person burdens the report shows for each group, with their labels.
BURDENS = (("flags", "Flags"), ("contacts", "Police contacts"), ("list_days", "Days on a list"),
           ("camera_days", "Days under a camera"))


def _burden_section(report: Report, metrics: StudyMetrics, groups: AuditResult,
                    first: SeedAudit, fig_dir: Path | None) -> None:
    sec = report.section(BURDENS_Q)
    sec.paragraph(burdens(metrics), css="answer")
    cats = metrics.category_contrasts()
    rows = []
    for c in cats:
        fr = c.yes.get("flag_rate")
        rows.append([CATEGORY_LABELS.get(c.category, c.category), fmt(c.people, "count"),
                     fmt(None if fr is None else 1000 * fr, "number"),
                     fmt(c.ratio("flag_rate"), "number"),
                     *[fmt(c.yes.get(m), "number") + " vs " + fmt(c.no.get(m), "number")
                       for m, _ in BURDENS]])
    if rows:
        sec.table(Table(["Category (recorded)", "People", "Flagged per 1,000",
                         "× everyone else", *[f"{lab} per person (vs rest)"
                                              for _, lab in BURDENS]], rows,
                        caption="The categories the reporting names, by their recorded "
                                "attributes, pooled over seeds"))
        panels = [(lab, [Bar(CATEGORY_LABELS.get(c.category, c.category), c.ratio(m))
                         for c in cats]) for m, lab in BURDENS]
        fig = bars(panels, xlabel="per person, relative to everyone else", reference_line=1.0,
                   log=True)
        sec.figure(Figure(export(fig, "burden-by-category", fig_dir),
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
                 figures_dir: Path | None = None) -> Report:
    """The report of ``custodiet run``: ``metrics`` across seeds and the first seed's typed
    sections from ``audits``."""
    first = audits[0]
    sc = metrics.scenario
    report = Report(f"Study of {sc.name}",
                    "A surveillance system rebuilt over a synthetic city and audited against "
                    "its ground truth. No real person is in it.")
    sec = report.section("Summary")
    for question, answer in ANSWERS.items():
        sec.heading(question)
        sec.paragraph(answer(metrics), css="answer")
        if answer is works:
            for extra in (watched(metrics), statuses(metrics)):
                if extra:
                    sec.paragraph(extra)
    sec.heading("In numbers")
    sec.paragraph(summary(metrics), css="summary")
    sec.facts([("Scenario", sc.name), ("Description", sc.description or "—"),
               ("Sources", ", ".join(sc.sources) or "—"),
               ("People", f"{sc.people:,}"), ("Days", sc.days),
               ("Seeds", ", ".join(str(s) for s in sc.seeds)),
               ("Alert matches an incident within",
                f"{sc.horizon_minutes / 1440:g} days either side")])
    sec.table(_headline_table(metrics))
    _works_section(report, metrics, first, figures_dir)
    _burden_section(report, metrics, groups, first, figures_dir)
    _redlist(report, metrics, first, figures_dir)
    _knowable(report, metrics, first, figures_dir)
    add_assumptions(report, scenario, scenario_text)
    add_method_section(report, groups)
    report.sections[-1].paragraph("Every figure is defined with its formula in "
                                  "docs/metrics.md.", css="small")
    return report

