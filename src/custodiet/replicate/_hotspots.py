"""``hotspots_city``: the hot-spot predictor over the synthetic city's own crime, with the four
questions answered.

The reporting says China's systems are "partly based on data-driven policing software from the
United States and Europe, technology that rights groups say has encoded racism into decisions
like which neighborhoods are most heavily policed" (:data:`REPORTING`). This runs the family
of that software (a self-exciting hot-spot predictor, Mohler et al. 2015) over the place-based
incidents of ``runs`` synthetic cities (the world's burglaries, pickpockets' thefts and drug
deals), sends patrols to its top cells, feeds back what they discover, and audits where the
patrols went against where the crime was (:func:`custodiet.places.audit_city`).

It is not a replication of a published figure; it lives beside them because it runs the same
way (cities, days, a seed, an output directory with ``results.json``, a figure and a README).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa

from custodiet.places import (
    CityCrime,
    CitySettings,
    areas,
    audit_of_runs,
    city_runs,
    crime_of_tables,
)
from custodiet.scenario import WorldConfig

#: The sentence of the reporting this run answers (The New York Times, "'An Invisible Cage':
#: How China Is Policing the Future", 25 June 2022; not yet an entry of the source list).
REPORTING = ("China's systems are \"partly based on data-driven policing software from the "
             "United States and Europe, technology that rights groups say has encoded racism "
             "into decisions like which neighborhoods are most heavily policed\" (The New York "
             "Times, \"'An Invisible Cage': How China Is Policing the Future\", 25 June 2022)")
#: Residents of each city (the world's default size: about 3.5 km a side, 256 cells of 221 m).
HOTSPOT_PEOPLE = 100_000
#: (cities, days) when the command line gives none: half the days are reports only.
HOTSPOT_DEFAULTS = (3, 28)


def city_crime(world: WorldConfig, seed: int,
               on_day: Callable[[int], None] | None = None) -> CityCrime:
    """Simulate one city (no watch) and keep its place-based incidents."""
    from custodiet.world import World

    city = World(world, seed)
    places = city.static_tables()["places"]
    days = []
    while not city.finished:
        days.append(city.step()["incidents"])
        if on_day is not None:
            on_day(len(days) - 1)
    return crime_of_tables(pa.concat_tables(days), places, world, seed)


def run_hotspots(*, runs: int, days: int, seed: int, people: int = HOTSPOT_PEOPLE,
                 on_day: Callable[[int], None] | None = None) -> tuple[list[CityCrime], dict]:
    """``runs`` cities of ``people`` over ``days`` days, and the predictor over each."""
    world = WorldConfig.model_validate({"people": people, "days": days})
    crimes = [city_crime(world, seed * 10_000 + i, on_day) for i in range(runs)]
    return crimes, city_runs(crimes, CitySettings())


def hotspots_report(crimes: list[CityCrime], runs: dict, *, seed: int,
                    replicates: int = 2000) -> dict[str, Any]:
    """results.json content: the audit of the system and its twins, and the four answers."""
    result = audit_of_runs(crimes, runs, CitySettings(), replicates=replicates, seed=seed)
    deployed = runs["deployed"]
    shares = {}
    for area, cells in areas(deployed).items():
        patrols = sum(float(r.patrolled[:, cells].sum()) for r in deployed)
        crime = sum(float(r.true[:, cells].sum()) for r in deployed)
        shares[area] = {
            "patrol_share": patrols / max(sum(float(r.patrolled.sum()) for r in deployed), 1),
            "true_crime_share": crime / max(sum(float(r.true.sum()) for r in deployed), 1)}
    return {"replication": "hotspots_city", "reporting": REPORTING, "shares": shares,
            **result}


def hotspots_figure(report: dict[str, Any], out_dir: Path) -> list[str]:
    """Each district's share of patrol-days beside its share of true crime."""
    from custodiet.replicate._figures import OKABE_ITO, _pyplot, _save

    plt = _pyplot()
    districts = [a for a in report["shares"] if a.startswith("district ")]
    x = np.arange(len(districts))
    fig, ax = plt.subplots(figsize=(6.4, 3.0))
    ax.bar(x - 0.2, [report["shares"][d]["patrol_share"] for d in districts], 0.4,
           color=OKABE_ITO[0], label="share of patrol-days")
    ax.bar(x + 0.2, [report["shares"][d]["true_crime_share"] for d in districts], 0.4,
           color="#999999", label="share of true crime")
    ax.set_xticks(x, [d.removeprefix("district ") for d in districts])
    ax.set_xlabel("district (the last two: migrant and minority enclaves)")
    ax.set_ylabel("share")
    ax.legend(frameon=False)
    names = _save(fig, out_dir, "hotspots_city")
    plt.close(fig)
    return names


def hotspots_readme(report: dict[str, Any]) -> str:
    """README.md: what was run, and the four answers."""
    s = report["settings"]
    inc = ", ".join(f"{k} {n:,}" for k, n in report["incidents"].items())
    titles = {"works": "Does it work?", "burdens": "Whom does it burden?",
              "hides": "What does the red list hide?", "knowable": "Can anyone know?"}
    lines = ["# Hot spots in the city's own crime", "", f"The reporting: {report['reporting']}.",
             "", f"{s['cities']} cities of {s['people']:,} people × {s['days']} days (seeds "
             f"{s['seeds']}); place-based incidents: {inc}. {s['cells']} cells of "
             f"{s['cell_m']:.0f} m; {s['history_days']} days of reports, then {s['system_days']} "
             f"days of patrols to the top k = {s['k']} cells of the {s['predictor']} predictor; "
             f"reporting {s['reporting']} (by kind {s['kind_reporting']}), discovery "
             f"{s['discovery']}. Figure: {', '.join(report.get('figure_files', []))}.", "",
             "Intervals: 95%, bootstrap nested by city then day; a verdict only where the "
             "interval decides it.", ""]
    for key, title in titles.items():
        lines += [f"## {title}", "", report["answers"][key], ""]
    lines += ["See docs/replications/hotspots_city.md for the model and its assumptions.", ""]
    return "\n".join(lines)
