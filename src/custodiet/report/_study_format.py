"""Formatting a study's figures for readers: counts with separators, shares as percentages,
an estimate with its interval across seeds."""

from __future__ import annotations

from typing import Any


def fmt(value: float | None, kind: str) -> str:
    """A headline value for people: counts with separators, shares as percentages."""
    if value is None:
        return "undefined"
    if kind == "share":
        return f"{100 * value:.1f}%"
    if kind == "count":
        return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"
    return f"{value:,.3g}" if abs(value) < 1000 else f"{value:,.0f}"


def headline_text(entry: dict[str, Any], kind: str) -> str:
    """Mean and, across several seeds, the 95% interval of the mean and the range of the
    single cities (two different things: the second is what one city may look like)."""
    text = fmt(entry.get("mean"), kind)
    if entry.get("low") is not None:
        text += (f" (95% interval of the mean {fmt(entry['low'], kind)} to "
                 f"{fmt(entry['high'], kind)}")
        if entry.get("city_min") is not None:
            text += (f"; single cities {fmt(entry['city_min'], kind)} to "
                     f"{fmt(entry['city_max'], kind)}")
        text += ")"
    return text
