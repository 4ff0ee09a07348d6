"""Formatting a study's figures for readers: counts with separators, shares as percentages,
an estimate with its interval across seeds."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from custodiet.audit.sim import Spread


def fmt(value: float | None, kind: str) -> str:
    """A headline value for people: counts with separators, shares as percentages."""
    if value is None:
        return "undefined"
    if kind == "share":
        return f"{100 * value:.1f}%"
    if kind == "count":
        return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"
    return f"{value:,.3g}" if abs(value) < 1000 else f"{value:,.0f}"


def suppressed(min_cell: float) -> str:
    """What a value withheld by disclosure control says in place of a number."""
    return f"suppressed (fewer than {min_cell:g} people)"


def fmt_status(value: float | None, kind: str, status: str | None,
               min_cell: float) -> str:
    """:func:`fmt`, but a value withheld by disclosure control says so (and why) instead of
    "undefined", which is kept for a value that has no meaning (a rate of nobody)."""
    if value is None and status == "suppressed":
        return suppressed(min_cell)
    return fmt(value, kind)


def headline_text(entry: Spread | Mapping[str, Any] | None, kind: str) -> str:
    """Mean and, across several seeds, the 95% interval of the mean and the range of the
    single cities (two different things: the second is what one city may look like). A
    mapping (a sweep's point, read from its JSON) is read as a :class:`Spread`."""
    def get(name: str) -> Any:
        if entry is None:
            return None
        return entry.get(name) if isinstance(entry, Mapping) else getattr(entry, name)

    text = fmt(get("mean"), kind)
    if get("low") is not None:
        low, high = get("low"), get("high")
        if kind == "share" and high is not None:  # a t interval can pass 100%; a share cannot
            high = min(high, 1.0)
        if kind == "count":  # an interval of counts in whole numbers
            low, high = float(round(low)), None if high is None else float(round(high))
        if low == high == get("mean") and get("city_min") == get("city_max"):
            return text + " (the same in every city)"
        text += f" (95% interval of the mean {fmt(low, kind)} to {fmt(high, kind)}"
        if get("city_min") is not None:
            text += f"; single cities {fmt(get('city_min'), kind)} to {fmt(get('city_max'), kind)}"
        text += ")"
    return text
