"""The built-in scenarios: one TOML file per system in the reporting, in ``scenarios/``."""

from __future__ import annotations

import os
from pathlib import Path

from custodiet.errors import UserError


def builtin_dir() -> Path:
    """The folder of built-in scenarios: ``$CUSTODIET_SCENARIOS`` or the repository's
    ``scenarios/``."""
    env = os.environ.get("CUSTODIET_SCENARIOS")
    if env:
        return Path(env)
    return Path(__file__).resolve().parents[3] / "scenarios"


def builtin_scenarios() -> dict[str, Path]:
    """Name → path of every built-in scenario, sorted by name."""
    folder = builtin_dir()
    if not folder.is_dir():
        raise UserError("the built-in scenarios folder is missing (set CUSTODIET_SCENARIOS)",
                        where=str(folder))
    return {p.stem: p for p in sorted(folder.glob("*.toml"))}
