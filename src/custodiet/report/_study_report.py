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
from custodiet.audit.sim import FIGURES, PooledFigures, SeedAudit, StudyMetrics
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
from custodiet.report._html import Figure, Report, Section, Table
from custodiet.report._study_figures import grouped_bars, lines
from custodiet.report._study_format import fmt, headline_text
from custodiet.report._study_sections import (
    feedback_table,
    knowability_table,
    lists_figures,
    redlist_section,
    status_section,
    trips_section,
    twins_figures,
    workload_table,
)
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
    lawful = h("lawful_hit_share")
    if lawful:
        parts.append(f"{fmt(lawful, 'share')} of the true alerts caught a lawful act.")
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


def _true_alerts_cell(r: PooledFigures) -> str:
    """Innocents per true alert, or what there is to say when no alert was true."""
    if r.alerts and not r.true_alerts:
        return f"0 true alerts, {r.innocents_flagged:,} innocents flagged"
    return fmt(r.innocents_per_true_alert, "number")


def _interval(r: PooledFigures) -> str:
    text = fmt(r.precision, "share")
    if r.precision_low is not None:
        text += f" ({fmt(r.precision_low, 'share')}–{fmt(r.precision_high, 'share')})"
    return text


def _accuracy_cells(r: PooledFigures) -> list[str]:
    """Precision with its interval, chance precision, lift, innocents per true alert and
    innocents flagged; a rule (or system) that raised no alert says so once instead of five
    undefined ratios."""
    if not r.alerts:
        return ["never fired (no alert)", "", "", "", fmt(r.innocents_flagged, "count")]
    return [_interval(r), fmt(r.chance_precision, "share"), _lift(r),
            _true_alerts_cell(r), fmt(r.innocents_flagged, "count")]


def _lift(r: PooledFigures) -> str:
    if r.lift is not None:
        return f"{r.lift:.2g}×"
    if r.alerts and r.chance_precision == 0:
        return "chance never hit"
    return "undefined"


def _works_section(report: Report, metrics: StudyMetrics, first: SeedAudit,
                   fig_dir: Path | None) -> None:
    sec = report.section("Does it work?")
    sec.paragraph(works(metrics), css="answer")
    said = watched(metrics)
    if said:
        sec.paragraph(said)
    _effects_table(sec, metrics, first)
    cols = ["Precision (95% interval)", "Chance precision", "Lift over chance",
            "Innocents per true alert", "Innocents flagged"]
    sec.table(Table(["System", "Rules", "Alerts", *cols],
                    [[r.system, ", ".join(r.rules), fmt(r.alerts, "count"),
                      *_accuracy_cells(r)] for r in metrics.systems],
                    caption="The headline by system (pooled over seeds; Wilson intervals)"))
    null = {r.rule: r.null_world_alerts
            for r in (first.twins.null_world_alerts_by_rule or [])} if first.twins else {}
    rows = [[r.rule, fmt(r.alerts, "count"), *_accuracy_cells(r),
             fmt(null.get(r.rule), "count") if r.rule in null else ""]
            for r in metrics.rules]
    sec.table(Table(["Rule", "Alerts", *cols, f"Null-world alerts (seed {first.seed})"], rows,
                    caption="Per rule, pooled over seeds. Chance precision: the same alerts "
                            "naming random members of the rule's lists at the same times"))
    lifted = [r for r in metrics.rules if r.lift is not None]
    if lifted:
        fig = bars([("lift over chance", [Bar(r.rule, r.lift) for r in lifted])],
                   xlabel="precision / chance precision", reference_line=1.0, log=True)
        sec.figure(Figure(export(fig, "lift-by-rule", fig_dir),
                          "Lift over chance per rule (log scale; 1 = no better than naming "
                          "random listed people at the same times).", "lift-by-rule"))
    _alerts_by_day(sec, metrics, first, fig_dir)
    status_section(sec, metrics)
    trips_section(sec, metrics)


