"""Break-even base rates of a sensitivity design: per rule, the value of each varied rate of a
kind the rule claims at which its precision would reach 50%, or, when no valid value of the
rate can bring it there, that plain fact and the best precision any valid value allows.

For fixed rules, precision's odds p / (1 − p) grow in proportion to the base rate of what they
look for (Bayes: posterior odds = likelihood ratio × prior odds, and prior odds are close to the
rate when it is small), so a run at rate r with precision p puts the break-even rate at
r (1 − p) / p; the figure is the median over the runs where the rule had a true alert and a
false one. A probability cannot pass 1: when the median asks for more, the rule is not right
half the time at any probability, and at the highest, 1, its precision would be at most
1 / (1 + median) (the proportion is an upper bound: a daily chance saturates, a count does not).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import annotated_types
import numpy as np
from pydantic import BaseModel

from custodiet.scenario import Scenario
from custodiet.schema import INCIDENT_TABLE

__all__ = ["break_even", "precision_at", "setting_upper_bound"]


def setting_upper_bound(path: str, model: type[BaseModel] = Scenario) -> float | None:
    """The largest value a ``world.*`` setting may take (1 for a share or a daily chance), or
    None when it is unbounded or not a field of a model (a rule's setting, a dict entry)."""
    head, _, rest = path.partition(".")
    field = model.model_fields.get(head)
    if field is None:
        return None
    if rest:
        sub = field.annotation
        if isinstance(sub, type) and issubclass(sub, BaseModel):
            return setting_upper_bound(rest, sub)
        return None
    bounds = [m.le for m in field.metadata if isinstance(m, annotated_types.Le)]
    return float(min(bounds)) if bounds else None


def precision_at(precision: float, factor: float) -> float:
    """The precision of the same rules in a world where what they look for is ``factor`` times
    as common: the odds p / (1 − p) times ``factor`` (Bayes' rule, the rate small), so
    ``factor × p / (1 − p + factor × p)``. The inverse of the break-even reading above."""
    if not 0.0 <= precision <= 1.0 or factor <= 0:
        raise ValueError(f"precision in [0, 1] and factor > 0, got {precision}, {factor}")
    return factor * precision / (1.0 - precision + factor * precision)


def _kinds_of(path: str) -> set[str]:
    """The incident kinds a ``world.*`` rate sets (``schema.INCIDENT_TABLE``'s ``removed_by``)."""
    return {k.kind for k in INCIDENT_TABLE if path.removeprefix("world.") in k.removed_by}


def rate_entry(path: str, low: float, high: float, estimates: Sequence[float]) -> dict[str, Any]:
    """One rule × rate cell: the median estimate when a valid value gives it, else why not.

    ``status``: ``undefined`` (no run had a precision strictly between 0 and 1), ``within``
    (inside the range varied), ``below``/``above`` (outside it, extrapolated), or
    ``unreachable`` (a bounded setting would have to pass its bound: ``value`` is None and
    ``max_precision`` is the most precision the bound allows)."""
    entry: dict[str, Any] = {"setting": path, "value": None, "runs": len(estimates),
                             "status": "undefined"}
    if not estimates:
        return entry
    median = float(np.median(estimates))
    bound = setting_upper_bound(path)
    if bound is not None and median > bound:
        entry.update(status="unreachable", bound=bound,
                     max_precision=bound / (bound + median))
        return entry
    entry.update(value=median,
                 status="below" if median < low else "above" if median > high else "within")
    return entry


def break_even(varied: Sequence[Any], xs: np.ndarray, audits: Sequence[Any],
               claims: dict[str, list[str]]) -> list[dict[str, Any]]:
    """Per rule, for each varied rate of a kind the rule claims, its :func:`rate_entry` from the
    runs whose precision p lies strictly between 0 and 1 (at 0 or 1 the odds say nothing). A
    rate of a kind the rule does not claim cannot move its precision by Bayes' rule, so it gets
    no entry."""
    rates = [(j, v, _kinds_of(v.path)) for j, v in enumerate(varied)]
    out = []
    for rule in sorted({r.rule for a in audits for r in a.rules}):
        entries = []
        for j, v, kinds in rates:
            if not kinds & set(claims.get(rule, ())):
                continue
            est = [xs[i, j] * (1 - r.precision) / r.precision
                   for i, a in enumerate(audits) for r in a.rules
                   if r.rule == rule and r.precision is not None and 0 < r.precision < 1]
            entries.append(rate_entry(v.path, v.low, v.high, est))
        out.append({"rule": rule, "rates": entries})
    return out

