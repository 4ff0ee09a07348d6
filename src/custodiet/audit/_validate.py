"""Checks on a user's table before any work: columns exist (or the nearest name is suggested),
labels and flags are 0/1, nothing is missing, weights are non-negative, thresholds in range."""

from __future__ import annotations

import difflib
from collections.abc import Sequence


def suggest(name: str, choices: Sequence[str]) -> str:
    """``"; did you mean 'x'?"`` for the closest choice, or ``""`` when none is close."""
    lower = {c.lower(): c for c in choices}
    if name.lower() in lower:
        return f"; did you mean {lower[name.lower()]!r}?"
    close = difflib.get_close_matches(name, list(choices), n=1, cutoff=0.6)
    if not close:
        low = difflib.get_close_matches(name.lower(), list(lower), n=1, cutoff=0.6)
        close = [lower[low[0]]] if low else []
    return f"; did you mean {close[0]!r}?" if close else ""
