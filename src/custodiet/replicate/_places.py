"""Published place-based results reproduced in the city's grid.

- ``akpinar2021``: differential victim reporting (Akpinar, De-Arteaga & Chouldechova, FAccT
  2021): equal true crime in both halves of the city, reporting 0.3 (west) and 0.7 (east); the
  self-exciting hot-spot predictor moves hot spots to the high-reporting half, and rescaling
  the reported counts by the reporting rate puts them back.
- ``ensign2018_city``: the runaway feedback loop of Ensign et al. (FAT* 2018) with hot spots
  instead of an urn: patrols discover unreported crime where they go, the discoveries are fed
  back, and the favoured district's share of patrols grows while its share of crime does not;
  counting only reported incidents (the paper's first remedy) stops it, and so does its
  second: a share of the patrols sent at random and each discovery weighted by the inverse of
  its cell's chance of a patrol (``weighted``).

Each setting runs in ``runs`` cities (seeds); figures carry intervals from the bootstrap nested
by city then day, and verdicts only where the interval decides.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from custodiet.places import (
    PatrolRun,
    audit,
    audit_growth,
    audit_over_policing,
    city_grid,
    differential_reporting,
    discovery_feedback,
    run_cities,
)

AKPINAR = ("Akpinar, De-Arteaga, Chouldechova, \"The effect of differential victim crime "
           "reporting on predictive policing systems\", FAccT 2021 (arXiv:2102.00128)")
ENSIGN = ("Ensign, Friedler, Neville, Scheidegger, Venkatasubramanian, \"Runaway Feedback "
          "Loops in Predictive Policing\", FAT* 2018")
PLACE_VARIANTS = {"akpinar2021": ("none", "rescaled"),
                  "ensign2018_city": ("none", "reported", "weighted")}
#: Share of the k patrols sent to cells at random in the ``weighted`` variant of
#: ``ensign2018_city`` (assumption: the paper gives no share; a quarter, as in the test of the
#: remedy, keeps three quarters of the patrols on the predictor's top cells).
WEIGHTED_RANDOM_SHARE = 0.25
#: Cities and days when the command line gives none (the urn replications' 1,000 × 1,000 would
#: take hours here: every day refits the predictor).
PLACE_DEFAULTS = {"akpinar2021": (20, 10), "ensign2018_city": (20, 60)}


def run_places(name: str, *, runs: int, days: int, seed: int,
               on_day: Callable[[int], None] | None = None) -> dict[str, list[PatrolRun]]:
    """Every variant of one place-based replication in ``runs`` cities."""
    g = city_grid() if name == "akpinar2021" else city_grid(districts_per_side=2)
    seeds = [seed * 10_000 + i for i in range(runs)]
    out = {}
    for correction in PLACE_VARIANTS[name]:
        if name == "akpinar2021":
            # Each city draws its own (mirrored) backgrounds, keyed by its seed.
            out[correction] = [run_cities(differential_reporting(
                g, days=days, seed=s, correction=correction), [s], on_day)[0] for s in seeds]
        else:
            share = WEIGHTED_RANDOM_SHARE if correction == "weighted" else 0.0
            out[correction] = run_cities(discovery_feedback(g, days=days,
                                                            correction=correction,
                                                            random_share=share),
                                         seeds, on_day)
    return out


def places_report(name: str, results: dict[str, list[PatrolRun]], *, runs: int, days: int,
                  seed: int, replicates: int = 2000) -> dict[str, Any]:
    """results.json content for one place-based replication."""
    g = results[next(iter(results))][0].config.grid
    variants: dict[str, Any] = {}
    for correction, cities in results.items():
        if name == "akpinar2021":
            figure = audit_over_policing(cities, g.east, "the east half (reporting 0.7)",
                                         replicates=replicates, seed=seed)
            share = _shares(cities, g.east)
            variants[correction] = {"hot_spot_share_over_crime_share": figure.as_dict(),
                                    **share}
        else:
            cells = g.district == 0
            patrols, crime = audit_growth(cities, cells, "the favoured district",
                                          replicates=replicates, seed=seed)
            variants[correction] = {
                "random_share": cities[0].config.random_share,
                "patrol_share_growth": patrols.as_dict(),
                "crime_share_growth": crime.as_dict(),
                "daily_patrol_share": _daily(cities, cells, patrols=True),
                "daily_crime_share": _daily(cities, cells, patrols=False),
            }
        variants[correction]["audit"] = audit(cities, replicates=replicates, seed=seed)
    cfg = results[next(iter(results))][0].config
    return {
        "replication": name, "paper": AKPINAR if name == "akpinar2021" else ENSIGN,
        "settings": {"runs": runs, "days": days, "seed": seed, "cells": g.n_cells,
                     "cell_m": g.cell_m, "k": cfg.k, "predictor": cfg.predictor,
                     "window": cfg.window, "history_days": cfg.history_days,
                     "theta": cfg.theta, "omega": cfg.omega, "discovery": cfg.discovery,
                     "reporting": np.unique(cfg.reporting).tolist()},
        "variants": variants,
    }


def _shares(cities: list[PatrolRun], cells: np.ndarray) -> dict[str, float]:
    patrols = sum(float(r.patrolled[:, cells].sum()) for r in cities) / \
        sum(float(r.patrolled.sum()) for r in cities)
    crime = sum(float(r.true[:, cells].sum()) for r in cities) / \
        sum(float(r.true.sum()) for r in cities)
    return {"hot_spot_share": patrols, "true_crime_share": crime}


def _daily(cities: list[PatrolRun], cells: np.ndarray, *, patrols: bool) -> list[float]:
    """The area's share per day, pooled over the cities."""
    if patrols:
        num = sum(r.patrolled[:, cells].sum(axis=1) for r in cities)
        den = sum(r.patrolled.sum(axis=1) for r in cities)
    else:
        num = sum(r.true[:, cells].sum(axis=1) for r in cities)
        den = sum(r.true.sum(axis=1) for r in cities)
    return [round(float(x), 5) for x in np.asarray(num) / np.maximum(np.asarray(den), 1)]


