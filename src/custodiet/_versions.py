"""Versions of the packages a run depends on, for the manifest."""

from __future__ import annotations

import platform
from importlib import metadata

#: This package's version (``custodiet.__version__``).
__version__ = "0.1.0"

_PACKAGES = ("custodiet", "numpy", "pyarrow", "duckdb", "pydantic")


def package_versions() -> dict[str, str]:
    """Python's and each dependency's version ("missing" when not installed)."""
    out = {"python": platform.python_version()}
    for name in _PACKAGES:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = "missing"
    return out
