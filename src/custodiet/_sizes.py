"""Named population sizes: ``--people tianjin`` runs a city of a real city's census count."""

from __future__ import annotations

import argparse
from dataclasses import dataclass


@dataclass(frozen=True)
class SizePreset:
    """A real city's population and where the figure comes from."""

    people: int
    source: str


SIZES: dict[str, SizePreset] = {
    "tianjin": SizePreset(
        13_866_009,
        "Tianjin's resident population, 2020 census (7th National Population Census, "
        "Tianjin Municipal Bureau of Statistics communiqué no. 1): 13,866,009"),
}
"""Population presets by name (lower case)."""


def people_count(text: str) -> int:
    """``--people``: a whole number of residents (at least 1) or a preset name (``tianjin``)."""
    name = text.strip().lower().replace("_", "")
    if name in SIZES:
        return SIZES[name].people
    try:
        value = int(text.replace("_", ""))
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected a whole number or one of {', '.join(sorted(SIZES))}, got {text!r}"
        ) from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {value}")
    return value
