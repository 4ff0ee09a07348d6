"""The views of the study report's pooled sections: each registered view shows one section
of :data:`custodiet.audit.sim.SECTIONS` (its key) under the report question it answers, and
renders itself from the typed metrics and the first seed's audit. The report renders, under
each question, the views registered for it, in this order; a conformance test runs every view
on an empty study, one seed and several."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from custodiet.audit import Quoted, Scale, quote
from custodiet.audit.sim import (
    BURDENS,
    HIDES,
    KNOWABLE,
    SECTION_MODULES,
    WORKS,
    NullRule,
    PooledFigures,
    SeedAudit,
    StudyMetrics,
)
from custodiet.report._answers import CATEGORY_LABELS
from custodiet.report._burdens import burden_by_system_table
from custodiet.report._drawing import draw
from custodiet.report._figures import Bar, bars
from custodiet.report._html import Figure, Section, Table
from custodiet.report._study_figures import grouped_bars, lines
from custodiet.report._study_format import fmt, headline_text
from custodiet.report._study_sections import (
    feedback_table,
    knowability_table,
    lists_figures,
    redlist_section,
    status_section,
    stopped_table,
    trips_section,
    twins_figures,
)

Render = Callable[[Section, StudyMetrics, SeedAudit, "Path | None"], None]


@dataclass(frozen=True)
class View:
    """How the report shows one pooled section (``key``) under one ``question``."""

    key: str
    question: str
    render: Render


def _true_alerts_cell(r: PooledFigures) -> str:
    """Innocents per true alert with its interval, or what there is to say when no alert
    was true."""
    if r.alerts and not r.true_alerts:
        return f"0 true alerts, {r.innocents_flagged:,} innocents flagged"
    text = fmt(r.innocents_per_true_alert, "number")
    if r.innocents_per_true_alert_low is not None:
        high = ("no upper limit" if r.innocents_per_true_alert_high is None
                else fmt(r.innocents_per_true_alert_high, "number"))
        text += f" ({fmt(r.innocents_per_true_alert_low, 'number')}–{high})"
    return text


def _interval(r: PooledFigures) -> str:
    text = fmt(r.precision, "share")
    if r.precision_low is not None:
        text += f" ({fmt(r.precision_low, 'share')}–{fmt(r.precision_high, 'share')})"
    return text


def _quoted(interval: Quoted | None, value: float | None, scale: Scale) -> str:
    """A figure with its interval, or alone where none was computed (an older study)."""
    if interval is not None:
        return quote(interval, scale)
    return fmt(value, "share" if scale is Scale.PERCENT else "number")


def _status_share(sec: Section, metrics: StudyMetrics, first: SeedAudit,
                  fig_dir: Path | None) -> None:
    """Every rule's alerts together: the share that found an administrative status."""
    s = metrics.status
    if s is None:
        return
    sec.table(Table(["Alerts (every rule)", "Found an administrative status",
                     "Share (95% interval)"],
                    [[fmt(s.alerts, "count"), fmt(s.counted, "count"),
                      _quoted(s.interval(metrics.n_seeds), s.share, Scale.PERCENT)]],
                    caption="Every rule's alerts together (the share the summary quotes): a "
                            "status wrongs nobody and is never a true alert; the interval "
                            "from a bootstrap over cities and the people named"))


_NOT_ACT_CELL = {"status": "no act: aims at a status, kept in the null world",
                 "lawful_act": "no unlawful act: aims at lawful acts, kept in the null world"}


def _null_cell(r: NullRule, cities: int) -> str:
    """A rule's null-world ratio with its interval; a rule that aims at no act says so, and a
    rule aimed at a standing state is marked as such."""
    if r.aim in _NOT_ACT_CELL:
        return _NOT_ACT_CELL[r.aim]
    q = r.ratio_interval(cities)
    if q is None:
        if r.baseline_alerts == 0:
            return ("no alert in either run" if not r.null_world_alerts else
                    f"no alert without a response, {r.null_world_alerts:,} in the null world")
        return ""
    return quote(q, Scale.NUMBER) + (" (a standing state, not an act)"
                                     if r.aim == "standing" else "")


def _accuracy_cells(r: PooledFigures) -> list[str]:
    """Precision with its interval, chance precision, lift, innocents per true alert and
    innocents flagged; a rule (or system) that raised no alert says so once instead of five
    undefined ratios."""
    if not r.alerts:
        return ["never fired (no alert)", "", "", "", fmt(r.innocents_flagged, "count")]
    return [_interval(r), fmt(r.chance_precision, "share"), _lift(r),
            _true_alerts_cell(r), fmt(r.innocents_flagged, "count")]


