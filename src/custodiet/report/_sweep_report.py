"""The reports of a parameter sweep (``custodiet sweep``) and of a sensitivity analysis, from
their metrics (the comparison of two studies is in ``_compare_report``)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from custodiet.audit.sim import REGISTRY, Spread
from custodiet.report._differences import Difference, compared
from custodiet.report._figures import Bar, bars, export
from custodiet.report._html import Figure, Report, Table
from custodiet.report._study_figures import tradeoff
from custodiet.report._study_report import headline_text


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
    _differences_section(report, metrics)
    return report


#: The figures whose change from the first value the sweep states with a verdict.
SWEEP_VERDICTS: tuple[str, ...] = ("alerts", "true_alerts", "precision", "innocents_flagged")


def sweep_differences(metrics: dict[str, Any]) -> list[tuple[Any, list[Difference]]]:
    """Per value after the first: each of :data:`SWEEP_VERDICTS` against the first value,
    seed by seed (every value ran the same seeds; Welch's where a value's seed count
    differs, marked by ``Difference.paired``), said as a verdict only where its 95%
    interval decides it."""
    pts = metrics["points"]
    if len(pts) < 2:
        return []
    first = pts[0]
    out = []
    for p in pts[1:]:
        row = []
        for k in SWEEP_VERDICTS:
            a, b = first.get(k), p.get(k)
            row.append(compared(REGISTRY[k], _spread(a), _spread(b), paired=True,
                                higher=f"higher than at {first['value']}",
                                lower=f"lower than at {first['value']}",
                                what=f"the change from {first['value']}"))
        out.append((p["value"], row))
    return out


def _spread(entry: dict[str, Any] | None) -> Spread | None:
    return None if not entry else Spread(**entry)


def _differences_section(report: Report, metrics: dict[str, Any]) -> None:
    said = sweep_differences(metrics)
    if not said:
        return
    setting, first = metrics["setting"], metrics["points"][0]["value"]
    sec = report.section(f"What changing {setting} changed")
    welch = list(dict.fromkeys(str(v) for v, row in said
                               for d in row if d.interval is not None and not d.paired))
    fallback = (f" Where a value ran a different number of seeds than the first ({', '.join(welch)}"
                "), its differences are of the two means over the cities instead, with "
                "Welch's 95% interval." if welch else "")
    sec.paragraph(f"Each value against the first ({first}), seed by seed: the same seeds ran "
                  "for every value, so each difference pairs the same random start under two "
                  "settings (not the same city: the setting changes it), with a 95% t "
                  f"interval over the seeds.{fallback} A change is said only where the "
                  "interval excludes 0; otherwise the cell says there is too little to tell "
                  "and about how many more seeds would.", css="answer")
    sec.table(Table(["Value", *[REGISTRY[k].label for k in SWEEP_VERDICTS]],
                    [[str(v), *[d.words for d in row]] for v, row in said],
                    caption=f"Change from {setting} = {first} ({metrics['scope']})"))


def _label(name: str) -> str:
    """A reader's label for an output: a registered headline figure, or ``FIGURE:SYSTEM``."""
    fig, _, system = name.partition(":")
    label = REGISTRY[fig].label if fig in REGISTRY else fig.replace("_", " ")
    return f"{label} ({system})" if system else label


def sensitivity_report(metrics: dict[str, Any], *, figures_dir: Path | None = None) -> Report:
    """The report of ``custodiet sensitivity``: whether the top drivers are stable across
    designs; per output, a tornado chart and a table of which assumptions move it; the
    break-even base rate per rule."""
    method = metrics["method"]
    key, conf, label = ("mu_star", "mu_star_conf", "Morris μ* (mean |elementary effect|)") \
        if method == "morris" else ("ST", "ST_conf", "Sobol' total index")
    reps = metrics.get("replicates", 1)
    report = Report(f"Sensitivity of {metrics['scenario']['name']}",
                    f"{metrics['runs']} runs of {metrics['scenario']['people']:,} people × "
                    f"{metrics['scenario']['days']} days, {method} design, {reps} independent "
                    "design(s), a city seed per trajectory")
    sec = report.section("Stability")
    for text in stability_sentences(metrics.get("stability") or {}):
        sec.paragraph(text, css="answer")
    for name, out in metrics["outputs"].items():
        figure_label = _label(name)
        sec = report.section(figure_label)
        effects = out["effects"]
        sec.paragraph(_sensitivity_answer(figure_label, effects, key, conf, label,
                                          undefined=out.get("undefined", False)),
                      css="answer")
        if out.get("undefined"):
            continue
        fig = bars([(figure_label, [_effect_bar(e, key, conf) for e in effects])],
                   xlabel=f"{label}, with its interval over designs and cities")
        slug = "tornado-" + name.replace(":", "-")
        sec.figure(Figure(export(fig, slug, figures_dir),
                          f"Which assumptions move '{figure_label}', largest first: {label} "
                          "of each setting over its range, with its interval (SALib's 95% "
                          "interval, widened to cover every design).", slug))
        cols = [k for k in effects[0] if k not in ("setting", "per_design")]
        sec.table(Table(["Setting", *cols], [[e["setting"], *[f"{e[c]:.3g}" for c in cols]]
                                             for e in effects]))
    _add_break_even(report, metrics.get("break_even") or [])
    return report


