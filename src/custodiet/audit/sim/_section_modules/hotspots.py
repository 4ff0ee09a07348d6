"""A scenario's place-based hot-spot predictor (its ``[hotspots]`` section) as one section: per
seed, the predictor and its twins over the watch run's place-based incidents
(:func:`custodiet.places.seed_hotspots`); pooled over the seeds into one audit with intervals
nested by city then day and the four answers, gated as the person-based systems' are
(:func:`custodiet.places.pool_hotspots`); shown under "Does it work?" with all four answers.
Absent (None) when the scenario has no ``[hotspots]`` section."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from custodiet.audit.sim._row import OPTIONAL, Row
from custodiet.audit.sim._section_module import (
    BURDENS,
    HIDES,
    KNOWABLE,
    WORKS,
    SectionModule,
)

#: The figures shown in the section's table, with their labels.
_SHOWN = {"hit_rate_over_chance": "hit rate over chance",
          "hit_rate_over_oracle": "hit rate over the oracle",
          "recorded_hit_rate_over_true": "hit rate the records show over the true one",
          "patrols_over_crime[migrant enclave]": "migrant enclave: patrol share over "
                                                 "true-crime share",
          "patrols_over_crime[minority enclave]": "minority enclave: patrol share over "
                                                  "true-crime share"}


@dataclass(frozen=True)
class PooledHotspots(Row):
    """The predictor over the seeds: its settings, the incidents counted, what the police
    recorded, every figure (estimate, interval, verdict, sentence) of the system as deployed
    and of its twins, and the four answers."""

    settings: dict[str, Any] = field(default_factory=dict)
    incidents: dict[str, int] = field(default_factory=dict)
    recorded: dict[str, float] = field(default_factory=dict)
    figures: dict[str, Any] = field(default_factory=dict)
    twins: dict[str, Any] = field(default_factory=dict)
    answers: dict[str, str] = field(default_factory=dict)
    stops: dict[str, Any] | None = field(default=None, metadata=OPTIONAL)
    """Where patrols stop people (``stops_per_patrol_day`` above 0): people stopped, the
    innocent among them, true incidents found, innocents stopped per incident found with its
    interval and sentence."""


def _finite(value: Any) -> Any:
    """Plain JSON: a non-finite float (an undefined ratio) as None."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_finite(v) for v in value]
    return value


def _compute(runs: Any, scenario: Any, seed: int) -> Any:
    h = getattr(scenario, "hotspots", None)
    if h is None:
        return None
    from custodiet.places import seed_hotspots

    incidents = runs.watch.execute(
        "SELECT incident_id, kind, t, place FROM incidents ORDER BY incident_id").to_arrow_table()
    places = runs.watch.execute(
        "SELECT place_id, x, y FROM places ORDER BY place_id").to_arrow_table()
    stays = None
    if h.stops_per_patrol_day:
        incidents = runs.watch.execute(
            "SELECT incident_id, kind, t, place, persons, lawful FROM incidents "
            "ORDER BY incident_id").to_arrow_table()
        stays = runs.watch.execute(
            'SELECT person, place, start, "end" FROM stays').to_arrow_table()
    return seed_hotspots(incidents, places, scenario.world, h, seed, stays)


def pool(rows: Sequence[Any]) -> PooledHotspots | None:
    """The seeds' predictors audited together (None when no seed ran one)."""
    if all(r is None for r in rows):
        return None
    from custodiet.places import pool_hotspots

    result = pool_hotspots(rows)
    if result is None:
        return None
    return PooledHotspots(**{k: _finite(result[k]) for k in (
        "settings", "incidents", "recorded", "figures", "twins", "answers")},
                          stops=_finite(result.get("stops")))


def _render(sec: Any, h: PooledHotspots | None) -> None:
    if h is None:
        return
    s = h.settings
    counted = ", ".join(f"{n:,} {k}" for k, n in h.incidents.items())
    sec.heading("The hot-spot predictor")
    sec.paragraph(
        f"A place-based predictor ({s['predictor']}, window {s['window']} days) sent patrols "
        f"to {s['k']} of {s['cells']} cells of about {s['cell_m']:g} m each day for "
        f"{s['system_days']} days after {s['history_days']} days of reports, in "
        f"{s['cities']} {'city' if s['cities'] == 1 else 'cities'}, over the world's own "
        f"burglaries, thefts and drug deals ({counted}); "
        f"patrols recorded {s['discovery']:.0%} of the unreported incidents of their cells; "
        f"the predictor was fed {_fed(s['correction'])}.")
    sec.facts([(question, h.answers[key]) for question, key in (
        (WORKS, "works"), (BURDENS, "burdens"), (HIDES, "hides"), (KNOWABLE, "knowable"))
        if key in h.answers])
    rows = [[label, f["estimate"], f["low"], f["high"], f["sentence"]]
            for name, label in _SHOWN.items() if (f := h.figures.get(name)) is not None]
    if rows:
        sec.rows(["Figure", "Estimate", "95% low", "95% high", "Verdict"], rows,
                 kinds=["text", "number", "number", "number", "text"],
                 caption="The hot-spot predictor's figures (ratios; 1 = no difference), "
                         "intervals from a bootstrap nested by city, then day")


def _fed(correction: str) -> str:
    return {"none": "every record", "reported": "reports only",
            "rescaled": "reports over the reporting rate",
            "weighted": "reports and discoveries over the chance of a patrol"}.get(
                correction, correction)


SECTION = SectionModule("hotspots", WORKS, "the place-based hot-spot predictor of a "
                        "[hotspots] section: patrols against true crime, with the four answers",
                        _compute, pool, PooledHotspots, _render)