def _lift(r: PooledFigures) -> str:
    """Lift with its nested-bootstrap interval; against a chance precision of 0, a lower
    bound (never "undefined" when the rule hit)."""
    if r.lift_low is not None and (r.lift is not None or r.lift_lower_bound_only):
        bound = bool(r.lift_lower_bound_only)
        if bound and not r.lift_low:
            if not r.true_alerts:
                return "not known (no true alert, chance never hit)"
            return (f"not known (chance never hit; {r.true_alerts:,} true "
                    f"alert{'s' * (r.true_alerts != 1)}, too few to tell)")
        q = Quoted.of(r.lift, r.lift_low, r.lift_high, lower_bound_only=bound)
        return quote(q, Scale.TIMES)
    if r.lift is not None:
        return f"{r.lift:.2g}×"
    if r.alerts and r.chance_precision == 0:
        return "chance never hit"
    return "undefined"


def _wrongdoing(sec: Section, metrics: StudyMetrics, first: SeedAudit, fig_dir: Path | None
                ) -> None:
    w = metrics.wrongdoing
    if w is None:
        return
    cities = metrics.n_seeds
    sec.table(Table(["Rules pooled", "Alerts", "Precision (95% interval)", "Lawful alerts",
                     "Lawful share (95% interval)", "Innocents per true alert (95% interval)",
                     "Innocents flagged", "Innocents per day (95% interval)"],
                    [[", ".join(w.rules) or "none", fmt(w.alerts, "count"), _interval(w),
                      fmt(w.lawful_alerts, "count"),
                      _quoted(w.lawful_interval(cities), w.lawful_share, Scale.PERCENT),
                      _true_alerts_cell(w), fmt(w.innocents_flagged, "count"),
                      _quoted(w.innocents_per_day_interval(cities), w.innocents_per_day,
                              Scale.NUMBER)]],
                    caption="The rules that claim some wrongdoing, together (the headline's "
                            "figures): rules that can only find an administrative status or "
                            "claim only lawful acts (petitions, protests) claim none and are "
                            "left out; lawful acts caught are never counted as true alerts"))


COLUMNS = ["Precision (95% interval)", "Chance precision", "Lift over chance (95% interval)",
           "Innocents per true alert (95% interval)", "Innocents flagged"]


def _systems(sec: Section, metrics: StudyMetrics, first: SeedAudit, fig_dir: Path | None
             ) -> None:
    sec.table(Table(["System", "Rules", "Alerts", *COLUMNS],
                    [[r.system, ", ".join(r.rules), fmt(r.alerts, "count"),
                      *_accuracy_cells(r)] for r in metrics.systems],
                    caption="The headline by system (pooled over seeds; intervals from a "
                            "bootstrap over cities and the people named, so repeated alerts on "
                            "the same people widen them)"))


def _rules(sec: Section, metrics: StudyMetrics, first: SeedAudit, fig_dir: Path | None
           ) -> None:
    null = {r.rule: r for r in metrics.null_world.rules} if metrics.null_world else {}
    rows = [[r.rule, fmt(r.alerts, "count"), *_accuracy_cells(r),
             _null_cell(null[r.rule], metrics.n_seeds) if r.rule in null else ""]
            for r in metrics.rules]
    sec.table(Table(["Rule", "Alerts", *COLUMNS, "Null-world ratio (95% interval)"],
                    rows,
                    caption="Per rule, pooled over seeds. Chance precision: the same alerts "
                            "naming random members of the rule's lists at the same times. "
                            "Null-world ratio: the rule's alerts in a twin city where nobody "
                            "does anything unlawful (lawful acts and crowded rentals kept) over "
                            "its alerts in the same city with its acts, both without a police "
                            "response; given for rules aimed at unlawful acts"))
    lifted = [r for r in metrics.rules if r.lift is not None]
    if lifted:
        # a lift of 0 has no place on a log scale: written out instead of a blank row
        svg = draw("lift-by-rule", fig_dir, bars,
                   [("lift over chance", [Bar(r.rule, r.lift or None,
                                              note=None if r.lift else "0× (no true alert)")
                                          for r in lifted])],
                   xlabel="precision / chance precision", reference_line=1.0, log=True)
        sec.figure(Figure(svg,
                          "Lift over chance per rule (log scale; 1 = no better than naming "
                          "random listed people at the same times).", "lift-by-rule"))
    _alerts_by_day(sec, metrics, first, fig_dir)
    status_section(sec, metrics)


