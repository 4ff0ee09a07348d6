"""The reports of a parameter sweep (``custodiet sweep``) and of a sensitivity analysis, from
their metrics (the comparison of two studies is in ``_compare_report``)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from custodiet.audit.sim import REGISTRY
from custodiet.report._figures import Bar, bars, export
from custodiet.report._html import Figure, Report, Table
from custodiet.report._study_figures import tradeoff
from custodiet.report._study_report import fmt, headline_text


def sweep_report(metrics: dict[str, Any], *, figures_dir: Path | None = None) -> Report:
    """The report of ``custodiet sweep``: the trade-off between true alerts and innocent people
    flagged as a parameter changes."""
    setting = metrics["setting"]
    report = Report(f"Sweep of {setting}", f"Scenario {metrics['scenario']['name']}, the same "
                    "seeds for every value.")
    sec = report.section("Trade-off")
    pts = metrics["points"]
    names = [str(p["value"]) for p in pts]
    x = [(p["innocents_flagged"] or {}).get("mean") or 0.0 for p in pts]
    y = [(p["true_alerts"] or {}).get("mean") or 0.0 for p in pts]
    fig = tradeoff([(setting, x, y, names)], xlabel="innocent people flagged",
                   ylabel="true alerts")
    sec.figure(Figure(export(fig, "sweep-tradeoff", figures_dir),
                      f"True alerts against innocent people flagged for each value of "
                      f"{setting} (mean over seeds); each point is labelled with its value.",
                      "sweep-tradeoff"))
    rows = []
    for p in pts:
        rows.append([str(p["value"]), *[headline_text(p.get(k) or {}, REGISTRY[k].unit)
                                        for k in ("alerts", "true_alerts", "precision",
                                                  "innocents_flagged", "status_precision",
                                                  "contact_listed_alert_share")]])
    sec.table(Table(["Value", "Alerts", "True alerts", "Precision", "Innocents flagged",
                     "Alerts that found an administrative status",
                     "Alerts on contact-listed people"], rows,
                    caption=f"Figures for each value of {setting} ({metrics['scope']})"))
    return report


def sensitivity_report(metrics: dict[str, Any], *, figures_dir: Path | None = None) -> Report:
    """The report of ``custodiet sensitivity``: per headline figure, a tornado chart and a
    table of which assumptions move it; the break-even base rate per rule."""
    method = metrics["method"]
    key, conf, label = ("mu_star", "mu_star_conf", "Morris μ* (mean |elementary effect|)") \
        if method == "morris" else ("ST", "ST_conf", "Sobol' total index")
    report = Report(f"Sensitivity of {metrics['scenario']['name']}",
                    f"{metrics['runs']} runs of {metrics['scenario']['people']:,} people × "
                    f"{metrics['scenario']['days']} days, {method} design")
    for name, out in metrics["outputs"].items():
        figure_label = REGISTRY[name].label
        sec = report.section(figure_label)
        effects = out["effects"]
        sec.paragraph(_sensitivity_answer(figure_label, effects, key, conf, label),
                      css="answer")
        fig = bars([(figure_label, [_effect_bar(e, key, conf) for e in effects])],
                   xlabel=f"{label}, with its 95% confidence interval")
        slug = f"tornado-{name}"
        sec.figure(Figure(export(fig, slug, figures_dir),
                          f"Which assumptions move '{figure_label}', largest first: {label} "
                          "of each setting over its range, with its 95% interval.", slug))
        cols = [k for k in effects[0] if k != "setting"]
        sec.table(Table(["Setting", *cols], [[e["setting"], *[f"{e[c]:.3g}" for c in cols]]
                                             for e in effects]))
    be = [r for r in metrics.get("break_even") or [] if len(r) > 1]
    rates = sorted({k for r in be for k in r if k != "rule"})
    if rates:
        sec = report.section("Break-even base rates")
        sec.paragraph("The base rate at which each rule's precision would reach 50%, from the "
                      "runs' precision odds (median over the runs whose precision lay strictly "
                      "between 0 and 1; see docs/metrics.md). Only the rates of the kinds a "
                      "rule claims can move its precision; the others are left blank, and "
                      "'undefined' means no run gave the odds.")
        sec.table(Table(["Rule", *rates], [[r["rule"], *[fmt(r[k], "number") if k in r else ""
                                                         for k in rates]] for r in be]))
    return report


def _effect_bar(effect: dict[str, Any], key: str, conf: str) -> Bar:
    """One setting's effect as a dot with its 95% interval (clipped at 0: effects are sizes)."""
    value, half = effect[key], effect.get(conf)
    if half is None or value is None:
        return Bar(effect["setting"], value)
    return Bar(effect["setting"], value, max(0.0, value - half), value + half)


def _sensitivity_answer(figure: str, effects: Sequence[dict[str, Any]], key: str, conf: str,
                        label: str) -> str:
    """The plain-language answer: which setting moves the figure most, by how much, and whether
    the design tells it apart from the next one (their 95% intervals do not overlap)."""
    top = effects[0]
    if not top[key]:
        return f"None of the varied settings moved '{figure}' in these runs."
    text = (f"Of the settings varied, {top['setting']} moves '{figure}' most "
            f"({label} {top[key]:.3g} ± {top.get(conf) or 0:.2g}).")
    if len(effects) > 1:
        runner = effects[1]
        apart = top[key] - (top.get(conf) or 0) > runner[key] + (runner.get(conf) or 0)
        text += (f" The next is {runner['setting']} ({runner[key]:.3g}); "
                 + ("the two are clearly apart." if apart else
                    "the runs cannot tell the two apart: more samples would."))
    return text
