"""The report of a study (``custodiet run``), of a parameter sweep and of a comparison: a
plain-language summary written from the numbers, figures, tables, the assumptions with their
sources and the scenario text. Built from ``metrics.json`` content, so that every number shown
is one a reader can find in the JSON."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from custodiet.audit import AuditResult
from custodiet.audit._sim_figures import FIGURES, REGISTRY, figure
from custodiet.audit._sim_study import SeedAudit
from custodiet.report._assumptions import add_assumptions
from custodiet.report._audit_report import add_group_metric_sections, add_method_section
from custodiet.report._figures import Bar, bars, export
from custodiet.report._html import Figure, Report, Section, Table
from custodiet.report._study_figures import grouped_bars, lines, stacked
from custodiet.scenario import Scenario


def fmt(value: float | None, kind: str) -> str:
    """A headline value for people: counts with separators, shares as percentages."""
    if value is None:
        return "undefined"
    if kind == "share":
        return f"{100 * value:.1f}%"
    if kind == "count":
        return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"
    return f"{value:,.3g}" if abs(value) < 1000 else f"{value:,.0f}"


def headline_text(entry: dict[str, Any], kind: str) -> str:
    """Mean and, across several seeds, its 95% interval."""
    text = fmt(entry.get("mean"), kind)
    if entry.get("low") is not None:
        text += f" (95% interval {fmt(entry['low'], kind)} to {fmt(entry['high'], kind)})"
    return text


def _h(metrics: dict[str, Any], name: str) -> float | None:
    return metrics["headline"].get(figure(name).name, {}).get("mean")


def summary(metrics: dict[str, Any]) -> str:
    """The plain-language summary paragraph, written from the headline numbers."""
    sc = metrics["scenario"]
    seeds = len(sc["seeds"])
    avg = "on average " if seeds > 1 else ""
    parts = [f"In a synthetic city of {sc['people']:,} people watched for {sc['days']} days "
             f"({seeds} simulated {'city' if seeds == 1 else 'cities'}), the {sc['name']} "
             f"system raised {avg}{fmt(_h(metrics, 'alerts'), 'count')} alerts."]
    p = _h(metrics, "precision")
    if p is not None:
        parts.append(f"{fmt(p, 'share')} of them matched an incident of the kind the rule "
                     "claims to detect;")
    inn = _h(metrics, "innocents_per_true_alert")
    if inn is not None:
        parts.append(f"for every true alert, {fmt(inn, 'number')} innocent people were flagged.")
    elif _h(metrics, "innocents_flagged") is not None:
        parts.append(f"{fmt(_h(metrics, 'innocents_flagged'), 'count')} innocent people were "
                     "flagged and no alert was true.")
    lawful = _h(metrics, "lawful_hit_share")
    if lawful:
        parts.append(f"{fmt(lawful, 'share')} of the true alerts caught a lawful act.")
    top = _h(metrics, "top1_share_of_flags")
    if top is not None:
        parts.append(f"The 1% of residents flagged most carried {fmt(top, 'share')} of all "
                     "flags.")
    worst = _worst_disparity(metrics)
    if worst:
        parts.append(worst)
    ps, pt = _h(metrics, "precision_seen"), _h(metrics, "precision_true")
    if ps is not None and pt is not None:
        parts.append(f"The police, who only see what still happened after they acted, would "
                     f"compute a precision of {fmt(ps, 'share')}; against the twin city "
                     f"without any response it was {fmt(pt, 'share')}.")
    prev, law = _h(metrics, "incidents_prevented"), _h(metrics, "lawful_acts_prevented")
    if prev is not None:
        incidents = "incident" if prev == 1 else "incidents"
        acts = "act" if law == 1 else "acts"
        parts.append(f"The response prevented {fmt(prev, 'count')} unlawful {incidents} and "
                     f"{fmt(law, 'count')} lawful {acts} (petitions, protests).")
    null = _h(metrics, "null_to_actual_alerts")
    if null is not None:
        parts.append(f"In a world where nobody does anything wrong the same rules still raise "
                     f"{fmt(null, 'number')} alerts for every alert of the actual run.")
    share = _h(metrics, "contact_listed_alert_share")
    if share is not None:
        parts.append(f"{fmt(share, 'share')} of alerts named someone who was on a list only "
                     "because the police had acted on them before.")
    sup = _h(metrics, "alerts_suppressed")
    if sup:
        parts.append(f"The red list suppressed {fmt(sup, 'count')} alerts.")
    return " ".join(parts)


def _worst_disparity(metrics: dict[str, Any]) -> str | None:
    """The largest flag-rate ratio to a reference group among single-column groupings."""
    best = None
    for name, g in metrics["groups"]["groupings"].items():
        if len(g["grouping"]) != 1 or g["reference"] is None:
            continue
        ref = next(iter(g["reference"].values()))
        for entry in g["groups"]:
            r = entry.get("ratio_to_reference", {}).get("flag_rate", {})
            if r.get("value") is not None and (best is None or r["value"] > best[0]):
                best = (r["value"], name, next(iter(entry["group"].values())), ref)
    if best is None or best[0] <= 1.0:
        return None
    value, col, grp, ref = best
    return (f"People with {col} = {grp} were flagged {value:.2f} times as often as those "
            f"with {col} = {ref}.")


# -- sections ---------------------------------------------------------------------------------

def _headline_table(metrics: dict[str, Any]) -> Table:
    rows = []
    seeds = len(metrics["scenario"]["seeds"])
    for f in FIGURES:
        entry = metrics["headline"].get(f.name)
        if entry is None:
            continue
        rows.append([f.label, headline_text(entry, f.unit)])
    cap = (f"Mean over {seeds} seeds with a 95% t interval across seeds" if seeds > 1
           else "One seed; run with --seeds K for intervals across simulated cities")
    return Table(["Figure", "Value"], rows, caption=cap)


def _rules_section(report: Report, metrics: dict[str, Any], first: SeedAudit,
                   fig_dir: Path | None) -> None:
    sec = report.section("Rules")
    twins = first.twins
    null = {r.rule: r.null_world_alerts for r in (twins.null_world_alerts_by_rule or [])} \
        if twins else {}
    true = {r.rule: r.precision_true for r in (twins.precision_by_rule or [])} if twins else {}
    rows = []
    for r in first.rules:
        rows.append([r.rule, fmt(r.alerts, "count"), fmt(r.alerts_per_day, "number"),
                     fmt(r.suppressed, "count"), fmt(r.precision, "share"),
                     fmt(true.get(r.rule), "share") if r.rule in true else "",
                     fmt(r.innocents_per_true_alert, "number"),
                     fmt(r.lawful_hit_share, "share"),
                     fmt(null.get(r.rule), "count") if r.rule in null else ""])
    seed = first.seed
    sec.table(Table(["Rule", "Alerts", "Per day", "Suppressed", "Precision (seen)",
                     "Precision (true)", "Innocents per true alert", "Lawful share of hits",
                     "Alerts in null world"], rows,
                    caption=f"Per rule (seed {seed}); 'undefined' where a denominator is 0"))
    by_rule: dict[str, dict[int, int]] = {}
    for r in first.alerts_by_day:
        by_rule.setdefault(r.rule, {})[r.day] = r.alerts
    days = list(range(metrics["scenario"]["days"]))
    top = sorted(by_rule, key=lambda k: -sum(by_rule[k].values()))[:8]
    if top:
        series = [(k, days, [by_rule[k].get(d, 0) for d in days]) for k in top]
        fig = lines(series, xlabel="day", ylabel="alerts")
        more = (f" The {len(top)} rules with most alerts are drawn."
                if len(by_rule) > len(top) else "")
        sec.figure(Figure(export(fig, "alerts-by-rule", fig_dir),
                          f"Alerts per day by rule (seed {seed}).{more}", "alerts-by-rule"))


def _burden_figures(report: Report, groups: AuditResult, fig_dir: Path | None) -> None:
    sec = report.section("Burden and errors by group")
    sec.paragraph("Per 1,000 residents of each group: people flagged, and the confusion of "
                  "flags with the truth (TP: flagged and took part in wrongdoing; FP: flagged, "
                  "innocent; FN: took part, never flagged). Police contacts and days on a list "
                  "are per person. Pooled over every seed; detailed tables follow.")
    for name, frame in groups.frames.items():
        if len(frame.grouping.cols) != 1 or not frame.keys:
            continue
        labels = [" × ".join(k) for k in frame.keys]
        n = frame.counts[:, frame.count_names.index("n")]

        def per1000(count: str, fr=frame, n=n) -> list[float | None]:
            j = fr.count_names.index(count)
            return [None if fr.count_status[g, j] else 1000 * fr.counts[g, j] / n[g]
                    for g in range(len(fr.keys))]

        fig = grouped_bars(labels, [("true positives", per1000("tp")),
                                    ("false positives", per1000("fp")),
                                    ("false negatives", per1000("fn"))],
                           xlabel="people per 1,000 residents of the group")
        fname = f"confusion-{name}"
        sec.figure(Figure(export(fig, fname, fig_dir),
                          f"Confusion by {name}, per 1,000 residents (suppressed counts are "
                          "left out).", fname))
        panels = []
        for m, label in (("flags", "Flags per person"), ("contacts", "Police contacts per person"),
                         ("list_days", "Days on a list per person")):
            if m in frame.metrics:
                panels.append((label, [_bar(frame, g, frame.estimate(g, m))
                                       for g in range(len(frame.keys))]))
        if panels:
            fig = bars(panels, xlabel="per person")
            fname = f"burden-{name}"
            ci = "; lines are 95% bootstrap intervals" if groups.bootstrap else ""
            sec.figure(Figure(export(fig, fname, fig_dir),
                              f"Burden by {name}: flags, police contacts and days on a "
                              f"key-person list, per person{ci}.", fname))


def _bar(frame, g: int, e) -> Bar:  # type: ignore[no-untyped-def]
    return Bar(" × ".join(frame.keys[g]), e.value, e.low, e.high,
               None if e.value is not None else e.status)


def _lists_section(report: Report, metrics: dict[str, Any], first: SeedAudit,
                   fig_dir: Path | None) -> None:
    lists = first.lists
    if lists is None:
        return
    sec = report.section("Lists and the feedback loop")
    sec.paragraph("A police action puts its target on every list fed by contacts; removal is "
                  "rare. The figures show who is on a list each day, why, and how many alerts "
                  "fall on people listed only because of an earlier contact.")
    anyl = [r for r in lists.sizes if r.list == "(any list)"]
    days = [r.day for r in anyl]
    if anyl:
        fig = stacked(days, [("listed by recorded attributes",
                              [r.members - r.from_contact for r in anyl]),
                             ("listed only because of a police contact",
                              [r.from_contact for r in anyl])],
                      xlabel="day", ylabel="people on a list")
        sec.figure(Figure(export(fig, "list-size", fig_dir),
                          f"People on at least one key-person list each day, by why they are "
                          f"on it (seed {first.seed}).", "list-size"))
    comp = lists.composition
    for col in metrics["scenario"]["groups"]:
        rows = [r for r in comp if r.column == col]
        if not rows:
            continue
        values = sorted({r.value for r in rows})
        total = {d: sum(r.members for r in rows if r.day == d) for d in days}
        series = [(f"{col} = {v}", days,
                   [next((r.members / total[d] for r in rows
                          if r.day == d and r.value == v and total[d]), 0.0)
                    for d in days]) for v in values]
        fig = lines(series, xlabel="day", ylabel="share of listed people", percent=True)
        fname = f"list-composition-{col}"
        sec.figure(Figure(export(fig, fname, fig_dir),
                          f"Composition of the people on a list by {col}, each day.", fname))
    fb = lists.contact_listed_alerts
    fig = lines([("alerts naming someone listed because of a contact", [r.day for r in fb],
                  [r.contact_listed / r.alerts if r.alerts else None for r in fb])],
                xlabel="day", ylabel="share of alerts", percent=True)
    sec.figure(Figure(export(fig, "contact-listed-alerts", fig_dir),
                      "Share of each day's alerts that name someone on a list only because "
                      "of an earlier police contact.", "contact-listed-alerts"))
    _removal_sweep(sec, metrics, fig_dir)


def _removal_sweep(sec: Section, metrics: dict[str, Any], fig_dir: Path | None) -> None:
    """The removal-rate sweep: a table and a figure of the feedback loop per rate."""
    sweep = metrics.get("feedback_sweep")
    if sweep:
        rates = sweep["rates"]
        x = [r["removal_rate"] for r in rates]
        rows = []
        for r in rates:
            row = [f"{r['removal_rate']:g}"]
            for name in ("listed_at_end", "listed_by_contact_at_end",
                         "contact_listed_alert_share", "list_days_per_person", "alerts"):
                entry = r.get(name) or {}
                row.append(headline_text(entry, REGISTRY[name].unit))
            rows.append(row)
        sec.table(Table(["Removal rate per day", "Listed on the last day",
                         "…because of a contact", "Alerts on contact-listed people",
                         "Days on a list per resident", "Alerts"], rows,
                        caption="The removal-rate sweep (every list at once)"))
        fig = lines([("share of alerts on contact-listed people", x,
                      [(r.get("contact_listed_alert_share") or {}).get("mean") for r in rates]),
                     ("share of listed people listed by a contact", x,
                      [_ratio(r, "listed_by_contact_at_end", "listed_at_end") for r in rates])],
                    xlabel="daily removal rate", ylabel="share", percent=True)
        sec.figure(Figure(export(fig, "removal-sweep", fig_dir),
                          "How the feedback loop changes with the removal rate (mean over "
                          "seeds).", "removal-sweep"))


def _ratio(row: dict[str, Any], a: str, b: str) -> float | None:
    x, y = (row.get(a) or {}).get("mean"), (row.get(b) or {}).get("mean")
    return x / y if x is not None and y else None


def _redlist_section(report: Report, first: SeedAudit) -> None:
    red = first.redlist
    if red is None:
        return
    sec = report.section("Red list")
    rows = [["Red-listed people", fmt(red.redlisted_persons, "count"), ""],
            ["Alerts suppressed", fmt(red.alerts_suppressed, "count"), ""]]
    w, wo = red.with_redlist, red.without_redlist
    for key, label in (("incidents", "Incidents with a red-listed participant"),
                       ("unseen", "…that no alert saw"),
                       ("alerts_naming_redlisted", "Unsuppressed alerts naming a red-listed "
                                                   "person")):
        rows.append([label, fmt(getattr(w, key), "count"),
                     fmt(getattr(wo, key), "count") if wo else ""])
    sec.table(Table(["", "With the red list", "Twin without it"], rows,
                    caption=f"What the red list hides (seed {first.seed})"))


def _twins_section(report: Report, first: SeedAudit, fig_dir: Path | None) -> None:
    twins = first.twins
    if twins is None or twins.empty:
        return
    sec = report.section("Twin runs")
    sec.paragraph("Each twin is the same city with the same random draws, with one thing "
                  "changed: no police response, no red list, or nobody doing anything wrong. "
                  "Differences are effects, not noise.")
    prev = twins.prevented_by_kind or []
    if prev:
        kinds = [r.kind + (" (lawful)" if r.lawful else "") for r in prev]
        fig = grouped_bars(kinds, [("with the watch", [r.with_watch for r in prev]),
                                   ("twin without response",
                                    [r.without_response for r in prev])],
                           xlabel="incidents", log=True)
        sec.figure(Figure(export(fig, "twins-incidents", fig_dir),
                          "Incidents by kind with the watch and in its twin without any police "
                          "response (symmetric log scale).", "twins-incidents"))
    prec = [r for r in twins.precision_by_rule or [] if r.alerts]
    if prec:
        fig = grouped_bars([r.rule for r in prec],
                           [("precision the police see", [r.precision_seen for r in prec]),
                            ("true precision", [r.precision_true for r in prec])],
                           xlabel="precision")
        sec.figure(Figure(export(fig, "twins-precision", fig_dir),
                          "Precision per rule as the police can compute it and as it truly "
                          "was (against the twin without response).", "twins-precision"))
    null = [r for r in twins.null_world_alerts_by_rule or [] if r.alerts or
            r.null_world_alerts]
    if null:
        fig = grouped_bars([r.rule for r in null],
                           [("actual run", [r.alerts for r in null]),
                            ("null world", [r.null_world_alerts for r in null])],
                           xlabel="alerts", log=True)
        sec.figure(Figure(export(fig, "twins-null-world", fig_dir),
                          "Alerts per rule in the actual run and in a world where nobody does "
                          "anything wrong (coincidence alone).", "twins-null-world"))


def study_report(metrics: dict[str, Any], groups: AuditResult, scenario: Scenario, *,
                 audits: Sequence[SeedAudit], scenario_text: str | None = None,
                 figures_dir: Path | None = None) -> Report:
    """The report of ``custodiet run``: ``metrics`` across seeds (headline, groups, sweep) and
    the first seed's typed sections from ``audits``."""
    first = audits[0]
    sc = metrics["scenario"]
    report = Report(f"Study of {sc['name']}",
                    "A surveillance system rebuilt over a synthetic city and audited against "
                    "its ground truth. No real person is in it.")
    sec = report.section("Summary")
    sec.paragraph(summary(metrics), css="summary")
    sec.facts([("Scenario", sc["name"]), ("Description", sc["description"] or "—"),
               ("Sources", ", ".join(sc["sources"]) or "—"),
               ("People", f"{sc['people']:,}"), ("Days", sc["days"]),
               ("Seeds", ", ".join(str(s) for s in sc["seeds"])),
               ("Alert matches an incident within",
                f"{sc['horizon_minutes'] / 1440:g} days either side")])
    sec.table(_headline_table(metrics))
    _rules_section(report, metrics, first, figures_dir)
    _burden_figures(report, groups, figures_dir)
    add_group_metric_sections(report, groups, figures_dir=figures_dir)
    _lists_section(report, metrics, first, figures_dir)
    _redlist_section(report, first)
    _twins_section(report, first, figures_dir)
    add_assumptions(report, scenario, scenario_text)
    add_method_section(report, groups)
    report.sections[-1].paragraph("Every figure is defined with its formula in "
                                  "docs/metrics.md.", css="small")
    return report