def _effects_table(sec: Section, metrics: StudyMetrics, first: SeedAudit,
                   fig_dir: Path | None) -> None:
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
        svg = draw("alerts-by-rule", fig_dir, lines, series, xlabel="day", ylabel="alerts")
        more = (f" The {len(top)} rules with most alerts are drawn."
                if len(by_rule) > len(top) else "")
        sec.figure(Figure(svg,
                          f"Alerts per day by rule (seed {first.seed}).{more}",
                          "alerts-by-rule"))


def _lists_by_category(sec: Section, metrics: StudyMetrics, first: SeedAudit,
                       fig_dir: Path | None) -> None:
    rows = metrics.lists.by_category
    names = sorted({r.list for r in rows})
    cats = list(dict.fromkeys(r.category for r in rows))
    if not rows:
        return
    share = {(r.list, r.category): r.share for r in rows}
    svg = draw("lists-by-category", fig_dir, grouped_bars, names,
               [(CATEGORY_LABELS.get(c, c), [share.get((n, c)) for n in names]) for c in cats],
               xlabel="share of the list's members")
    sec.figure(Figure(svg,
                      "Who is on which list: the share of each list's members (everyone on "
                      "it at some point of the run, pooled over seeds) in each category.",
                      "lists-by-category"))


def _knowability(sec: Section, metrics: StudyMetrics, first: SeedAudit, fig_dir: Path | None
                 ) -> None:
    knowability_table(sec, metrics)
    twins_figures(sec, first, fig_dir)


def _feedback(sec: Section, metrics: StudyMetrics, first: SeedAudit, fig_dir: Path | None
              ) -> None:
    feedback_table(sec, metrics)
    lists_figures(sec, metrics, first, fig_dir)


_AIM_WORDS = {"unlawful_act": "unlawful acts", "standing": "a standing state",
              "lawful_act": "lawful acts only", "status": "an administrative status only"}


def _null_world(sec: Section, metrics: StudyMetrics, first: SeedAudit, fig_dir: Path | None
                ) -> None:
    """Each rule against the null world and the rules aimed at unlawful acts together: alerts
    with and without a response and in the null world, the ratio and the response's share."""
    nw = metrics.null_world
    if nw is None:
        return
    cities = metrics.n_seeds
    rows = []
    for r in [*nw.rules, *([nw.acts] if nw.acts is not None else [])]:
        if not (r.alerts or r.baseline_alerts or r.null_world_alerts):
            continue
        share = r.response_interval(cities)
        rows.append([r.rule, _AIM_WORDS.get(r.aim, r.aim), fmt(r.alerts, "count"),
                     fmt(r.baseline_alerts, "count"), fmt(r.null_world_alerts, "count"),
                     _null_cell(r, cities),
                     quote(share, Scale.PERCENT) if share is not None else ""])
    if rows:
        sec.table(Table(["Rule", "Aims at", "Alerts", "Without response", "Null world",
                         "Null-world ratio (95% interval)", "Response share (95% interval)"],
                        rows,
                        caption="Alerts in a twin city where nobody does anything unlawful "
                                "(lawful petitions and protests and crowded rentals kept, no "
                                "police response) over those in the same city with its acts "
                                "and no response; the response share is the part of the watched "
                                "run's alerts the police response added (negative: removed). "
                                "Totals over the seeds; intervals from a bootstrap over cities "
                                "and the people named"))


VIEWS: tuple[View, ...] = (
    View("effects", WORKS, _effects_table),
    View("wrongdoing", WORKS, _wrongdoing),
    View("status", WORKS, _status_share),
    View("systems", WORKS, _systems),
    View("rules", WORKS, _rules),
    View("null_world", WORKS, _null_world),
    View("trips", WORKS, lambda sec, m, first, d: trips_section(sec, m)),
    View("burden_by_system", BURDENS,
         lambda sec, m, first, d: burden_by_system_table(sec, m)),
    View("lists", BURDENS, _lists_by_category),
    View("redlist", HIDES, lambda sec, m, first, d: redlist_section(sec, m)),
    View("knowability", KNOWABLE, _knowability),
    View("stopped", KNOWABLE, lambda sec, m, first, d: stopped_table(sec, m)),
    View("lists", KNOWABLE, _feedback),
)
"""Every view, in the order the report shows them under each question."""


def render_views(sec: Section, question: str, metrics: StudyMetrics, first: SeedAudit,
                 fig_dir: Path | None) -> None:
    """Render, in order, every view registered for ``question``, then every section written
    as one module that answers it (``SECTION_MODULES``, by module name)."""
    for view in VIEWS:
        if view.question == question:
            view.render(sec, metrics, first, fig_dir)
    for section in SECTION_MODULES:
        if section.question == question:
            section.render(sec, metrics.sections.get(section.key))
