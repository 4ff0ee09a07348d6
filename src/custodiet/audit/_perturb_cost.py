"""What cell-key perturbation costs: the absolute difference between the values an audit
publishes with and without it, over the values both publish."""

from __future__ import annotations

from typing import Any

import numpy as np


def published_pairs(exact: dict[str, Any], noisy: dict[str, Any]
                    ) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Pairs (exact, perturbed) of every count, table rate and sweep rate that both
    ``metrics.json`` contents publish, by kind."""
    out: dict[str, list[tuple[float, float]]] = {"counts": [], "rates": [], "sweep rates": []}
    entries = [(exact["overall"], noisy["overall"])]
    for name, g in exact["groupings"].items():
        other = {tuple(sorted(e["group"].items())): e for e in noisy["groupings"][name]["groups"]}
        entries += [(e, other[k]) for e in g["groups"]
                    if (k := tuple(sorted(e["group"].items()))) in other]
    for a, b in entries:
        for name, v in a["counts"].items():
            if v is not None and b["counts"].get(name) is not None:
                out["counts"].append((v, b["counts"][name]))
        for name, m in a["metrics"].items():
            w = b["metrics"].get(name, {}).get("value")
            if m["value"] is not None and w is not None:
                out["rates"].append((m["value"], w))
    sa, sb = exact.get("threshold_sweep"), noisy.get("threshold_sweep")
    if sa and sb and sa["thresholds"] == sb["thresholds"]:
        curves = [(sa["overall"], sb["overall"])]
        for name, g in sa["groupings"].items():
            other = {tuple(sorted(e["group"].items())): e for e in sb["groupings"][name]}
            curves += [(e, other[k]) for e in g if (k := tuple(sorted(e["group"].items())))
                       in other]
        for a, b in curves:
            for metric in ("flag_rate", "fpr", "fnr"):
                for x, y in zip(a.get(metric, []), b.get(metric, []), strict=True):
                    if x is not None and y is not None:
                        out["sweep rates"].append((x, y))
    return {k: (np.array([p[0] for p in v], float), np.array([p[1] for p in v], float))
            for k, v in out.items()}


def perturbation_cost(exact: dict[str, Any], noisy: dict[str, Any]) -> dict[str, dict[str, float]]:
    """Per kind of value: how many both publish, the mean and the largest absolute error
    (people for counts, proportions for rates)."""
    out = {}
    for kind, (a, b) in published_pairs(exact, noisy).items():
        err = np.abs(b - a)
        out[kind] = {"values": len(a), "mean_abs_error": float(err.mean()) if len(a) else 0.0,
                     "max_abs_error": float(err.max()) if len(a) else 0.0}
    return out
