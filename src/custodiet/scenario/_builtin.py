"""The built-in scenarios: one TOML file per system in the reporting, in ``scenarios/``."""

from __future__ import annotations

import os
from importlib import resources
from pathlib import Path

from custodiet.errors import UserError


def builtin_dir() -> Path:
    """The folder of built-in scenarios: ``$CUSTODIET_SCENARIOS``, or the ``scenarios`` folder
    shipped inside the package (``scenarios/`` at the repository's root links to it)."""
    env = os.environ.get("CUSTODIET_SCENARIOS")
    if env:
        return Path(env)
    return Path(str(resources.files("custodiet") / "scenarios"))


def builtin_scenarios() -> dict[str, Path]:
    """Name → path of every built-in scenario, sorted by name."""
    folder = builtin_dir()
    if not folder.is_dir():
        raise UserError("the built-in scenarios folder is missing (set CUSTODIET_SCENARIOS)",
                        where=str(folder))
    return {p.stem: p for p in sorted(folder.glob("*.toml"))}