def places_figure(name: str, report: dict[str, Any], out_dir: Path) -> list[str]:
    """Akpinar: the east half's hot-spot share beside its true-crime share, per variant;
    Ensign in the city: the favoured district's daily patrol and crime shares."""
    from custodiet.replicate._figures import OKABE_ITO, _pyplot, _save

    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(5.2, 3.0))
    labels = {"none": "as recorded", "rescaled": "rescaled by reporting rate",
              "reported": "reported only",
              "weighted": f"weighted, {WEIGHTED_RANDOM_SHARE:.0%} random patrols"}
    for i, (variant, v) in enumerate(report["variants"].items()):
        colour = OKABE_ITO[i]
        if name == "akpinar2021":
            ax.bar(i - 0.2, v["hot_spot_share"], 0.4, color=colour,
                   label="hot-spot share" if i == 0 else None)
            ax.bar(i + 0.2, v["true_crime_share"], 0.4, color="#999999",
                   label="true-crime share" if i == 0 else None)
        else:
            ax.plot(v["daily_patrol_share"], color=colour,
                    label=f"patrol share, {labels[variant]}")
            if i == 0:  # the twins share their crime: one line
                ax.plot(v["daily_crime_share"], color="#555555", linestyle=":",
                        label="true-crime share (both)")
    if name == "akpinar2021":
        ax.set_xticks(range(len(report["variants"])),
                      [labels[v] for v in report["variants"]])
        ax.set_ylabel("share in the east half (reporting 0.7)")
        ax.axhline(0.5, color="#555555", linewidth=0.8)
    else:
        ax.set_xlabel("day of the system")
        ax.set_ylabel("share in the favoured district")
    ax.legend(frameon=False, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    stem = name
    names = _save(fig, out_dir, stem)
    plt.close(fig)
    return names


def places_readme(name: str, report: dict[str, Any]) -> str:
    """README.md of a place-based replication: the settings and each variant's verdict."""
    s = report["settings"]
    title = ("Differential victim reporting (Akpinar et al. 2021)" if name == "akpinar2021"
             else "Runaway feedback with hot spots (Ensign et al. 2018, in the city)")
    lines = [f"# {title}: replication in the city", "", f"Paper: {report['paper']}.", "",
             f"{s['runs']} cities × {s['days']} days, seed {s['seed']}; {s['cells']} cells of "
             f"{s['cell_m']:.0f} m, k = {s['k']} hot spots, predictor {s['predictor']} "
             f"(window {s['window']} days), reporting {s['reporting']}, discovery "
             f"{s['discovery']}. Figure: {', '.join(report.get('figures', []))}.", "",
             "Intervals: 95%, bootstrap nested by city then day.", ""]
    for variant, v in report["variants"].items():
        lines.append(f"## {variant}")
        lines.append("")
        for key, figure in v.items():
            if isinstance(figure, dict) and "sentence" in figure:
                lines.append(f"- {key}: {figure['sentence']}.")
            elif isinstance(figure, float):
                lines.append(f"- {key}: {figure:.3f}")
        lines.append("")
    lines += [f"See docs/replications/{name}.md for the model and what matched.", ""]
    return "\n".join(lines)