def _effects_table(sec: Section, metrics: StudyMetrics, first: SeedAudit) -> None:
    """Deterrence and interception per incident kind (over seeds), and the first seed's
    interception split by whom it concerns."""
    effects = metrics.effects or []
    if effects:
        sec.table(Table(
            ["Incident kind", "Deterred (no system − no response)",
             "Intercepted (no response − watch)", "Total effect (no system − watch)"],
            [[e.kind + (" (lawful)" if e.lawful else ""),
              *[headline_text(x, "count") for x in (e.deterred, e.intercepted, e.total)]]
             for e in effects],
            caption="What the system changed, per incident kind: only the incidents of people "
                    "it touched (exposed to the watch, or acted on) and of the spillover "
                    "(their ties and co-participants)"))
    split = first.twins.interception_by_kind if first.twins else None
    if split:
        sec.table(Table(
            ["Incident kind", "With the watch", "Twin without response", "…difference among "
             "people acted on", "…spillover (ties, co-participants)", "…everyone else"],
            [[r.kind + (" (lawful)" if r.lawful else ""), fmt(r.base, "count"),
              fmt(r.other, "count"), fmt(r.touched, "count"), fmt(r.spillover, "count"),
              fmt(r.everyone_else, "count")] for r in split],
            caption=f"The twin difference split by whom it concerns (seed {first.seed}); the "
                    "last column is zero when every person draws from their own random "
                    "stream, and it is left out of what the report calls prevented"))


def _alerts_by_day(sec: Section, metrics: StudyMetrics, first: SeedAudit,
                   fig_dir: Path | None) -> None:
    by_rule: dict[str, dict[int, int]] = {}
    for r in first.alerts_by_day:
        by_rule.setdefault(r.rule, {})[r.day] = r.alerts
    days = list(range(metrics.scenario.days))
    top = sorted(by_rule, key=lambda k: -sum(by_rule[k].values()))[:8]
    if top:
        series = [(k, days, [by_rule[k].get(d, 0) for d in days]) for k in top]
        fig = lines(series, xlabel="day", ylabel="alerts")
        more = (f" The {len(top)} rules with most alerts are drawn."
                if len(by_rule) > len(top) else "")
        sec.figure(Figure(export(fig, "alerts-by-rule", fig_dir),
                          f"Alerts per day by rule (seed {first.seed}).{more}",
                          "alerts-by-rule"))


#: Per-person burdens the report shows for each group, with their labels.
BURDENS = (("flags", "Flags"), ("contacts", "Police contacts"), ("list_days", "Days on a list"),
           ("camera_days", "Days under a camera"))


def _burden_section(report: Report, metrics: StudyMetrics, groups: AuditResult,
                    first: SeedAudit, fig_dir: Path | None) -> None:
    sec = report.section("Whom does it burden?")
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
    _lists_by_category(sec, metrics, fig_dir)
    demographic = {k: f for k, f in groups.frames.items()
                   if not set(f.grouping.cols) & set(metrics.scenario.categories)}
    sec.paragraph("Demographic groups follow, one section each, with flag rates, error rates, "
                  "disparities to the largest group and the per-person burdens.")
    add_group_metric_sections(report, dataclasses.replace(groups, frames=demographic),
                              figures_dir=fig_dir)


def _lists_by_category(sec: Section, metrics: StudyMetrics, fig_dir: Path | None) -> None:
    rows = metrics.lists.by_category
    names = sorted({r.list for r in rows})
    cats = list(dict.fromkeys(r.category for r in rows))
    if not rows:
        return
    share = {(r.list, r.category): r.share for r in rows}
    fig = grouped_bars(names, [(CATEGORY_LABELS.get(c, c), [share.get((n, c)) for n in names])
                               for c in cats], xlabel="share of the list's members")
    sec.figure(Figure(export(fig, "lists-by-category", fig_dir),
                      "Who is on which list: the share of each list's members (everyone on "
                      "it at some point of the run, pooled over seeds) in each category.",
                      "lists-by-category"))


def _redlist(report: Report, metrics: StudyMetrics) -> None:
    sec = report.section("What does the red list hide?")
    sec.paragraph(hides(metrics), css="answer")
    redlist_section(sec, metrics)


def _knowable(report: Report, metrics: StudyMetrics, first: SeedAudit,
              fig_dir: Path | None) -> None:
    sec = report.section("Can anyone know whether it predicted right?")
    sec.paragraph(knowable(metrics), css="answer")
    knowability_table(sec, metrics)
    twins_figures(sec, first, fig_dir)
    feedback_table(sec, metrics)
    lists_figures(sec, metrics, first, fig_dir)
    workload_table(sec, metrics)


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
    _redlist(report, metrics)
    _knowable(report, metrics, first, figures_dir)
    add_assumptions(report, scenario, scenario_text)
    add_method_section(report, groups)
    report.sections[-1].paragraph("Every figure is defined with its formula in "
                                  "docs/metrics.md.", css="small")
    return report