def stability_sentences(stab: dict[str, Any]) -> list[str]:
    """One sentence per checked output: do the top two drivers agree across designs?"""
    out = []
    for name, s in stab.items():
        figure = _label(name)
        if s["status"] == "undefined":
            out.append(f"'{figure}' was undefined in every run: nothing to rank.")
        elif s["status"] == "unmoved":
            out.append(f"No setting moved '{figure}' in any design: nothing to rank.")
        elif s["status"] == "not checked":
            out.append(f"'{figure}': one design only, stability not checked (--replicates 2).")
        elif s["status"] == "agree":
            order = "in the same order" if s.get("same_order") else "in another order"
            out.append(f"The top two drivers of '{figure}' agree across the "
                       f"{len(s['top_two'])} independent designs ({order}): "
                       f"{', '.join(s['top_two'][0])}.")
        else:
            tops = "; ".join(", ".join(t) or "none" for t in s["top_two"])
            out.append(f"The top two drivers of '{figure}' do NOT agree across the independent "
                       f"designs ({tops}): the ranking is not stable; more samples would tell.")
    return out


def _add_break_even(report: Report, rows: list[dict[str, Any]]) -> None:
    """The section of break-even base rates: one row per rule and rate it claims."""
    cells = [(r["rule"], e) for r in rows for e in r.get("rates", [])]
    if not cells:
        return
    sec = report.section("Break-even base rates")
    sec.paragraph("The base rate at which each rule's precision would reach 50%, from the "
                  "runs' precision odds (median over the runs whose precision lay strictly "
                  "between 0 and 1; see docs/metrics.md). Only the rates of the kinds a rule "
                  "claims can move its precision. A share or a daily chance cannot pass 1: "
                  "when the odds would ask for more, no such world makes the rule right half "
                  "the time, and the row says so with the most precision a chance of 1 allows.")
    sec.table(Table(["Rule", "Rate", "Break-even", "Runs"],
                    [[rule, e["setting"], break_even_text(e), str(e["runs"])]
                     for rule, e in cells]))


def break_even_text(entry: dict[str, Any]) -> str:
    """A break-even cell for people: the rate and whether it lies in the range varied, or why
    there is none (never a probability above 1)."""
    status = entry["status"]
    if status == "undefined":
        return "undefined (no run had both a true and a false alert)"
    if status == "unreachable":
        return (f"none: no value up to {entry['bound']:g} makes the rule right half the time "
                f"(at {entry['bound']:g}, precision at most {100 * entry['max_precision']:.0f}%)")
    where = {"within": "within the range varied", "below": "below the range varied",
             "above": "above the range varied"}[status]
    return f"{entry['value']:.3g} ({where})"


def _effect_bar(effect: dict[str, Any], key: str, conf: str) -> Bar:
    """One setting's effect as a dot with its 95% interval (clipped at 0: effects are sizes)."""
    value, half = effect[key], effect.get(conf)
    if half is None or value is None:
        return Bar(effect["setting"], value)
    return Bar(effect["setting"], value, max(0.0, value - half), value + half)


def _sensitivity_answer(figure: str, effects: Sequence[dict[str, Any]], key: str, conf: str,
                        label: str, *, undefined: bool = False) -> str:
    """The plain-language answer: which setting moves the figure most, by how much, and whether
    the design tells it apart from the next one (their intervals do not overlap); a figure
    undefined in every run says so instead of claiming nothing moved it."""
    if undefined:
        return (f"'{figure}' was undefined in every run (nothing to count it from), so the "
                "runs cannot say what moves it.")
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
