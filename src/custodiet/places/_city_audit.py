"""The audit of the hot-spot predictor over the city's own crime, with its twins.

One function, :func:`audit_city`, takes one or more run directories (or their incidents as
Arrow, through :class:`CityCrime`), runs the predictor over each city's place-based incidents
and returns the package's audit (:func:`._audit.audit`: patrol share over true-crime share per
district, enclave and half, its growth over the run, hit rate against chance and the oracle,
with intervals nested by city then day and verdict sentences) for the system as deployed and
for two twins over the same incidents and reports: one counting only what victims reported
(Ensign et al.'s remedy) and one whose patrols discover nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from custodiet.places._audit import audit
from custodiet.places._city import (
    CITY_KINDS,
    CityCrime,
    CitySettings,
    crime_of_store,
    run_in_city,
)
from custodiet.places._city_answers import city_answers, recorded_shares, records_over_truth
from custodiet.places._patrol import PatrolRun

#: The system as deployed and its twins over the same incidents and reports.
TWINS = {"reported_only": {"correction": "reported"}, "no_discovery": {"discovery": 0.0}}

Source = str | Path | CityCrime


def _crimes(sources: Source | Sequence[Source]) -> list[CityCrime]:
    if isinstance(sources, str | Path | CityCrime):
        sources = [sources]
    crimes = [s if isinstance(s, CityCrime) else crime_of_store(s) for s in sources]
    if not crimes:
        raise ValueError("audit_city needs at least one run")
    if len({(c.world.people, c.world.days, c.world.geography.districts_per_side)
            for c in crimes}) > 1:
        raise ValueError("the runs audited together must have the same size, days and districts")
    return crimes


def city_runs(crimes: list[CityCrime], settings: CitySettings) -> dict[str, list[PatrolRun]]:
    """Each city under the system as deployed (``deployed``) and under each twin."""
    out = {"deployed": [run_in_city(c, settings) for c in crimes]}
    for name, change in TWINS.items():
        out[name] = [run_in_city(c, settings.variant(**change)) for c in crimes]
    return out


def audit_city(sources: Source | Sequence[Source], settings: CitySettings | None = None, *,
               replicates: int = 2000, seed: int = 0) -> dict[str, Any]:
    """The audit of the hot-spot predictor over the place-based incidents of one or more runs
    (one city each), as a JSON-ready dictionary: the settings, the incidents counted, the
    figures of the system as deployed and of its twins."""
    settings = CitySettings() if settings is None else settings
    crimes = _crimes(sources)
    runs = city_runs(crimes, settings)
    return audit_of_runs(crimes, runs, settings, replicates=replicates, seed=seed)


def audit_of_runs(crimes: list[CityCrime], runs: dict[str, list[PatrolRun]],
                  settings: CitySettings, *, replicates: int = 2000,
                  seed: int = 0) -> dict[str, Any]:
    """:func:`audit_city` once the runs are made: the figures, the twins' figures and the four
    answers (:func:`custodiet.places.city_answers`)."""
    deployed = runs["deployed"]
    cfg = deployed[0].config
    span = max(1, cfg.days // 2)
    figures = audit(deployed, replicates=replicates, seed=seed, span=span)
    for f in (records_over_truth(deployed, replicates=replicates, seed=seed),
              *recorded_shares(deployed, replicates=replicates, seed=seed).values()):
        figures[f.name] = f.as_dict()
    counts = np.sum([np.bincount(c.kind, minlength=len(CITY_KINDS)) for c in crimes], axis=0)
    result = {
        "settings": {
            "cities": len(crimes), "seeds": [c.seed for c in crimes],
            "people": crimes[0].world.people, "days": crimes[0].world.days,
            "history_days": cfg.history_days, "system_days": cfg.days,
            "cells": cfg.grid.n_cells, "cell_m": round(cfg.grid.cell_m, 1), "k": cfg.k,
            "predictor": cfg.predictor, "window": cfg.window, "correction": cfg.correction,
            "discovery": cfg.discovery, "random_share": cfg.random_share,
            "reporting": list(settings.reporting),
            "kind_reporting": dict(settings.kind_reporting), "growth_span_days": span,
        },
        "incidents": {k: int(n) for k, n in zip(CITY_KINDS, counts, strict=True)},
        "recorded": _recorded(deployed),
        "figures": figures,
        "twins": {name: audit(twin, replicates=replicates, seed=seed, span=span)
                  for name, twin in runs.items() if name != "deployed"},
    }
    result["answers"] = city_answers(result)
    return result


def _recorded(runs: list[PatrolRun]) -> dict[str, float]:
    """Totals over the system's days: true, reported and discovered incidents."""
    return {"true": float(sum(r.true.sum() for r in runs)),
            "reported": float(sum(r.reported.sum() for r in runs)),
            "discovered": float(sum(r.discovered.sum() for r in runs))}
