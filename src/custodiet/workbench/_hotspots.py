"""The workbench's card for a scenario's hot-spot predictor (its ``[hotspots]`` section): the
predictor's blanks (k, cell size, window, discovery share), each edit validated by the
scenario loader and answered by running the predictor over the city's own place-based
incidents (the cached no-response run), with the figures before and after the change.

The answer: the hit rate (true incidents in patrolled cells) against chance and the oracle,
and each enclave's share of the patrols against its share of the true crime, each ratio with
its interval and the gated sentence of :func:`custodiet.places.audit` (one city: intervals
from its days).
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from custodiet.errors import UserError

#: The card's blanks: (field of ``[hotspots]``, label, kind of input).
BLANKS: tuple[tuple[str, str, str], ...] = (
    ("k", "Cells patrolled a day (empty: a share of the cells)", "integer"),
    ("cell_m", "Cell side (metres)", "number"),
    ("window", "Days of records the predictor fits", "integer"),
    ("discovery", "Share of unreported incidents a patrol records", "number"),
)
#: Bootstrap replicates of the card's intervals (one city: fewer than a study's, for speed).
REPLICATES = 500


@dataclass
class HotspotCard:
    """The predictor being edited: its last valid section, the values as typed, errors by
    field, the answer to the last valid section and, after a change, the answer before it."""

    hotspots: Any
    values: dict[str, Any]
    errors: dict[str, str] = field(default_factory=dict)
    answer: dict[str, Any] | None = None
    before: dict[str, Any] | None = None
    changed: list[tuple[str, Any, Any]] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def blanks(self) -> list[tuple[str, str, str, Any]]:
        """(field, label, kind, value as typed) of each blank, for the form."""
        return [(name, label, kind, self.values.get(name)) for name, label, kind in BLANKS]

    @property
    def rows(self) -> list[tuple[str, str, str]]:
        """The before-and-after table's rows (none until a blank changed)."""
        if not (self.before and self.answer and self.changed):
            return []
        return compared(self.before, self.answer)


def _shown(h: Any) -> dict[str, Any]:
    return {name: getattr(h, name) for name, _, _ in BLANKS}


def hotspot_card(scenario: Any) -> HotspotCard | None:
    """The card of ``scenario``'s ``[hotspots]`` section (None without one)."""
    h = scenario.hotspots
    return None if h is None else HotspotCard(h, _shown(h))


def hotspot_answer(city: Any, scenario: Any) -> dict[str, Any]:
    """The predictor of ``scenario`` over ``city``'s place-based incidents: its settings, the
    hit rate against chance and the oracle, and each enclave's patrol and true-crime shares."""
    from custodiet.places import (
        areas,
        audit_over_policing,
        crime_of_tables,
        hit_rates,
        run_in_city,
        scenario_settings,
    )

    crime = crime_of_tables(city.incidents, city.static["places"], scenario.world,
                            scenario.seed)
    run = run_in_city(crime, scenario_settings(scenario.hotspots, scenario.world))
    chance, oracle = hit_rates([run], replicates=REPLICATES, seed=scenario.seed)
    patrols, true = float(run.patrolled.sum()), float(run.true.sum())
    enclaves = []
    for area, cells in areas([run]).items():
        if area.endswith("enclave"):
            ratio = audit_over_policing([run], cells, area, replicates=REPLICATES,
                                        seed=scenario.seed)
            enclaves.append({
                "area": area,
                "patrol_share": float(run.patrolled[:, cells].sum()) / patrols if patrols
                else None,
                "crime_share": float(run.true[:, cells].sum()) / true if true else None,
                "ratio": ratio.as_dict()})
    cfg = run.config
    return {"cells": cfg.grid.n_cells, "cell_m": cfg.grid.cell_m, "k": cfg.k,
            "system_days": cfg.days, "incidents": int(crime.kind.size), "true": true,
            "hits": float((run.true * run.patrolled).sum()),
            "hit_rate_over_chance": chance.as_dict(), "hit_rate_over_oracle": oracle.as_dict(),
            "enclaves": enclaves}


def answer(bench: Any) -> HotspotCard:
    """Compute (or recompute) the bench's predictor card for its current scenario."""
    with bench.lock:
        card = bench.hotspot
        started = time.perf_counter()
        card.answer = hotspot_answer(bench.city, bench.scenario)
        card.seconds = time.perf_counter() - started
        return card


def edit(bench: Any, form: Sequence[tuple[str, str]]) -> HotspotCard:
    """Apply a submitted predictor card: validate the whole scenario with the new blanks (an
    error is kept by field, with the last valid section kept); otherwise answer it, keeping
    the previous answer as *before* when a blank changed."""
    from custodiet.workbench._scenarios import validate

    with bench.lock:
        card = bench.hotspot
        typed = {k: v.strip() for k, v in form if k in {name for name, _, _ in BLANKS}}
        card.values = {**card.values, **typed}
        data = bench.scenario.model_dump(mode="json")
        section = dict(data["hotspots"])
        section.update({k: (None if k == "k" and v == "" else v) for k, v in typed.items()})
        data["hotspots"] = section
        try:
            scenario = validate(data)
        except UserError as err:
            name = (err.field or "").removeprefix("hotspots.")
            card.errors = {name if name in card.values else "": err.message}
            return card
        card.errors = {}
        old, new = _shown(card.hotspots), _shown(scenario.hotspots)
        changed = [(k, old[k], new[k]) for k in new if old[k] != new[k]]
        card.hotspots = scenario.hotspots
        card.values = new
        bench.base = bench.base.model_copy(update={"hotspots": scenario.hotspots})
        bench.scenario = scenario
        if changed:
            card.before, card.changed = card.answer, changed
            answer(bench)
        return card


def compared(before: dict[str, Any], after: dict[str, Any]) -> list[tuple[str, str, str]]:
    """Rows (figure, before, after) of the card's comparison table."""
    def ratio(f: dict[str, Any]) -> str:
        return str(f["quoted"])

    rows = [("Cells patrolled a day", f"{before['k']} of {before['cells']}",
             f"{after['k']} of {after['cells']}"),
            ("Hit rate over chance", ratio(before["hit_rate_over_chance"]),
             ratio(after["hit_rate_over_chance"])),
            ("Hit rate over the oracle", ratio(before["hit_rate_over_oracle"]),
             ratio(after["hit_rate_over_oracle"]))]
    old = {e["area"]: e for e in before["enclaves"]}
    for e in after["enclaves"]:
        b = old.get(e["area"])
        if b is not None:
            rows.append((f"{e['area']}: patrol share over true-crime share", ratio(b["ratio"]),
                         ratio(e["ratio"])))
    return rows
