"""The outputs of a sensitivity design, read from each run's audit, and their combination over
independent designs: effects averaged, intervals widened to cover every design, and whether the
top two drivers agree from one design to the next."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

__all__ = ["STABILITY_OUTPUTS", "combine", "output_values", "stability"]

#: The outputs whose top two drivers are compared across designs.
STABILITY_OUTPUTS: tuple[str, ...] = ("precision", "innocents_per_true_alert")
#: Per-system figures analysed beside the headline ones (``precision:SYSTEM``, ...).
SYSTEM_FIGURES: tuple[str, ...] = ("precision", "innocents_flagged")


def _number(value: Any) -> float:
    return np.nan if value is None else float(value)


def output_values(audits: Sequence[Any], names: Sequence[str]) -> dict[str, np.ndarray]:
    """Per output, one value per run (NaN where undefined): the headline figures ``names`` and,
    for each system of the scenario, its precision and innocents flagged."""
    out = {n: np.array([_number(a.headline.get(n)) for a in audits]) for n in names}
    systems = sorted({s.system for a in audits for s in (a.systems or [])})
    for system in systems:
        for fig in SYSTEM_FIGURES:
            out[f"{fig}:{system}"] = np.array([
                _number(next((getattr(s, fig) for s in (a.systems or [])
                              if s.system == system), None)) for a in audits])
    return out


def combine(reps: Sequence[dict[str, Any]], key: str) -> dict[str, Any]:
    """Per output, each setting's effect averaged over the designs; its interval is the larger
    of SALib's (averaged) and the distance to the farthest design's value, so that it covers
    every design, cities included. ``undefined`` when no run of any design had the figure."""
    conf = f"{key}_conf"
    out = {}
    for name in reps[0]:
        per = [r[name] for r in reps]
        defined = sum(p["defined_runs"] for p in per)
        rows = []
        for j, first in enumerate(per[0]["effects"]):
            vals = np.array([p["effects"][j][key] for p in per], float)
            mean = float(vals.mean())
            row = {k: float(np.mean([p["effects"][j][k] for p in per])) for k in first
                   if k != "setting"}
            row.update(setting=first["setting"], **{key: mean})
            row[conf] = float(max(row.get(conf, 0.0), np.abs(vals - mean).max()))
            row["per_design"] = vals.tolist()
            rows.append(row)
        out[name] = {"values": [v for p in per for v in p["values"]], "defined_runs": defined,
                     "undefined": defined == 0,
                     "effects": sorted(rows, key=lambda e: -e[key])}
    return out


def _top_two(effects: list[dict[str, Any]], key: str) -> list[str]:
    ranked = sorted(effects, key=lambda e: -e[key])
    return [e["setting"] for e in ranked[:2] if e[key] > 0]


def stability(reps: Sequence[dict[str, Any]], key: str) -> dict[str, Any]:
    """For precision and innocents per true alert: the top two settings of each design, and
    whether they are the same two (``agree``; ``same_order`` too) in every design. Not checked
    with one design; ``undefined`` when the figure was undefined in every run, ``unmoved`` when
    no setting moved it in any design."""
    out: dict[str, Any] = {}
    for name in STABILITY_OUTPUTS:
        if name not in reps[0]:
            continue
        if all(r[name]["defined_runs"] == 0 for r in reps):
            out[name] = {"status": "undefined"}
            continue
        tops = [_top_two(r[name]["effects"], key) for r in reps]
        if not any(tops):
            out[name] = {"status": "unmoved", "top_two": tops}
            continue
        if len(reps) < 2:
            out[name] = {"status": "not checked", "top_two": tops}
            continue
        agree = all(set(t) == set(tops[0]) and len(t) == 2 for t in tops)
        out[name] = {"status": "agree" if agree else "disagree", "top_two": tops,
                     "same_order": agree and all(t == tops[0] for t in tops)}
    return out
