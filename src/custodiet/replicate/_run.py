"""Running a replication end to end: simulate, then write figure, results.json and README.md."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from custodiet.errors import UserError
from custodiet.replicate._damour import AGENTS, DYNAMICS, damour_report, run_damour
from custodiet.replicate._ensign import CASES, VARIANTS, ensign_report, run_ensign
from custodiet.replicate._hotspots import (
    HOTSPOT_DEFAULTS,
    hotspots_figure,
    hotspots_readme,
    hotspots_report,
    run_hotspots,
)
from custodiet.replicate._places import (
    PLACE_DEFAULTS,
    PLACE_VARIANTS,
    places_figure,
    places_readme,
    places_report,
    run_places,
)
from custodiet.report import clean
from custodiet.store import check_destination, publish_directory


def _write_results(folder: Path, report: dict[str, Any]) -> None:
    """``results.json``: strict JSON for other programs, a figure with no value (no interval
    from too few cities, say) as null rather than a NaN token."""
    (folder / "results.json").write_text(
        json.dumps(clean(report), indent=2, ensure_ascii=False, allow_nan=False) + "\n",
        encoding="utf-8")


REPLICATIONS = ("ensign2018", "damour2020", "akpinar2021", "ensign2018_city", "hotspots_city")
#: (runs, days) when none are given: the abstract models run fast, the city's refit daily.
DEFAULTS = {"ensign2018": (1000, 1000), "damour2020": (1000, 1000), **PLACE_DEFAULTS,
            "hotspots_city": HOTSPOT_DEFAULTS}


def total_days(name: str, days: int, runs: int = 1) -> int:
    """Simulated days over all settings of a replication (for progress bars)."""
    if name == "ensign2018":
        return days * len(CASES) * len(VARIANTS)
    if name in PLACE_VARIANTS:
        return days * runs * len(PLACE_VARIANTS[name])
    if name == "hotspots_city":  # the world's days: the predictor's are quick beside them
        return days * runs
    return days * len(AGENTS) * len(DYNAMICS)


def replicate(name: str, out: str | Path, *, runs: int, days: int, seed: int,
              force: bool = False, on_day: Callable[[int], None] | None = None) -> Path:
    """Run the named replication and publish its output directory atomically."""
    if name not in REPLICATIONS:
        raise UserError(f"unknown replication {name!r}; choose one of {', '.join(REPLICATIONS)}",
                        field="replication")
    started = time.perf_counter()
    if name == "hotspots_city":
        return _replicate_hotspots(out, runs=runs, days=days, seed=seed, force=force,
                                   on_day=on_day)
    if name in PLACE_VARIANTS:
        return _replicate_places(name, out, runs=runs, days=days, seed=seed, force=force,
                                 on_day=on_day)
    if name == "ensign2018":
        urns = run_ensign(runs=runs, days=days, seed=seed, on_day=on_day)
        report = ensign_report(urns, runs=runs, days=days, seed=seed)
    else:
        attention = run_damour(runs=runs, days=days, seed=seed, on_day=on_day)
        report = damour_report(attention, runs=runs, days=days, seed=seed)
    report["seconds"] = round(time.perf_counter() - started, 3)

    def fill(tmp: Path) -> None:
        from custodiet.replicate._figures import damour_figure, ensign_figure

        if name == "ensign2018":
            figures = ensign_figure(
                urns, [(c.name, c.title) for c in CASES],
                [(v, label) for v, (label, _, _) in VARIANTS.items()], tmp)
        else:
            figures = damour_figure(attention, [(k, a.label) for k, a in AGENTS.items()], tmp)
        report["figures"] = figures
        _write_results(tmp, report)
        text = _ensign_readme(report) if name == "ensign2018" else _damour_readme(report)
        (tmp / "README.md").write_text(text, encoding="utf-8")

    return publish_directory(check_destination(out, force=force), fill)


def _replicate_places(name: str, out: str | Path, *, runs: int, days: int, seed: int,
                      force: bool, on_day: Callable[[int], None] | None) -> Path:
    started = time.perf_counter()
    results = run_places(name, runs=runs, days=days, seed=seed, on_day=on_day)
    report = places_report(name, results, runs=runs, days=days, seed=seed)
    report["seconds"] = round(time.perf_counter() - started, 3)

    def fill(tmp: Path) -> None:
        report["figures"] = places_figure(name, report, tmp)
        _write_results(tmp, report)
        (tmp / "README.md").write_text(places_readme(name, report), encoding="utf-8")

    return publish_directory(check_destination(out, force=force), fill)


def _replicate_hotspots(out: str | Path, *, runs: int, days: int, seed: int, force: bool,
                        on_day: Callable[[int], None] | None) -> Path:
    if days < 2:
        raise UserError("hotspots_city needs at least 2 days (half of them are reports only)",
                        field="days")
    check_destination(out, force=force)
    started = time.perf_counter()
    crimes, runs_by_variant = run_hotspots(runs=runs, days=days, seed=seed, on_day=on_day)
    report = hotspots_report(crimes, runs_by_variant, seed=seed)
    report["seconds"] = round(time.perf_counter() - started, 3)

    def fill(tmp: Path) -> None:
        report["figure_files"] = hotspots_figure(report, tmp)
        _write_results(tmp, report)
        (tmp / "README.md").write_text(hotspots_readme(report), encoding="utf-8")

    return publish_directory(check_destination(out, force=force), fill)


def _ensign_readme(report: dict[str, Any]) -> str:
    s = report["settings"]
    lines = [
        "# Runaway feedback loops (Ensign et al. 2018): replication", "",
        f"Paper: {report['paper']}.", "",
        f"{s['runs']} runs × {s['days']} days, seed {s['seed']}, Poisson updates; decay "
        f"{s['decay']} per ball per day where used. Figure: {', '.join(report['figures'])}.", "",
        "Final share of region A in the urn (mean ± standard error over runs; 5–95% of runs), "
        "beside λA/(λA+λB) and the limit of the paper's model.", "",
        "| case | variant | measured | 5–95% | λA/(λA+λB) | model limit |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for case in report["cases"]:
        for v in case["variants"].values():
            m, lim = v["measured"], v["published"]["limit_of_the_model"]
            lines.append(
                f"| {case['title']} | {v['label']} | {m['mean_final_share']:.3f} ± {m['se']:.3f}"
                f" | {m['q05']:.3f}–{m['q95']:.3f} | {case['true_share']:.3f} | "
                f"{'random' if lim is None else f'{lim:.3f}'} |")
    lines += ["", "What the paper reports, per variant:", ""]
    for v in report["cases"][0]["variants"].values():
        lines.append(f"- {v['label']}: {v['published']['claim']}.")
    lines += ["", "See docs/replications/ensign2018.md for the model and what matched.", ""]
    return "\n".join(lines)


def _damour_readme(report: dict[str, Any]) -> str:
    s = report["settings"]
    lines = [
        "# Attention allocation (D'Amour et al. 2020): replication", "",
        f"Paper: {report['paper']}.", "",
        f"{s['runs']} runs × {s['days']} days, seed {s['seed']}; rates {s['rates']}, "
        f"{s['units']} attention units. Figure: {', '.join(report['figures'])}.", "",
        "Totals per run (mean ± standard error) and Δ (largest gap between sites in "
        "discovered / occurred).", "",
        "| agent | d | discovered | missed | occurred | Δ |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for agent in report["agents"].values():
        for d, m in agent["by_dynamic_factor"].items():
            lines.append(
                f"| {agent['label']} | {d} | {m['discovered']:.0f} ± {m['discovered_se']:.0f} | "
                f"{m['missed']:.0f} ± {m['missed_se']:.0f} | {m['occurred']:.0f} | "
                f"{m['delta']:.3f} |")
    claims = report["measured_claims"]
    lines += ["", "The paper's orderings on these numbers:", ""]
    for d, c in claims["greedy_most_discovered_and_missed"].items():
        lines.append(f"- d = {d}: most discovered {c['most_discovered']}, most missed "
                     f"{c['most_missed']}: {'holds' if c['holds'] else 'does not hold'}.")
    if claims["static_world_alike"] is not None:
        lines.append("- d = 0: every agent faced the same incidents: "
                     f"{'holds' if claims['static_world_alike']['holds'] else 'does not hold'}.")
    lines += ["", "See docs/replications/damour2020.md for the model and what matched.", ""]
    return "\n".join(lines)
